// What every benchmark shares besides the server: flags, percentiles, the stderr table, and a
// description of the machine and its load, so a figure can be read next to what produced it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** `--name value` from argv, or the fallback. */
export const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
export const numArg = (name: string, fallback: number): number => Number(arg(name, String(fallback)));
export const listArg = (name: string, fallback: string): number[] =>
  arg(name, fallback).split(",").map(Number);

/** Nearest-rank percentile; NaN for no samples. */
export const pct = (xs: number[], p: number): number => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
export const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;
/** The middle value (the mean of the two middle ones for an even count), rounded. */
export const median = (xs: number[]): number => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return round(s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2);
};
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Prints rows as an aligned table on stderr (stdout is reserved for the JSON). */
export function printTable(rows: Record<string, string | number | null>[]): void {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? "-" : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i]!)).join("  ");
  console.error([line(cols), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join("\n"));
}

export type Machine = {
  cpuModel: string;
  nproc: number;
  memGb: number;
  node: string;
  workerd: string;
  wrangler: string;
  stateDir: string;
  /** Whether wrangler's local observability collector ran in the servers (LOCAL_OBSERVABILITY). */
  localObservability: boolean;
  /** 1-minute load average when the bench started: other work on the box skews every figure. */
  loadAvg1m: number;
};

function pkgVersion(path: string): string {
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/**
 * Whether the servers run wrangler's local observability collector (BENCH_LOCAL_OBSERVABILITY=1).
 * Off by default: `wrangler dev` otherwise streams a trace of every invocation, storage call and
 * subrequest to a collector Worker in the same workerd, on the app's thread. It emulates the
 * dashboard's traces, which production collects outside the isolate, and it costs each relay in
 * proportion to its invocations and spans, not its work (docs/PERFORMANCE.md, ninth pass).
 */
export const LOCAL_OBSERVABILITY = /^(1|true|on)$/i.test(process.env.BENCH_LOCAL_OBSERVABILITY ?? "");

export function machine(): Machine {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model;
  const nproc = Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim()) || cpus().length;
  return {
    cpuModel: model ?? "unknown",
    nproc,
    memGb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    // wrangler runs its own pinned workerd; that is the runtime the benches measure.
    workerd: pkgVersion("node_modules/wrangler/node_modules/workerd/package.json"),
    wrangler: pkgVersion("node_modules/wrangler/package.json"),
    stateDir: process.env.BENCH_STATE_DIR ?? "os.tmpdir() (disk)",
    localObservability: LOCAL_OBSERVABILITY,
    loadAvg1m: Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]),
  };
}

/** The JSON result on stdout, with the machine as it was when the bench started. */
export function emit(bench: string, atStart: Machine, body: Record<string, unknown>): void {
  const loadAvg1mAtEnd = Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  console.log(JSON.stringify({ bench, machine: { ...atStart, loadAvg1mAtEnd }, ...body }, null, 2));
}
