// bench/stream: N concurrent orchestrator streams at a fixed simulator pace, through Baton's relay
// (Worker → Durable Object → event log in SQLite → WebSocket) and through a bare relay (SDK stream
// → ws.send, nothing persisted) in the same run, against the same timestamping simulator.
// Prints a table to stderr and JSON to stdout.
//   npx tsx bench/stream.ts --streams 1,10,50 --tokens 600 --pace 200
//   (--repeat N, --timeout S, --timeline FILE for every delta's latency; BENCH_INSPECTOR_PORT for a
//   CPU profile of each phase, BENCH_PROFILE_DIR to keep the raw profiles)
import { writeFileSync } from "node:fs";
import type { StreamEvent } from "../schema/events";
import { arg, emit, listArg, machine, numArg, pct, printTable, round } from "./lib/cli.ts";
import { type ProfileSummary, startProfile } from "./lib/profile.ts";
import { type BenchServer, call, processTreeUsage, startBenchServer } from "./lib/server.ts";
import { startTimedSimulator } from "./lib/sim-server.ts";

const STREAMS = listArg("streams", "1,10,50");
const TOKENS = numArg("tokens", 600);
const PACE = numArg("pace", 200);
const REPEAT = numArg("repeat", 1);
const MODEL = "claude-haiku-5-5";

type StreamResult = { recv: number[]; events: Map<number, StreamEvent>; duplicates: number; done: boolean };

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

function collect(ws: WebSocket, result: StreamResult, onDone: () => void): void {
  ws.onmessage = (m) => {
    const at = performance.now();
    const frame = JSON.parse(String(m.data)) as { type: string; event?: StreamEvent; events?: StreamEvent[] };
    const evs =
      frame.type === "event" && frame.event
        ? [frame.event]
        : frame.type === "events"
          ? (frame.events ?? [])
          : [];
    for (const ev of evs) {
      if (result.events.has(ev.seq)) result.duplicates++;
      result.events.set(ev.seq, ev);
      if (ev.type === "text.delta") result.recv.push(at);
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
  }));
  let finished = 0;
  let allDone!: () => void;
  const done = new Promise<void>((r) => (allDone = r));
  const sockets = await Promise.all(
    ids.map((id, i) =>
      openSocket(server, kind === "baton" ? `/api/orchestrators/${id}/ws` : "/api/_bench/relay").then(
        (ws) => {
          collect(ws, results[i]!, () => ++finished === n && allDone());
          if (kind === "baton") ws.send(JSON.stringify({ type: "resume", after: 0 }));
          return ws;
        },
      ),
    ),
  );
  // With BENCH_INSPECTOR_PORT set, a CPU profile of the server while this phase streams.
  const port = Number(process.env.BENCH_INSPECTOR_PORT);
  const stopProfile = port ? await startProfile(port, `stream-${kind}-${n}`) : null;
  const before = processTreeUsage(server.pid);
  const t0 = performance.now();
  // Both relays get their prompt over the socket they stream on, as the web app sends messages;
  // HTTP (POST …/messages) would add a request's cost per run to Baton's side only.
  for (const [i, ws] of sockets.entries()) {
    const text = prompt(`${tag}-${i}`);
    ws.send(JSON.stringify(kind === "bare" ? { text, model: MODEL } : { type: "send", text }));
  }
  const timeout = setTimeout(allDone, numArg("timeout", 120) * 1000);
  await done;
  clearTimeout(timeout);
  const wall = (performance.now() - t0) / 1000;
  const after = processTreeUsage(server.pid);
  const profile: ProfileSummary | null = stopProfile ? await stopProfile() : null;
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
  if (timelineFile) writeFileSync(`${timelineFile}-${kind}-${n}.json`, JSON.stringify(timeline));
  const events = results.reduce((a, r) => a + r.events.size, 0);
  let lost = 0;
  let tokens = 0;
  let statements = 0;
  if (kind === "baton") {
    // Every event in each object's log must have reached its client exactly once.
    for (const [i, id] of ids.entries()) {
      const log = await call<{ events: StreamEvent[] }>(
        server,
        "GET",
        `/api/orchestrators/${id}/events?after=0&limit=1000`,
      );
      for (const ev of log.events) if (!results[i]!.events.has(ev.seq)) lost++;
      for (const ev of log.events) if (ev.type === "message.completed") tokens += ev.usage.outputTokens;
    }
    const stats = await call<{ stats: { d1: { statements: number } }[] }>(
      server,
      "GET",
      `/api/_bench/stats?ids=${ids.join(",")}`,
    );
    statements = stats.stats.reduce((a, s) => a + s.d1.statements, 0);
  }
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
    d1StatementsPer1kTokens: tokens ? round((statements / tokens) * 1000) : null,
    serverCpuSec: round(after.cpuSec - before.cpuSec, 1),
    serverRssMb: after.rssMb,
    ...(profile ? { profile } : {}),
  };
}

const started = machine();
const sim = await startTimedSimulator({ tokensPerSecond: PACE, firstTokenMs: 50 });
const server = await startBenchServer({
  ANTHROPIC_API_KEY: "bench-simulator",
  ANTHROPIC_BASE_URL: sim.url,
  RATE_LIMIT_MULTIPLIER: "1000",
});
const rows: Awaited<ReturnType<typeof phase>>[] = [];
try {
  for (let r = 0; r < REPEAT; r++) {
    for (const n of STREAMS) {
      rows.push(await phase(server, sim, n, "bare"));
      rows.push(await phase(server, sim, n, "baton"));
    }
  }
} finally {
  await server.stop();
  await sim.stop();
}

const summary = STREAMS.map((n) => {
  const bare = rows.find((r) => r.kind === "bare" && r.streams === n)!;
  const baton = rows.find((r) => r.kind === "baton" && r.streams === n)!;
  return {
    streams: n,
    p50RatioToBare: round(baton.latencyMs.p50 / bare.latencyMs.p50),
    p50AddedMs: round(baton.latencyMs.p50 - bare.latencyMs.p50),
    p99Ms: baton.latencyMs.p99,
    lost: baton.lost,
    d1StatementsPer1kTokens: baton.d1StatementsPer1kTokens,
  };
});

printTable(
  rows.map((r) => ({
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
    "cpu-s": r.serverCpuSec,
    "rss-MB": r.serverRssMb,
  })),
);
emit("stream", started, { pace: PACE, tokensPerStream: TOKENS, model: MODEL, rows, summary });
