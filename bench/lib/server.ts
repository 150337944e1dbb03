// Starts Baton's built Worker under `wrangler dev` with benchmark settings, in a fresh state
// directory, with D1 migrated; and a user with an API token to drive it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../e2e/server.ts";

export type BenchServer = { url: string; token: string; pid: number; stop: () => Promise<void> };

export async function startBenchServer(vars: Record<string, string>): Promise<BenchServer> {
  const persist = mkdtempSync(join(process.env.BENCH_STATE_DIR ?? tmpdir(), "baton-bench-"));
  const migrate = spawnSync(
    "npx",
    ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist],
    {
      encoding: "utf8",
    },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
  const port = await freePort();
  const args = [
    "wrangler",
    "dev",
    "--config",
    "dist/baton/wrangler.json",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
  ];
  args.push("--persist-to", persist, "--show-interactive-dev-session=false", "--log-level", "warn");
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  let log = "";
  const child: ChildProcess = spawn("npx", args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${log}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const token = await signupWithToken(url);
  // The workerd process does the work; find it for CPU/memory sampling.
  const pid = child.pid ?? 0;
  return {
    url,
    token,
    pid,
    stop: async () => {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(persist, { recursive: true, force: true });
    },
  };
}

async function signupWithToken(url: string): Promise<string> {
  const email = `bench-${Date.now()}@example.com`;
  const headers = { "Content-Type": "application/json", Origin: url };
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email, password: "bench-password-123" }),
  });
  if (!signup.ok) throw new Error(`signup failed: ${signup.status} ${await signup.text()}`);
  const cookie = signup.headers.get("set-cookie")?.split(";")[0] ?? "";
  const tok = await fetch(`${url}/api/tokens`, {
    method: "POST",
    headers: { ...headers, Cookie: cookie },
    body: JSON.stringify({ name: "bench" }),
  });
  if (!tok.ok) throw new Error(`token failed: ${tok.status} ${await tok.text()}`);
  return ((await tok.json()) as { secret: string }).secret;
}

/** JSON API call with the bench token. */
export async function call<T>(
  server: { url: string; token: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** CPU seconds and resident memory of a process tree (Linux /proc), for server cost figures. */
export function processTreeUsage(rootPid: number): { cpuSec: number; rssMb: number } {
  const out = spawnSync("ps", ["-o", "pid=,ppid=,time=,rss=", "-A"], { encoding: "utf8" }).stdout;
  const rows = out
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, time, rss]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      time: time ?? "0:0",
      rss: Number(rss),
    }));
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) if (tree.has(r.ppid) && !tree.has(r.pid)) tree.add(r.pid), (grew = true);
  }
  let cpuSec = 0;
  let rssKb = 0;
  for (const r of rows) {
    if (!tree.has(r.pid)) continue;
    const parts = r.time.split(/[-:]/).map(Number);
    cpuSec += parts.reduce((acc, n) => acc * 60 + n, 0);
    rssKb += r.rss;
  }
  return { cpuSec, rssMb: Math.round(rssKb / 1024) };
}
