// A native profile of the server's workerd processes while a benchmark phase runs, with Linux
// `perf` (BENCH_PERF_DIR=dir). It adds ~15% to both relays' CPU here (the inspector's profile, in
// bench/lib/profile.ts, doubles it), so their shares stay comparable, and it sees the runtime's own
// C++ (sockets, compression, SQLite, the V8 builtins). JIT-compiled JavaScript has no names, but
// each turn's runtime frames say what it serves. bench/perf-report.ts sorts the samples;
// `perf report -i <file>` reads one file.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_OBSERVABILITY, sleep } from "./cli.ts";
import { workerdPids } from "./server.ts";

/** Written beside each profile (`<name>.json`): what bench/perf-report.ts must know of the recording. */
export type PerfMeta = { localObservability: boolean; pids: number[]; frequencyHz: number };

const FREQUENCY_HZ = 4999;

/** Starts `perf record` on the server's workerd processes; the returned function stops it. */
export async function startPerf(dir: string, rootPid: number, name: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  const pids = workerdPids(rootPid);
  if (!pids.length) throw new Error("BENCH_PERF_DIR: no workerd process to profile");
  const out = join(dir, `${name}.perf.data`);
  const meta: PerfMeta = { localObservability: LOCAL_OBSERVABILITY, pids, frequencyHz: FREQUENCY_HZ };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(meta));
  const perf = spawn(
    "perf",
    ["record", "-q", "-F", String(FREQUENCY_HZ), "-g", "-p", pids.join(","), "-o", out],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  // perf is not in the server's process group: if the bench dies mid-phase, stop it too.
  const onExit = () => perf.kill("SIGINT");
  process.once("exit", onExit);
  let running = true;
  const exited = new Promise<void>((resolve, reject) => {
    perf.once("error", (err) => reject(new Error(`BENCH_PERF_DIR: perf failed to start: ${err.message}`)));
    perf.once("exit", () => {
      running = false;
      resolve();
    });
  });
  // perf attaches asynchronously; give it a moment so the phase's first frames are sampled.
  await Promise.race([exited, sleep(300)]);
  // Gone already: it refused (no permission to trace, a kernel without perf events; it said why on
  // stderr). A phase without the profile it was asked for would pass for one.
  if (!running) {
    process.off("exit", onExit);
    throw new Error("BENCH_PERF_DIR: perf record exited at once (its message is above)");
  }
  return async () => {
    process.off("exit", onExit);
    perf.kill("SIGINT");
    await exited;
  };
}
