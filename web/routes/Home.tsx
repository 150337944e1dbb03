import { useEffect, useState } from "react";

type Health = { ok: boolean; llm: string };

export function Home() {
  const [health, setHealth] = useState<Health | null>(null);
  useEffect(() => {
    fetch("/api/health")
      .then((r) => r.json() as Promise<Health>)
      .then(setHealth)
      .catch(() => setHealth({ ok: false, llm: "unknown" }));
  }, []);
  return (
    <main className="home">
      <h1>Baton</h1>
      <p>Chat with an orchestrator that runs a team of agents.</p>
      <p role="status">
        {health === null ? "Checking…" : health.ok ? `API healthy · ${health.llm}` : "API unreachable"}
      </p>
    </main>
  );
}
