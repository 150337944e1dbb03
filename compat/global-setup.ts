// Starts the standalone simulator exactly as outside clients run it (`npm run simulator`, i.e.
// scripts/simulator.ts under tsx) on a free port, once for the whole suite, and hands its URL to
// the tests in BATON_SIM_URL (test workers start after this and inherit it). Fast pace: the suite
// checks protocol, not timing.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const STARTUP_MS = 20_000;

export default async function setup(): Promise<() => Promise<void>> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child: ChildProcess = spawn(process.execPath, ["--import", tsx, "scripts/simulator.ts"], {
    cwd: new URL("..", import.meta.url).pathname,
    env: { ...process.env, PORT: "0", SIM_TOKENS_PER_SECOND: "50000", SIM_FIRST_TOKEN_MS: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the simulator did not start")), STARTUP_MS);
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`the simulator exited (${code}) before listening:\n${out}`)));
  });
  process.env.BATON_SIM_URL = `http://127.0.0.1:${port}`;
  return async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await once(child, "exit");
  };
}
