// bench/history: long streams. Builds orchestrator streams of 10k and 100k events through the real
// path (simulator at a fast pace → SDK → loop → event log), then, with the stream quiet, measures
// reading them back from 0:
//   - WebSocket resume: connect → ready, → first replayed event, → caught up (seq == lastSeq), with
//     the client parsing every frame (as the web app does) and again without parsing (server + wire);
//   - gap fill over HTTP: GET …/events?after=&limit=1000 pages until hasMore is false;
//   - SSE replay: GET …/stream?after=0 until the event with id == lastSeq arrives;
//   - storage: the orchestrator's SQLite file and the D1 database file under the persist dir.
// Each read is repeated (--repeat) and reported as the median with every sample.
//   npx tsx bench/history.ts --events 10000,100000 --repeat 3
import { arg, emit, listArg, machine, median, numArg, printTable, round } from "./lib/cli.ts";
import { type ProfileSummary, startProfile } from "./lib/profile.ts";
import { type BenchServer, call, processTreeUsage, startBenchServer } from "./lib/server.ts";
import { startTimedSimulator } from "./lib/sim-server.ts";
import { d1Dir, objectDir, sqliteFiles, sqliteSize } from "./lib/storage.ts";
import { createOrchestrator, readLog, simScript, Watcher } from "./lib/watch.ts";

const SIZES = listArg("events", "10000,100000");
const REPEAT = numArg("repeat", 3);
const PACE = numArg("pace", 200_000);
const MODEL = arg("model", "claude-haiku-5-5");
const TARGET_RESUME_MS = 2000;

// The simulator streams three words per delta; one-letter words make the smallest deltas
// (" a a a", 6 characters, ~2 tokens), so a response of max_tokens (8,192) carries ~5,300 deltas
// and a 100k-event stream stays well inside the context window. Two such responses (with a tool
// call between, so both belong to one run) fit in one 100,000-character message.
const CHARS_PER_DELTA = 6;
const DELTAS_PER_RESPONSE = 5200;
const text = (deltas: number) => "a ".repeat(deltas * 3).slice(0, deltas * CHARS_PER_DELTA);

function message(deltas: number, n: number): string {
  const first = Math.min(deltas, DELTAS_PER_RESPONSE);
  const steps: unknown[] = [{ text: text(first), tools: [{ name: "list_files", input: {} }] }];
  if (deltas > first) steps.push({ text: text(deltas - first) });
  return simScript(steps, `History block ${n}.`);
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

async function build(server: BenchServer, target: number) {
  const before = new Set(sqliteFiles(objectDir(server.persist, "Orchestrator")));
  const id = await createOrchestrator(server, `history ${target}`, MODEL);
  const w = await Watcher.open(server, `/api/orchestrators/${id}/ws`, 0, true);
  await w.ready();
  // With BENCH_INSPECTOR_PORT set, a CPU profile of the build: where ingest time goes.
  const port = Number(process.env.BENCH_INSPECTOR_PORT);
  const stopProfile = port ? await startProfile(port) : null;
  const t0 = performance.now();
  const cpu0 = processTreeUsage(server.pid);
  // Events per run besides the deltas: message.user, run.started/completed, two of message.started/
  // completed, usage.updated, tool.started/called/result.
  const OVERHEAD = 12;
  let runs = 0;
  for (let lastSeq = 0; lastSeq < target; ) {
    const deltas = Math.max(1, Math.min(2 * DELTAS_PER_RESPONSE, target - lastSeq - OVERHEAD));
    await call(server, "POST", `/api/orchestrators/${id}/messages`, { text: message(deltas, ++runs) });
    lastSeq = await waitForRun(server, id, w, lastSeq);
  }
  const buildSec = (performance.now() - t0) / 1000;
  const cpu1 = processTreeUsage(server.pid);
  const profile: ProfileSummary | null = stopProfile ? await stopProfile() : null;
  w.close();
  const file = sqliteFiles(objectDir(server.persist, "Orchestrator")).find((f) => !before.has(f));
  return {
    id,
    runs,
    lastSeq: w.maxSeq,
    buildSec: round(buildSec),
    ingestEventsPerSec: round(w.maxSeq / buildSec, 0),
    buildServerCpuSec: round(cpu1.cpuSec - cpu0.cpuSec),
    objectFile: file ?? null,
    profile,
  };
}

/** Waits until the run just started has ended, via the object's log (a raw watcher sees only seqs). */
async function waitForRun(server: BenchServer, id: string, w: Watcher, from: number): Promise<number> {
  for (;;) {
    await w.reach(from + 1);
    const page = await call<{ events: { type: string; seq: number }[]; lastSeq: number }>(
      server,
      "GET",
      `/api/orchestrators/${id}/events?after=${Math.max(0, w.maxSeq - 5)}&limit=10`,
    );
    const ended = page.events.find(
      (e) => e.seq > from && (e.type === "run.completed" || e.type === "run.failed"),
    );
    if (ended?.type === "run.failed") throw new Error("a history run failed");
    if (ended) return page.lastSeq;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function resume(server: BenchServer, id: string, lastSeq: number, raw: boolean) {
  const w = await Watcher.open(server, `/api/orchestrators/${id}/ws`, 0, raw);
  await w.reach(lastSeq, 60_000);
  const caughtUpAt = performance.now();
  w.close();
  if (!raw && (w.seqs.size !== lastSeq || w.duplicates)) {
    throw new Error(`resume got ${w.seqs.size} distinct events (${w.duplicates} duplicates) of ${lastSeq}`);
  }
  return {
    connectMs: w.resumedAt - w.openedAt,
    readyMs: w.readyAt - w.resumedAt,
    firstEventMs: w.firstEventAt - w.resumedAt,
    caughtUpMs: caughtUpAt - w.resumedAt,
    clientHandleMs: w.handleMs,
    frames: w.frames,
    bytes: w.bytes,
  };
}

async function sse(server: BenchServer, id: string, lastSeq: number) {
  const abort = new AbortController();
  const t0 = performance.now();
  const res = await fetch(`${server.url}/api/orchestrators/${id}/stream?after=0`, {
    headers: { Authorization: `Bearer ${server.token}` },
    signal: abort.signal,
  });
  if (!res.ok || !res.body) throw new Error(`SSE: ${res.status}`);
  const decoder = new TextDecoder();
  const last = `id: ${lastSeq}\n`;
  let firstEventMs = 0;
  let bytes = 0;
  let tail = "";
  try {
    for await (const chunk of res.body) {
      bytes += chunk.byteLength;
      const s = tail + decoder.decode(chunk, { stream: true });
      if (!firstEventMs && s.includes("\nid: ")) firstEventMs = performance.now() - t0;
      if (s.includes(last)) break;
      tail = s.slice(-last.length);
    }
  } finally {
    abort.abort();
  }
  return { firstEventMs, caughtUpMs: performance.now() - t0, bytes };
}

const started = machine();
const sim = await startTimedSimulator({ tokensPerSecond: PACE, firstTokenMs: 1 });
const server = await startBenchServer({
  ANTHROPIC_API_KEY: "bench-simulator",
  ANTHROPIC_BASE_URL: sim.url,
  RATE_LIMIT_MULTIPLIER: "1000",
  // Every delta logged as an event of its own (live text coalesces them, DESIGN §11): the long logs
  // this bench reads back are built through the real path at a known size, small events as before.
  LIVE_TEXT_FLUSH_CHARS: "1",
});
const results: Record<string, unknown>[] = [];
try {
  for (const size of SIZES) {
    const b = await build(server, size);
    const ws: Awaited<ReturnType<typeof resume>>[] = [];
    const wsRaw: Awaited<ReturnType<typeof resume>>[] = [];
    const http: Awaited<ReturnType<typeof readLog>>[] = [];
    const sseRuns: Awaited<ReturnType<typeof sse>>[] = [];
    const rpc: { rpcMs: number }[] = [];
    // The fixed cost of one events request (auth, ownership, RPC, HTTP): an empty page at the end.
    const empty: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await call(server, "GET", `/api/orchestrators/${b.id}/events?after=${b.lastSeq}&limit=1`);
      empty.push(performance.now() - t);
    }
    for (let r = 0; r < REPEAT; r++) {
      ws.push(await resume(server, b.id, b.lastSeq, false));
      wsRaw.push(await resume(server, b.id, b.lastSeq, true));
      http.push(await readLog(server, `/api/orchestrators/${b.id}/events`, 1000));
      sseRuns.push(await sse(server, b.id, b.lastSeq));
      rpc.push(await call<{ rpcMs: number }>(server, "GET", `/api/_bench/page-cost?id=${b.id}&limit=1000`));
    }
    if (http[0]!.events.length !== b.lastSeq)
      throw new Error(`HTTP paging returned ${http[0]!.events.length} events`);
    const object = b.objectFile ? sqliteSize(b.objectFile) : null;
    const d1 = sqliteFiles(d1Dir(server.persist)).map(sqliteSize);
    const objectBytes = object ? object.fileBytes + object.walBytes : 0;
    const d1Bytes = d1.reduce((a, x) => a + x.fileBytes + x.walBytes, 0);
    const jsonBytes = http[0]!.bytes;
    const pick = <T>(xs: T[], f: (x: T) => number) => ({
      median: median(xs.map(f)),
      samples: xs.map((x) => round(f(x))),
    });
    results.push({
      events: b.lastSeq,
      build: {
        runs: b.runs,
        sec: b.buildSec,
        ingestEventsPerSec: b.ingestEventsPerSec,
        serverCpuSec: b.buildServerCpuSec,
        profile: b.profile,
      },
      wsResume: {
        connectMs: pick(ws, (x) => x.connectMs),
        readyMs: pick(ws, (x) => x.readyMs),
        firstEventMs: pick(ws, (x) => x.firstEventMs),
        caughtUpMs: pick(ws, (x) => x.caughtUpMs),
        clientParseMs: pick(ws, (x) => x.clientHandleMs),
        frames: ws[0]!.frames,
        mb: mb(ws[0]!.bytes),
        meetsTarget: median(ws.map((x) => x.caughtUpMs)) < TARGET_RESUME_MS,
      },
      wsResumeNoParse: {
        firstEventMs: pick(wsRaw, (x) => x.firstEventMs),
        caughtUpMs: pick(wsRaw, (x) => x.caughtUpMs),
      },
      httpGapFill: {
        pages: http[0]!.pages,
        ms: pick(http, (x) => x.ms),
        // The same pages through the object's RPC alone, inside the Worker: the rest is HTTP, auth
        // and ownership checks (two D1 queries per page) and re-serialising the parsed events.
        rpcOnlyMs: pick(rpc, (x) => x.rpcMs),
        emptyPageMs: median(empty),
        mb: mb(jsonBytes),
      },
      sseReplay: {
        firstEventMs: pick(sseRuns, (x) => x.firstEventMs),
        caughtUpMs: pick(sseRuns, (x) => x.caughtUpMs),
        mb: mb(sseRuns[0]!.bytes),
      },
      storage: {
        objectSqliteMb: mb(objectBytes),
        objectWalMb: mb(object?.walBytes ?? 0),
        objectBytesPerEvent: round(objectBytes / b.lastSeq, 0),
        eventJsonBytesPerEvent: round(jsonBytes / b.lastSeq, 0),
        // Pages per table/index after a checkpoint: the event log against the conversation checkpoint.
        objectTablesMb: Object.fromEntries(
          Object.entries(object?.tables ?? {})
            .filter(([, v]) => v > 64 * 1024)
            .map(([k, v]) => [k, mb(v)]),
        ),
        // The whole D1 database: by then it holds every stream built so far (message rows carry the text).
        d1DatabaseMb: mb(d1Bytes),
        d1TablesMb: Object.fromEntries(
          d1
            .flatMap((x) => Object.entries(x.tables))
            .filter(([, v]) => v > 64 * 1024)
            .map(([k, v]) => [k, mb(v)]),
        ),
      },
    });
  }
} finally {
  await server.stop();
  await sim.stop();
}

type Med = { median: number };
printTable(
  results.map((r) => {
    const x = r as {
      events: number;
      build: { sec: number; ingestEventsPerSec: number };
      wsResume: { readyMs: Med; firstEventMs: Med; caughtUpMs: Med; clientParseMs: Med; mb: number };
      wsResumeNoParse: { caughtUpMs: Med };
      httpGapFill: { ms: Med; rpcOnlyMs: Med };
      sseReplay: { caughtUpMs: Med };
      storage: { objectSqliteMb: number; d1DatabaseMb: number };
    };
    return {
      events: x.events,
      build_s: x.build.sec,
      "ingest ev/s": x.build.ingestEventsPerSec,
      ws_ready_ms: x.wsResume.readyMs.median,
      ws_first_ms: x.wsResume.firstEventMs.median,
      ws_caught_up_ms: x.wsResume.caughtUpMs.median,
      "(client parse)": x.wsResume.clientParseMs.median,
      ws_no_parse_ms: x.wsResumeNoParse.caughtUpMs.median,
      ws_MB: x.wsResume.mb,
      http_1000s_ms: x.httpGapFill.ms.median,
      "(rpc only)": x.httpGapFill.rpcOnlyMs.median,
      sse_ms: x.sseReplay.caughtUpMs.median,
      object_MB: x.storage.objectSqliteMb,
      d1_MB: x.storage.d1DatabaseMb,
    };
  }),
);
emit("history", started, { pace: PACE, repeat: REPEAT, targetResumeMs: TARGET_RESUME_MS, results });
