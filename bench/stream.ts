// bench/stream: N concurrent orchestrator streams at a fixed simulator pace, through Baton's relay
// (Worker → Durable Object → live `delta` frame at once, the text logged coalesced in SQLite,
// DESIGN §11 → WebSocket) and through a bare relay (SDK stream → ws.send, nothing persisted) in the
// same run, against the same timestamping simulator. Latency is to the first arrival of each text
// delta (Baton: its delta frame). Per 1,000 output tokens, side by side: object SQLite rows written,
// bytes on the wire (every frame the client got), server CPU. Table to stderr, JSON to stdout.
//   npx tsx bench/stream.ts --streams 1,10,50 --tokens 600 --pace 200
//   (--repeat N, --servers K, --order bare-first|baton-first|alternate, --bare worker|object,
//   --warmup N, --stagger MS, --timeout S, --timeline FILE for every delta's latency; BENCH_INSPECTOR_PORT for
//   a CPU profile of each phase, BENCH_PROFILE_DIR to keep the raw profiles, BENCH_PERF_DIR for a
//   native one; BENCH_LOCAL_OBSERVABILITY=1 keeps wrangler's trace collector: bench/README.md)
import { writeFileSync } from "node:fs";
import type { StreamEvent } from "../schema/events";
import { RUN_LIMITS } from "../worker/limits.ts";
import { arg, emit, listArg, machine, median, numArg, pct, printTable, round, sleep } from "./lib/cli.ts";
import { CounterDelta } from "./lib/counters.ts";
import { startPerf } from "./lib/perf.ts";
import { type ProfileSummary, startProfile } from "./lib/profile.ts";
import { type BenchServer, CPU_CLOCK, call, processTreeUsage, startBenchServer } from "./lib/server.ts";
import { startTimedSimulator } from "./lib/sim-server.ts";

const STREAMS = listArg("streams", "1,10,50");
const TOKENS = numArg("tokens", 600);
const PACE = numArg("pace", 200);
const REPEAT = numArg("repeat", 1);
// Which relay streams first at each N. The second one inherits a warmer, busier isolate (each phase
// leaves garbage, compiled code and objects with alarms behind), so a ratio read from one order
// alone is biased: the bare relay's 50-stream phase follows Baton's 10-stream one by default.
// `alternate` takes turns, server by server (with --servers).
const ORDER = arg("order", "bare-first");
if (ORDER !== "bare-first" && ORDER !== "baton-first" && ORDER !== "alternate")
  throw new Error(`--order: bare-first, baton-first or alternate, not ${ORDER}`);
// Each on a fresh server (state, isolate and all); the summary's ratios are medians over them.
const SERVERS = numArg("servers", 1);
if (!Number.isInteger(SERVERS) || SERVERS < 1)
  throw new Error(`--servers: a whole number ≥ 1, not ${SERVERS}`);
const batonFirst = (server: number) => ORDER === "baton-first" || (ORDER === "alternate" && server % 2 === 1);
// Where the bare relay runs: in the Worker that takes the socket (`worker`, issue 16's baseline), or
// in an object of its own per stream (`object`): the hop every frame of a stream that lives in an
// object takes, Baton's included, with nothing persisted.
const BARE = arg("bare", "worker");
if (BARE !== "worker" && BARE !== "object") throw new Error(`--bare: worker or object, not ${BARE}`);
const barePath = (tag: string, i: number) =>
  BARE === "object" ? `/api/_bench/relay?channel=${tag}-${i}` : "/api/_bench/relay";
// Sends the N prompts spread evenly over this many ms instead of at once. At once (0, the default)
// every stream starts, and so ends, within a few tens of ms of the others: each run's start and end
// work lands in one burst. Spread, the runs overlap as a service's would.
const STAGGER = numArg("stagger", 0);
// Before a server's measured phases each relay streams this many streams once, unmeasured (0: none),
// the bare relay first. A fresh isolate compiles the code a relay runs on its first use, and the
// first relay to run also compiles the code the two share (the SDK, the router, auth): without a
// warm-up whichever goes first pays for both, and Baton, with more code, pays more. That is a cost
// per isolate, not per token. Then the bench waits a heartbeat and a second, so the alarms the
// warm-up's Baton runs set (at most a heartbeat ahead when they end) fire before anything is
// measured.
const WARMUP = numArg("warmup", 10);
if (!Number.isInteger(WARMUP) || WARMUP < 0) throw new Error(`--warmup: a whole number ≥ 0, not ${WARMUP}`);
const WARMUP_SETTLE_MS = RUN_LIMITS.heartbeatMs + 1000;
const MODEL = "claude-haiku-5-5";

type StreamResult = {
  recv: number[];
  events: Map<number, StreamEvent>;
  duplicates: number;
  done: boolean;
  /** Bytes of every frame received (UTF-8), and how many were delta frames. */
  bytes: number;
  deltaFrames: number;
  /** The bare relay's own count (it logs nothing to read back). */
  outputTokens: number;
};

function prompt(marker: string): string {
  const words = "alpha beta gamma delta epsilon zeta eta theta iota kappa ".repeat(
    Math.ceil((TOKENS * 4) / 60),
  );
  const script = JSON.stringify([{ text: words.slice(0, TOKENS * 4) }]);
  return `bench-marker:${marker}\n\`\`\`sim\n${script}\n\`\`\``;
}

function openSocket(server: BenchServer, path: string): Promise<WebSocket> {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}${path}`, {
    headers: { Origin: server.url, Authorization: `Bearer ${server.token}` },
  } as unknown as string[]);
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = (e) => reject(new Error(`socket ${path} failed: ${String((e as ErrorEvent).message ?? e)}`));
  });
}

function collect(ws: WebSocket, result: StreamResult, kind: "baton" | "bare", onDone: () => void): void {
  ws.onmessage = (m) => {
    const at = performance.now();
    const data = String(m.data);
    result.bytes += Buffer.byteLength(data);
    const frame = JSON.parse(data) as {
      type: string;
      kind?: string;
      event?: StreamEvent;
      events?: StreamEvent[];
    };
    // Baton's text arrives first as a delta frame (one per simulator write); the logged
    // text.delta events that follow carry the same text coalesced, so they time nothing.
    if (frame.type === "delta") {
      result.deltaFrames++;
      if (frame.kind === "text") result.recv.push(at);
      return;
    }
    const evs =
      frame.type === "event" && frame.event
        ? [frame.event]
        : frame.type === "events"
          ? (frame.events ?? [])
          : [];
    for (const ev of evs) {
      if (result.events.has(ev.seq)) result.duplicates++;
      result.events.set(ev.seq, ev);
      if (ev.type === "text.delta" && kind === "bare") result.recv.push(at);
      // The bare relay's end frame says how many tokens it relayed (it has no log to read back).
      if (ev.type === "run.completed" && kind === "bare")
        result.outputTokens = (ev as { outputTokens?: number }).outputTokens ?? 0;
      if (ev.type === "run.completed" || ev.type === "run.failed" || ev.type === "run.interrupted") {
        result.done = true;
        onDone();
      }
    }
  };
}

async function phase(
  server: BenchServer,
  sim: Awaited<ReturnType<typeof startTimedSimulator>>,
  n: number,
  kind: "baton" | "bare",
  /** False for a warm-up: no profile, no timeline file (their names are a measured phase's). */
  measured = true,
) {
  const tag = `${kind}-${n}-${Date.now()}`;
  const ids =
    kind === "baton"
      ? await Promise.all(
          Array.from(
            { length: n },
            async (_, i) =>
              (
                await call<{ id: string }>(server, "POST", "/api/orchestrators", {
                  name: `bench ${tag} ${i}`,
                  model: MODEL,
                })
              ).id,
          ),
        )
      : Array.from({ length: n }, (_, i) => `bare-${i}`);
  const results: StreamResult[] = ids.map(() => ({
    recv: [],
    events: new Map(),
    duplicates: 0,
    done: false,
    bytes: 0,
    deltaFrames: 0,
    outputTokens: 0,
  }));
  let finished = 0;
  let allDone!: () => void;
  const done = new Promise<void>((r) => (allDone = r));
  const sockets = await Promise.all(
    ids.map((id, i) =>
      openSocket(server, kind === "baton" ? `/api/orchestrators/${id}/ws` : barePath(tag, i)).then((ws) => {
        collect(ws, results[i]!, kind, () => ++finished === n && allDone());
        // It renders delta frames, as the web client does, and says so (DESIGN §11).
        if (kind === "baton") ws.send(JSON.stringify({ type: "resume", after: 0, deltas: true }));
        return ws;
      }),
    ),
  );
  // Object counters from here: rows the objects write to their SQLite while they stream.
  const counters = new CounterDelta();
  if (kind === "baton") await counters.readOrchestrators(server, ids, true);
  // The profiles start after that read (its requests are the bench's, not the relay's), as the CPU
  // reading does. With BENCH_INSPECTOR_PORT set, a CPU profile of the server while this phase
  // streams; with BENCH_PERF_DIR, a native one of its workerd processes (bench/lib/perf.ts).
  const port = Number(process.env.BENCH_INSPECTOR_PORT);
  const stopProfile = port && measured ? await startProfile(port, `stream-${kind}-${n}`) : null;
  const perfDir = process.env.BENCH_PERF_DIR;
  const stopPerf = perfDir && measured ? await startPerf(perfDir, server.pid, `stream-${tag}`) : null;
  const before = processTreeUsage(server.pid);
  const t0 = performance.now();
  // Both relays get their prompt over the socket they stream on, as the web app sends messages;
  // HTTP (POST …/messages) would add a request's cost per run to Baton's side only.
  for (const [i, ws] of sockets.entries()) {
    const text = prompt(`${tag}-${i}`);
    const send = () =>
      ws.send(JSON.stringify(kind === "bare" ? { text, model: MODEL } : { type: "send", text }));
    if (STAGGER && i) setTimeout(send, (i * STAGGER) / n);
    else send();
  }
  const timeout = setTimeout(allDone, numArg("timeout", 120) * 1000);
  await done;
  clearTimeout(timeout);
  const wall = (performance.now() - t0) / 1000;
  const after = processTreeUsage(server.pid);
  const profile: ProfileSummary | null = stopProfile ? await stopProfile() : null;
  await stopPerf?.();
  for (const ws of sockets) ws.close();

  const latencies: number[] = [];
  // With --timeline FILE: every delta as [stream, index, ms after start when written, latency ms].
  const timeline: number[][] = [];
  // The same, split at one second after the phase started: the start (runs being created, all at
  // once) and the steady stream after it.
  const early: number[] = [];
  const steady: number[] = [];
  results.forEach((r, i) => {
    const writes = sim.writes.get(`${tag}-${i}`) ?? [];
    const k = Math.min(writes.length, r.recv.length);
    for (let j = 0; j < k; j++) {
      const l = r.recv[j]! - writes[j]!;
      latencies.push(l);
      (writes[j]! - t0 < 1000 ? early : steady).push(l);
      timeline.push([i, j, Math.round(writes[j]! - t0), Math.round(l * 10) / 10]);
    }
  });
  const timelineFile = arg("timeline", "");
  if (timelineFile && measured) writeFileSync(`${timelineFile}-${kind}-${n}.json`, JSON.stringify(timeline));
  const events = results.reduce((a, r) => a + r.events.size, 0);
  let lost = 0;
  let tokens = results.reduce((a, r) => a + r.outputTokens, 0);
  let statements = 0;
  // Beside the rows: the logged text events (text.delta / thinking.delta, which the window sets;
  // most are a row of their own, a block's last one shares the row of the event after it) and the
  // rows per run, whatever its length.
  let textEvents = 0;
  let runs = 0;
  if (kind === "baton") {
    tokens = 0;
    // Every event in each object's log must have reached its client exactly once.
    for (const [i, id] of ids.entries()) {
      const log = await call<{ events: StreamEvent[] }>(
        server,
        "GET",
        `/api/orchestrators/${id}/events?after=0&limit=1000`,
      );
      for (const ev of log.events) if (!results[i]!.events.has(ev.seq)) lost++;
      for (const ev of log.events) {
        if (ev.type === "message.completed") tokens += ev.usage.outputTokens;
        if (ev.type === "text.delta" || ev.type === "thinking.delta") textEvents++;
        if (ev.type === "run.completed") runs++;
      }
    }
    await counters.readOrchestrators(server, ids);
    statements = counters.sum.statements;
  }
  const per1k = (x: number, digits = 1) => (tokens ? round((x / tokens) * 1000, digits) : null);
  const cpuSec = after.cpuSec - before.cpuSec;
  const bytes = results.reduce((a, r) => a + r.bytes, 0);
  return {
    kind,
    streams: n,
    completed: results.filter((r) => r.done).length,
    deltas: latencies.length,
    latencyMs: {
      p50: round(pct(latencies, 50)),
      p99: round(pct(latencies, 99)),
      max: round(Math.max(...latencies)),
    },
    firstSecondMs: { deltas: early.length, p50: round(pct(early, 50)), p99: round(pct(early, 99)) },
    afterFirstSecondMs: { deltas: steady.length, p50: round(pct(steady, 50)), p99: round(pct(steady, 99)) },
    eventsPerSec: round(events / wall, 0),
    wallSec: round(wall),
    lost,
    duplicates: results.reduce((a, r) => a + r.duplicates, 0),
    outputTokens: tokens,
    d1Statements: statements,
    d1StatementsPer1kTokens: per1k(statements, 2),
    deltaFrames: results.reduce((a, r) => a + r.deltaFrames, 0),
    // Per 1,000 output tokens, comparable across the two relays (the bare one writes no rows).
    objectSqliteRows: kind === "baton" ? counters.sum.sqliteRows : 0,
    objectSqliteRowsPer1kTokens: kind === "baton" ? per1k(counters.sum.sqliteRows) : 0,
    textEventsPer1kTokens: kind === "baton" ? per1k(textEvents) : 0,
    rowsPerRun: runs ? round(counters.sum.sqliteRows / runs, 1) : 0,
    wireBytes: bytes,
    wireBytesPer1kTokens: per1k(bytes, 0),
    serverCpuMsPer1kTokens: per1k(cpuSec * 1000),
    // The workerd processes' share: the app's runtime and wrangler's dev proxy, which the sockets
    // pass through (the rest is wrangler's and npx's node processes).
    workerdCpuMsPer1kTokens: per1k((after.workerdCpuSec - before.workerdCpuSec) * 1000),
    serverCpuSec: round(cpuSec, 3),
    serverRssMb: after.rssMb,
    ...(profile ? { profile } : {}),
  };
}

const started = machine();
const sim = await startTimedSimulator({ tokensPerSecond: PACE, firstTokenMs: 50 });
type Row = Awaited<ReturnType<typeof phase>> & { server: number };
const rows: Row[] = [];
try {
  for (let k = 0; k < SERVERS; k++) {
    const server = await startBenchServer({
      ANTHROPIC_API_KEY: "bench-simulator",
      ANTHROPIC_BASE_URL: sim.url,
      RATE_LIMIT_MULTIPLIER: "1000",
    });
    try {
      if (WARMUP) {
        await phase(server, sim, WARMUP, "bare", false);
        await phase(server, sim, WARMUP, "baton", false);
        await sleep(WARMUP_SETTLE_MS);
      }
      const order = batonFirst(k) ? (["baton", "bare"] as const) : (["bare", "baton"] as const);
      for (let r = 0; r < REPEAT; r++) {
        for (const n of STREAMS) {
          for (const kind of order) rows.push({ ...(await phase(server, sim, n, kind)), server: k });
        }
      }
    } finally {
      await server.stop();
    }
  }
} finally {
  await sim.stop();
}

const ratio = (a: number | null, b: number | null) => (a !== null && b ? round(a / b) : null);

// Per N: each server's first repeat, Baton against the bare relay of the same server; with more
// than one server the figures are medians over them and `perServer` has each.
const summary = STREAMS.map((n) => {
  const pairs = Array.from({ length: SERVERS }, (_, k) => ({
    bare: rows.find((r) => r.kind === "bare" && r.streams === n && r.server === k)!,
    baton: rows.find((r) => r.kind === "baton" && r.streams === n && r.server === k)!,
  }));
  const perServer = pairs.map(({ bare, baton }) => ({
    batonFirst: rows.indexOf(baton) < rows.indexOf(bare),
    p50RatioToBare: round(baton.latencyMs.p50 / bare.latencyMs.p50),
    p99RatioToBare: round(baton.latencyMs.p99 / bare.latencyMs.p99),
    p99Ms: { bare: bare.latencyMs.p99, baton: baton.latencyMs.p99 },
    serverCpuRatioToBare: ratio(baton.serverCpuMsPer1kTokens, bare.serverCpuMsPer1kTokens),
  }));
  const med = (f: (p: (typeof pairs)[number]) => number | null) =>
    median(pairs.map(f).filter((x): x is number => x !== null));
  const { baton } = pairs[0]!;
  return {
    streams: n,
    servers: SERVERS,
    p50RatioToBare: median(perServer.map((p) => p.p50RatioToBare)),
    p50AddedMs: med((p) => p.baton.latencyMs.p50 - p.bare.latencyMs.p50),
    p99Ms: med((p) => p.baton.latencyMs.p99),
    p99RatioToBare: median(perServer.map((p) => p.p99RatioToBare)),
    lost: pairs.reduce((a, p) => a + p.baton.lost, 0),
    duplicates: pairs.reduce((a, p) => a + p.baton.duplicates, 0),
    d1StatementsPer1kTokens: baton.d1StatementsPer1kTokens,
    objectSqliteRowsPer1kTokens: baton.objectSqliteRowsPer1kTokens,
    textEventsPer1kTokens: baton.textEventsPer1kTokens,
    rowsPerRun: baton.rowsPerRun,
    wireBytesPer1kTokens: {
      bare: med((p) => p.bare.wireBytesPer1kTokens),
      baton: med((p) => p.baton.wireBytesPer1kTokens),
    },
    wireBytesRatioToBare: med((p) => ratio(p.baton.wireBytesPer1kTokens, p.bare.wireBytesPer1kTokens)),
    serverCpuMsPer1kTokens: {
      bare: med((p) => p.bare.serverCpuMsPer1kTokens),
      baton: med((p) => p.baton.serverCpuMsPer1kTokens),
    },
    serverCpuRatioToBare: median(perServer.flatMap((p) => p.serverCpuRatioToBare ?? [])),
    workerdCpuMsPer1kTokens: {
      bare: med((p) => p.bare.workerdCpuMsPer1kTokens),
      baton: med((p) => p.baton.workerdCpuMsPer1kTokens),
    },
    ...(SERVERS > 1 ? { perServer } : {}),
  };
});

printTable(
  rows.map((r) => ({
    ...(SERVERS > 1 ? { server: r.server } : {}),
    kind: r.kind,
    N: r.streams,
    done: `${r.completed}/${r.streams}`,
    deltas: r.deltas,
    p50ms: r.latencyMs.p50,
    p99ms: r.latencyMs.p99,
    "p99>1s": r.afterFirstSecondMs.p99,
    "ev/s": r.eventsPerSec,
    lost: r.lost,
    dup: r.duplicates,
    "D1/1k": r.d1StatementsPer1kTokens,
    "rows/1k": r.objectSqliteRowsPer1kTokens,
    "text ev/1k": r.textEventsPer1kTokens,
    "rows/run": r.rowsPerRun,
    "KB/1k": r.wireBytesPer1kTokens === null ? null : round(r.wireBytesPer1kTokens / 1024, 1),
    "cpu-ms/1k": r.serverCpuMsPer1kTokens,
    "workerd/1k": r.workerdCpuMsPer1kTokens,
    "cpu-s": r.serverCpuSec,
    "rss-MB": r.serverRssMb,
  })),
);
if (SERVERS > 1) {
  printTable(
    summary.map((s) => ({
      N: s.streams,
      servers: s.servers,
      "p50 ratio": s.p50RatioToBare,
      "p99 ratio": s.p99RatioToBare,
      "Baton p99 ms": s.p99Ms,
      "cpu ratio": s.serverCpuRatioToBare,
      lost: s.lost,
      dup: s.duplicates,
    })),
  );
}
emit("stream", started, {
  pace: PACE,
  tokensPerStream: TOKENS,
  model: MODEL,
  order: ORDER,
  bare: BARE,
  stagger: STAGGER,
  warmup: WARMUP,
  cpuClock: CPU_CLOCK,
  rows,
  summary,
});
