// A native profile of the server's workerd processes while a benchmark phase runs, with Linux
// `perf` (BENCH_PERF_DIR=dir). Unlike the inspector's (bench/lib/profile.ts) it adds almost no CPU,
// so two relays' shares stay comparable, and it sees the runtime's own C++ (sockets, compression,
// SQLite, the V8 builtins). JIT-compiled JavaScript has no names, but each turn's runtime frames say
// what it serves. bench/perf-report.ts sorts the samples; `perf report -i <file>` reads one file.
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
  let running = true;
  const exited = new Promise<void>((resolve, reject) => {
    perf.once("error", (err) => reject(new Error(`BENCH_PERF_DIR: perf failed to start: ${err.message}`)));
    perf.once("exit", () => {
      running = false;
      resolve();
    });
  });
  // perf attaches asynchronously; give it a moment so the phase's first frames are sampled.
  await Promise.race([exited, new Promise((r) => setTimeout(r, 300))]);
  // Gone already: it refused (no permission to trace, a kernel without perf events; it said why on
  // stderr). A phase without the profile it was asked for would pass for one.
  if (!running) throw new Error("BENCH_PERF_DIR: perf record exited at once (its message is above)");
  return async () => {
    perf.kill("SIGINT");
    await exited;
  };
}
