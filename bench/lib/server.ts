// Builds the bench Worker and starts it under `wrangler dev` with benchmark settings, in a fresh
// state directory, with D1 migrated; and a user with an API token to drive it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../../e2e/server.ts";
import { LOCAL_OBSERVABILITY } from "./cli.ts";

export type BenchServer = {
  url: string;
  token: string;
  pid: number;
  /** wrangler's --persist-to directory (D1 and Durable Object SQLite files live under it). */
  persist: string;
  stop: () => Promise<void>;
};

/**
 * Builds the bench Worker (bench/worker/: production Baton plus the /api/_bench routes and the
 * objects' cost probe; bench/vite.config.ts) from the checkout's source into a private directory.
 * `wrangler dev` watches its config and bundle and restarts workerd when they change; a build of
 * its own never changes, so nothing else rebuilding dist/ can kill a running bench's objects.
 */
function buildBenchWorker(): { config: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "baton-build-"));
  const build = spawnSync("npx", ["vite", "build", "--config", "bench/vite.config.ts", "--outDir", dir], {
    encoding: "utf8",
  });
  if (build.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`bench build failed:\n${build.stdout}\n${build.stderr}`);
  }
  const config = join(dir, "baton", "wrangler.json");
  const json = JSON.parse(readFileSync(config, "utf8")) as { d1_databases?: { migrations_dir?: string }[] };
  // The only path that points outside the build; wrangler dev doesn't apply migrations, but keep it valid.
  for (const db of json.d1_databases ?? []) db.migrations_dir = resolve("schema/migrations");
  writeFileSync(config, JSON.stringify(json));
  return { config, dir };
}

export async function startBenchServer(vars: Record<string, string>): Promise<BenchServer> {
  const build = buildBenchWorker();
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
  const args = ["wrangler", "dev", "--config", build.config, "--port", String(port), "--ip", "127.0.0.1"];
  args.push("--persist-to", persist, "--show-interactive-dev-session=false", "--log-level", "warn");
  // For CPU profiles of the Worker and its objects (bench/lib/profile.ts); off unless asked for.
  if (process.env.BENCH_INSPECTOR_PORT) args.push("--inspector-port", process.env.BENCH_INSPECTOR_PORT);
  // How long streamed text may wait for the log (DESIGN §11): the rows-per-token trade-off, to try.
  const windows = Object.fromEntries(
    [
      "LIVE_TEXT_FLUSH_MS",
      "LIVE_TEXT_FLUSH_CHARS",
      "LIVE_TEXT_RENDERED_FLUSH_MS",
      "LIVE_TEXT_RENDERED_FLUSH_CHARS",
    ].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])),
  );
  for (const [k, v] of Object.entries({ ...vars, ...windows })) args.push("--var", `${k}:${v}`);
  let log = "";
  const child: ChildProcess = spawn("npx", args, {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, X_LOCAL_OBSERVABILITY: String(LOCAL_OBSERVABILITY) },
  });
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  // wrangler runs in its own process group (so stop() can end workerd too); if the bench dies
  // first — an error, Ctrl-C, a kill — take the group down with it rather than leave it serving.
  const killGroup = () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  const onSignal = (sig: NodeJS.Signals) => {
    killGroup();
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  const onExit = () => {
    killGroup();
    rmSync(persist, { recursive: true, force: true });
    rmSync(build.dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${log}`);
    if (Date.now() > deadline) {
      killGroup();
      throw new Error(`wrangler dev did not start:\n${log}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const token = await signupWithToken(url);
  // The workerd process does the work; find it for CPU/memory sampling.
  const pid = child.pid ?? 0;
  return {
    url,
    token,
    pid,
    persist,
    stop: async () => {
      process.off("exit", onExit);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(persist, { recursive: true, force: true });
      rmSync(build.dir, { recursive: true, force: true });
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

export type TreeUsage = { cpuSec: number; rssMb: number; workerdCpuSec: number; workerdRssMb: number };

const TICKS_PER_SEC = 100; // getconf CLK_TCK on Linux
const PAGE_BYTES = 4096;

/**
 * Which clock server CPU is read from, decided once so two readings are never of different kinds:
 * each thread's run time in ns from /proc/<pid>/task/<tid>/schedstat (a kernel without schedstats
 * reads 0 there), or clock ticks from /proc/<pid>/stat. Ticks are 10 ms each, and a 1-stream phase
 * spends 0.10–0.17 s, so a tick either way moved that phase's ratio by 6–10%.
 */
export const CPU_CLOCK: "schedstat" | "ticks" = (() => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) > 0
      ? "schedstat"
      : "ticks";
  } catch {
    return "ticks";
  }
})();

/**
 * CPU seconds of a process's live threads, summed from each one's schedstat. A thread that ends
 * between two readings takes its time out of the second (the ticks count it; this doesn't). The
 * servers' threads live as long as they do, so a phase's reading holds; a thread gone while we
 * looked is skipped.
 */
function liveThreadsCpuSec(pid: number): number {
  let ns = 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0; // the process exited while we looked
  }
  for (const tid of tids) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread exited while we looked
    }
  }
  return ns / 1e9;
}

type Proc = { pid: number; ppid: number; ticks: number; rssPages: number; comm: string };

/** The processes of a tree, read from /proc/<pid>/stat. */
function processTree(rootPid: number): Proc[] {
  const procs: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid …": comm may hold spaces, so split after the closing parenthesis.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const f = stat.slice(close + 2).split(" ");
    // Fields after comm, 0-based: 0 state, 1 ppid, 11 utime, 12 stime, 21 rss.
    procs.push({
      pid: Number(name),
      ppid: Number(f[1]),
      ticks: Number(f[11]) + Number(f[12]),
      rssPages: Number(f[21]),
      comm,
    });
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => tree.has(p.pid));
}

/** The workerd processes of a server's tree (the app's runtime and wrangler's dev proxy). */
export const workerdPids = (rootPid: number): number[] =>
  processTree(rootPid)
    .filter((p) => p.comm === "workerd")
    .map((p) => p.pid);

/**
 * CPU seconds and resident memory of a process tree, CPU from CPU_CLOCK. The workerd processes'
 * share is reported apart (the app's runtime and wrangler's dev proxy, which the sockets pass
 * through); the rest is wrangler's and npx's node processes.
 */
export function processTreeUsage(rootPid: number): TreeUsage {
  const u = { sec: 0, pages: 0, wSec: 0, wPages: 0 };
  for (const p of processTree(rootPid)) {
    const sec = CPU_CLOCK === "schedstat" ? liveThreadsCpuSec(p.pid) : p.ticks / TICKS_PER_SEC;
    u.sec += sec;
    u.pages += p.rssPages;
    if (p.comm === "workerd") {
      u.wSec += sec;
      u.wPages += p.rssPages;
    }
  }
  const mb = (pages: number) => Math.round((pages * PAGE_BYTES) / 2 ** 20);
  return {
    cpuSec: u.sec,
    rssMb: mb(u.pages),
    workerdCpuSec: u.wSec,
    workerdRssMb: mb(u.wPages),
  };
}
