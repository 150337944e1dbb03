// bench/perf-report: where each relay's CPU goes, from the native profiles `bench/stream` records
// with BENCH_PERF_DIR. Every sample of every phase is put in the first category its call stack
// matches (the runtime's own frames name the event a turn serves: a trace report, a timer, a D1
// request, a chunk of a fetch's body…), and the table gives samples per phase, bare relay against
// Baton, at the streams asked for. Table to stderr, JSON to stdout.
//   npx tsx bench/perf-report.ts --dir perf --streams 10
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { arg, emit, machine, numArg, printTable, round } from "./lib/cli.ts";
import type { PerfMeta } from "./lib/perf.ts";

const DIR = arg("dir", "perf");
const STREAMS = numArg("streams", 10);

/** A frame of a sample's call stack: its symbol (or address, for JIT code) and the file it is in. */
type Frame = { sym: string; dso: string };

/** One sample's call stack, innermost frame first. */
function* stacks(file: string): Generator<Frame[]> {
  const out = spawnSync("perf", ["script", "-i", file, "-F", "ip,sym,dso"], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (out.status !== 0) throw new Error(`perf script -i ${file}: ${out.stderr}`);
  // Warnings (lost chunks, samples it couldn't place) mean the totals are short: say so.
  if (out.stderr.trim()) console.error(`${file}: ${out.stderr.trim()}`);
  let stack: Frame[] = [];
  for (const line of out.stdout.split("\n")) {
    const frame = line.trim();
    if (!frame) {
      if (stack.length) yield stack;
      stack = [];
      continue;
    }
    // "<address> <symbol> (<file>)"; a C++ symbol may hold parentheses, the file is the last pair.
    const space = frame.indexOf(" ");
    const open = frame.lastIndexOf(" (");
    stack.push(
      open > space
        ? { sym: frame.slice(space + 1, open), dso: frame.slice(open + 2, -1) }
        : { sym: space < 0 ? frame : frame.slice(space + 1), dso: "" },
    );
  }
  if (stack.length) yield stack;
}

/**
 * The outermost event a sample ran under: workerd runs each JavaScript turn inside
 * `IoContext::runSingle<IoContext::<how><…what…>>`, whose template arguments name what it serves.
 */
function turn(stack: Frame[]): string | null {
  let found: string | null = null;
  for (const { sym } of stack) {
    const m = /IoContext::runSingle<workerd::IoContext::(\w+)<(.{0,200})/.exec(sym);
    if (m) found = `${m[1]}:${m[2]}`;
  }
  return found;
}

/**
 * The categories, first match wins; each is a test on the sample's turn, its whole stack's symbols
 * and the file of its innermost frame.
 */
const CATEGORIES: [string, (t: string, s: string, inner: string) => boolean][] = [
  ["wrangler's trace collector", (t) => /TailStreamTarget::report|JsRpcTargetBase/.test(t)],
  // Local D1 is a Worker (a fetch handler) in front of an object whose SQL runs in an async
  // storage transaction; Baton's objects use only transactionSync, and take no requests mid-phase.
  [
    "local D1 (its Worker and object)",
    (t, s) => t.includes("requestImpl") || /DurableObjectStorage::transaction\(|asyncTransactionImpl/.test(s),
  ],
  [
    "garbage collection",
    (_, s) => /CollectGarbage|Scavenge|MarkCompact|Sweeper|cppgc|MinorGCJob|ConcurrentMarking/.test(s),
  ],
  ["compression", (_, s) => s.includes("deflate")],
  ["the object's SQLite", (_, s) => /sqlite3|SqlStorage|ActorSqlite|transactionSync|SqliteDatabase/.test(s)],
  ["socket messages (a send frame)", (t) => t.includes("HibernatableWebSocketCustomEvent")],
  // Timers: a run's start (the turn after its send), the text window, the outbox's flush after a run.
  ["timer turns (a run's start, flushes)", (t) => t.includes("setTimeoutImpl")],
  [
    "socket sends and the pump to the client",
    (_, s) => /LegacyWebSocketAdapter::pump|WebSocketPipe|WebSocket::send/.test(s),
  ],
  ["SSE chunks read and relayed (JavaScript)", (t) => t.includes("kj::Array<unsigned char>")],
  ["other JavaScript turns", (t) => /^(resumeAfterIo|run):/.test(t)],
  ["kernel (network, scheduling)", (_, __, inner) => inner === "[kernel.kallsyms]"],
  ["the runtime's other C++", () => true],
];

function categorise(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const stack of stacks(file)) {
    const t = turn(stack) ?? "";
    const s = stack.map((f) => f.sym).join("\n");
    const [name] = CATEGORIES.find(([, test]) => test(t, s, stack[0]!.dso))!;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** Each profile's samples per category, and their mean per phase, over a relay's profiles. */
function perPhase(kind: "bare" | "baton") {
  const files = readdirSync(DIR).filter(
    (f) => f.startsWith(`stream-${kind}-${STREAMS}-`) && f.endsWith(".perf.data"),
  );
  if (!files.length) throw new Error(`no ${kind} profile at ${STREAMS} streams in ${DIR}`);
  const each = files.map((f) => ({ file: f, ...recorded(f), samples: categorise(join(DIR, f)) }));
  const sum = new Map<string, number>();
  for (const { samples } of each) for (const [k, v] of samples) sum.set(k, (sum.get(k) ?? 0) + v);
  return { each, mean: new Map([...sum].map(([k, v]) => [k, v / files.length])) };
}

/** How a profile was recorded (bench/lib/perf.ts writes it beside the profile). */
function recorded(file: string): PerfMeta {
  const note = file.replace(/\.perf\.data$/, ".json");
  try {
    return JSON.parse(readFileSync(join(DIR, note), "utf8")) as PerfMeta;
  } catch {
    throw new Error(`${file}: no ${note} beside it (recorded before 2026-12-05?)`);
  }
}

const started = machine();
const bare = perPhase("bare");
const baton = perPhase("baton");
// One directory, one way of recording: the collector's share would otherwise be averaged away, and
// a sample's length is one over the frequency.
const profiles = [...bare.each, ...baton.each];
if (new Set(profiles.map((p) => p.localObservability)).size > 1)
  throw new Error(`${DIR} mixes profiles with the trace collector on and off`);
if (new Set(profiles.map((p) => p.frequencyHz)).size > 1)
  throw new Error(`${DIR} mixes profiles recorded at different frequencies`);
const { localObservability, frequencyHz } = profiles[0]!;
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const rows = [
  ["all workerd threads (the app's and wrangler's proxy's)", total(bare.mean), total(baton.mean)] as const,
  ...CATEGORIES.map(([name]) => [name, bare.mean.get(name) ?? 0, baton.mean.get(name) ?? 0] as const),
].map(([category, b, t]) => ({ category, bare: round(b, 0), baton: round(t, 0), excess: round(t - b, 0) }));
printTable(rows);
const perProfile = (p: ReturnType<typeof perPhase>) =>
  p.each.map(({ file, samples }) => ({ file, total: total(samples), samples: Object.fromEntries(samples) }));
emit("perf-report", started, {
  dir: DIR,
  streams: STREAMS,
  // Of the recording, not of this report's machine (whose `localObservability` says nothing here).
  localObservability,
  frequencyHz,
  msPerSample: round(1000 / frequencyHz, 3),
  rows,
  profiles: { bare: perProfile(bare), baton: perProfile(baton) },
});
