// A native profile of the server's workerd processes while a benchmark phase runs, with Linux
// `perf` (BENCH_PERF_DIR=dir). Unlike the inspector's (bench/lib/profile.ts) it adds almost no CPU,
// so two relays' shares stay comparable, and it sees the runtime's own C++ (sockets, compression,
// SQLite, the V8 builtins); JIT-compiled JavaScript shows as one unknown bucket. Read a file with
// `perf report -i <file> --no-children --sort dso,sym`.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { workerdPids } from "./server.ts";

/** Starts `perf record` on the server's workerd processes; the returned function stops it. */
export async function startPerf(dir: string, rootPid: number, name: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  const pids = workerdPids(rootPid);
  if (!pids.length) throw new Error("BENCH_PERF_DIR: no workerd process to profile");
  const out = join(dir, `${name}.perf.data`);
  const perf = spawn("perf", ["record", "-q", "-F", "4999", "-g", "-p", pids.join(","), "-o", out], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve, reject) => {
    perf.once("error", (err) => reject(new Error(`BENCH_PERF_DIR: perf failed to start: ${err.message}`)));
    perf.once("exit", () => resolve());
  });
  // perf attaches asynchronously; give it a moment so the phase's first frames are sampled.
  await Promise.race([exited, new Promise((r) => setTimeout(r, 300))]);
  return async () => {
    perf.kill("SIGINT");
    await exited;
  };
}
