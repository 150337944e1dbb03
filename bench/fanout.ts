// bench/fanout: one orchestrator drives a team of agents, each streaming a long text to several
// WebSocket watchers of its own stream while the orchestrator's stream has watchers too.
//   run 1: the orchestrator creates the agents (then the bench attaches watchers to every stream);
//   run 2: it commands them in waves of at most the concurrent-run limit, waits for each wave, ends
//          (larger --tokens need more than one message, then one run per group of waves).
// Measures, per agent-stream watcher, the latency from the simulator writing a text delta to the
// watcher receiving it (its live delta frame, DESIGN §11); events/s delivered to all watchers; lost
// and duplicated events per watcher against each object's log read over HTTP; server CPU and
// memory. Then the same streams through the bare relay (SDK stream → ws.send to every socket of a
// channel, nothing persisted), in the same waves, for the side-by-side per 1,000 agent tokens:
// object SQLite rows written, bytes on the wire to the agents' watchers, server CPU.
// Table on stderr, JSON on stdout.
//   npx tsx bench/fanout.ts --agents 20 --watchers 5 --tokens 1000 --pace 200
import { arg, emit, machine, numArg, pct, printTable, round } from "./lib/cli.ts";
import { CounterDelta } from "./lib/counters.ts";
import { call, processTreeUsage, startBenchServer } from "./lib/server.ts";
import { startTimedSimulator } from "./lib/sim-server.ts";
import { createOrchestrator, prose, readLog, simScript, Watcher } from "./lib/watch.ts";

const AGENTS = numArg("agents", 20);
const WATCHERS = numArg("watchers", 5);
const TOKENS = numArg("tokens", 1000);
const PACE = numArg("pace", 200);
// The orchestrator refuses to run more agents at once than INPUT_LIMITS.maxConcurrentAgentRuns (8, in
// worker/tools/orchestrator-tools.ts, which this Node-side bench can't import: it needs Worker types).
const MAX_CONCURRENT_AGENT_RUNS = 8;
const WAVE = Math.min(numArg("wave", MAX_CONCURRENT_AGENT_RUNS), MAX_CONCURRENT_AGENT_RUNS);
const TIMEOUT_SEC = numArg("timeout", 300);
const MODEL = arg("model", "claude-haiku-5-5");

const started = machine();
const tag = `fan${Date.now()}`;
const names = Array.from({ length: AGENTS }, (_, i) => `agent-${i}`);
const agentMarker = (i: number) => `${tag}-a${i}`;
const bareMarker = (i: number) => `${tag}-b${i}`;

/** An agent's task: stream TOKENS tokens of text, report, end. The marker keys the simulator's clock. */
const task = (i: number) =>
  simScript(
    [
      { text: prose(TOKENS), tools: [{ name: "report", input: { result: `agent ${i} streamed` } }] },
      { text: "Done." },
    ],
    `bench-marker:${agentMarker(i)}\nStream the text, then report.`,
  );

const createScript = simScript(
  [
    {
      tools: names.map((name) => ({
        name: "create_agent",
        input: { name, instructions: "Stream as told." },
      })),
    },
    { text: `Created ${AGENTS} agents.` },
  ],
  `bench-marker:${tag}-orch bench-pace:fast\nCreate the team.`,
);

// Waves of at most WAVE agents: command them, wait for them. A message holds at most 100,000
// characters (schema/api.ts), so waves are packed into as few messages (runs) as fit; with the
// defaults all of them fit in one run.
const MESSAGE_CHARS = 95_000;
const waves: string[][] = [];
for (let i = 0; i < AGENTS; i += WAVE) waves.push(names.slice(i, i + WAVE));
// One response's tool calls count against max_tokens (8,192); calls past it are dropped (stop
// reason max_tokens), so a wave's commands are spread over responses of at most ~7,000 tokens.
const RESPONSE_CHARS = 28_000;
const waveSteps = (wave: string[]) => {
  const steps: { tools: { name: string; input: unknown }[] }[] = [];
  let chars = Number.POSITIVE_INFINITY;
  for (const name of wave) {
    const call = { name: "command_agent", input: { name, task: task(names.indexOf(name)) } };
    const size = JSON.stringify(call.input).length;
    if (chars + size > RESPONSE_CHARS) {
      steps.push({ tools: [] });
      chars = 0;
    }
    steps[steps.length - 1]!.tools.push(call);
    chars += size;
  }
  return [...steps, { tools: [{ name: "wait_for_agents", input: { names: wave } }] }];
};
const commandMessage = (ws: string[][]) =>
  simScript(
    [...ws.flatMap(waveSteps), { text: "All agents reported." }],
    `bench-marker:${tag}-orch bench-pace:fast\nCommand and wait.`,
  );
const commandMessages: string[] = [];
let packed: string[][] = [];
for (const wave of waves) {
  if (packed.length && commandMessage([...packed, wave]).length > MESSAGE_CHARS) {
    commandMessages.push(commandMessage(packed));
    packed = [];
  }
  packed.push(wave);
}
if (packed.length) commandMessages.push(commandMessage(packed));
if (commandMessages.some((m) => m.length > 100_000))
  throw new Error("--tokens too large: one wave's tasks exceed a message");

// The orchestrator's own responses (its tool calls carry every agent's ~TOKENS-token task) come at
// a fast pace: they only set up the streams under test, and at PACE they would take minutes.
const sim = await startTimedSimulator({
  tokensPerSecond: PACE,
  firstTokenMs: 50,
  fast: { tokensPerSecond: 50_000, firstTokenMs: 5 },
});
const server = await startBenchServer({
  ANTHROPIC_API_KEY: "bench-simulator",
  ANTHROPIC_BASE_URL: sim.url,
  RATE_LIMIT_MULTIPLIER: "1000",
});
const sockets: Watcher[] = [];
const d1Changes = async () =>
  (await call<{ totalChanges: number | null }>(server, "GET", "/api/_bench/d1-changes")).totalChanges;
/**
 * The same agent streams through the bare relay: WATCHERS sockets per stream (a channel), the
 * prompts sent in the same waves, each wave waited for. Nothing is persisted; no orchestrator.
 */
async function barePhase() {
  const watchers = await Promise.all(
    names.map((_, i) =>
      Promise.all(Array.from({ length: WATCHERS }, () => Watcher.openBare(server, bareMarker(i)))),
    ),
  );
  const before = processTreeUsage(server.pid);
  const t0 = performance.now();
  for (const wave of waves) {
    await Promise.all(
      wave.map(async (name) => {
        const i = names.indexOf(name);
        const text = simScript([{ text: prose(TOKENS) }], `bench-marker:${bareMarker(i)}\nStream the text.`);
        watchers[i]![0]!.ws.send(JSON.stringify({ text, model: MODEL }));
        await Promise.all(watchers[i]!.map((w) => w.runs(1, TIMEOUT_SEC * 1000)));
      }),
    );
  }
  const wallSec = (performance.now() - t0) / 1000;
  const after = processTreeUsage(server.pid);
  const latencies: number[] = [];
  watchers.forEach((ws, i) => {
    const writes = sim.writes.get(bareMarker(i)) ?? [];
    for (const w of ws)
      for (let j = 0; j < Math.min(writes.length, w.deltaAt.length); j++)
        latencies.push(w.deltaAt[j]! - writes[j]!);
  });
  for (const w of watchers.flat()) w.close();
  return {
    wallSec,
    latencies,
    cpuSec: after.cpuSec - before.cpuSec,
    bytes: watchers.flat().reduce((a, w) => a + w.bytes, 0),
    // Each stream's tokens once (every watcher of a channel hears the same end frame).
    tokens: watchers.reduce((a, ws) => a + ws[0]!.outputTokens, 0),
  };
}

let result: Record<string, unknown> = {};
try {
  const orch = await createOrchestrator(server, `fanout ${tag}`, MODEL);
  const base = `/api/orchestrators/${orch}`;
  const orchWatchers = await Promise.all(
    Array.from({ length: WATCHERS }, () => Watcher.open(server, `${base}/ws`)),
  );
  sockets.push(...orchWatchers);
  await Promise.all(orchWatchers.map((w) => w.ready()));

  // Run 1: create the team.
  await call(server, "POST", `${base}/messages`, { text: createScript });
  await Promise.all(orchWatchers.map((w) => w.runs(1)));
  const { agents } = await call<{ agents: { id: string; name: string }[] }>(server, "GET", `${base}/agents`);
  if (agents.length !== AGENTS)
    throw new Error(`expected ${AGENTS} agents, the orchestrator has ${agents.length}`);
  const byName = new Map(agents.map((a) => [a.name, a.id]));
  const agentIds = names.map((n) => byName.get(n)!);

  // Every agent stream gets its watchers before any agent has work, so every delta arrives live.
  const agentWatchers = await Promise.all(
    agentIds.map((id) =>
      Promise.all(Array.from({ length: WATCHERS }, () => Watcher.open(server, `${base}/agents/${id}/ws`))),
    ),
  );
  for (const ws of agentWatchers) sockets.push(...ws);
  await Promise.all(sockets.map((w) => w.ready()));

  // Run 2: command in waves, wait for all.
  const eventsBefore = sockets.reduce((a, w) => a + w.events, 0);
  const agentBytesBefore = agentWatchers.flat().reduce((a, w) => a + w.bytes, 0);
  const changesBefore = await d1Changes();
  const orchSeqBefore = orchWatchers[0]!.maxSeq;
  // Object counters are read every 2 s during the run, so an agent evicted after its wave has
  // already been counted (its counter restarts at 0, which CounterDelta reads as a restart).
  const counters = new CounterDelta();
  await counters.read(server, orch, true);
  const poller = setInterval(() => void counters.read(server, orch).catch(() => {}), 2000);
  const before = processTreeUsage(server.pid);
  const t0 = performance.now();
  const deadline = TIMEOUT_SEC * 1000;
  for (const [k, text] of commandMessages.entries()) {
    await call(server, "POST", `${base}/messages`, { text });
    await Promise.all(orchWatchers.map((w) => w.runs(2 + k, deadline)));
  }
  await Promise.all(agentWatchers.flat().map((w) => w.runs(1, deadline)));
  const wallSec = (performance.now() - t0) / 1000;
  const after = processTreeUsage(server.pid);
  const changesAfter = await d1Changes();
  clearInterval(poller);
  await counters.read(server, orch);
  const delivered = sockets.reduce((a, w) => a + w.events, 0) - eventsBefore;
  const agentBytes = agentWatchers.flat().reduce((a, w) => a + w.bytes, 0) - agentBytesBefore;

  // Lost and duplicated, per watcher, against each object's log. Give late frames a moment first.
  await new Promise((r) => setTimeout(r, 500));
  const orchLog = (await readLog(server, `${base}/events`)).events;
  const agentLogs = await Promise.all(
    agentIds.map(async (id) => (await readLog(server, `${base}/agents/${id}/events`)).events),
  );
  const perWatcher = [
    ...orchWatchers.map((w) => ({ stream: "orchestrator", lost: w.lostFrom(orchLog), dup: w.duplicates })),
    ...agentWatchers.flatMap((ws, i) =>
      ws.map((w) => ({ stream: names[i]!, lost: w.lostFrom(agentLogs[i]!), dup: w.duplicates })),
    ),
  ];

  // Latency: the j-th text delta a watcher got against the j-th the simulator wrote for that agent.
  const latencies: number[] = [];
  // Past each stream's first second: without the burst of a wave starting (8 runs starting, their
  // budget reservations and status notices to the orchestrator, the orchestrator's own next call).
  const steady: number[] = [];
  const STEADY_FROM = Math.round(PACE / 4.5);
  let unmatched = 0;
  agentWatchers.forEach((ws, i) => {
    const writes = sim.writes.get(agentMarker(i)) ?? [];
    for (const w of ws) {
      if (w.deltaAt.length !== writes.length) unmatched++;
      const k = Math.min(writes.length, w.deltaAt.length);
      for (let j = 0; j < k; j++) {
        latencies.push(w.deltaAt[j]! - writes[j]!);
        if (j >= STEADY_FROM) steady.push(w.deltaAt[j]! - writes[j]!);
      }
    }
  });
  // Run 2's output: the agents' logs are all run 2; the orchestrator's, past where run 1 ended.
  const outputTokens = [...orchLog.filter((ev) => ev.seq > orchSeqBefore), ...agentLogs.flat()].reduce(
    (a, ev) => a + (ev.type === "message.completed" ? ev.usage.outputTokens : 0),
    0,
  );
  const d1Statements = counters.sum.statements;
  // The agents' text alone: the orchestrator's own (fast, tool-call) tokens would flatter the ratios.
  const agentTokens = agentLogs
    .flat()
    .reduce((a, ev) => a + (ev.type === "message.completed" ? ev.usage.outputTokens : 0), 0);
  const batonCpuSec = after.cpuSec - before.cpuSec;
  const bare = await barePhase();
  const lost = perWatcher.reduce((a, w) => a + w.lost, 0);
  const dup = perWatcher.reduce((a, w) => a + w.dup, 0);
  result = {
    agents: AGENTS,
    watchersPerStream: WATCHERS,
    sockets: sockets.length,
    wave: WAVE,
    commandRuns: commandMessages.length,
    tokensPerAgent: TOKENS,
    pace: PACE,
    wallSec: round(wallSec),
    logEvents: { orchestrator: orchLog.length, agents: agentLogs.reduce((a, l) => a + l.length, 0) },
    agentDeltaLatencyMs: {
      samples: latencies.length,
      p50: round(pct(latencies, 50)),
      p90: round(pct(latencies, 90)),
      p99: round(pct(latencies, 99)),
      max: round(Math.max(...latencies)),
      watchersWithUnmatchedDeltaCount: unmatched,
    },
    agentDeltaLatencyAfterFirstSecondMs: {
      samples: steady.length,
      p50: round(pct(steady, 50)),
      p99: round(pct(steady, 99)),
    },
    eventsDelivered: delivered,
    eventsPerSecDelivered: round(delivered / wallSec, 0),
    lostTotal: lost,
    duplicatesTotal: dup,
    watchersWithLoss: perWatcher.filter((w) => w.lost).length,
    watchersWithDuplicates: perWatcher.filter((w) => w.dup).length,
    // Only the watchers that missed or repeated something (all of them would be ~100 rows of zeros).
    watchersWithProblems: perWatcher.filter((w) => w.lost || w.dup),
    socketErrors: sockets.flatMap((w) => w.errors),
    runsFailed: sockets.reduce((a, w) => a + w.runsFailed, 0),
    outputTokens,
    d1Batches: counters.sum.batches,
    d1Statements,
    d1StatementsPer1kTokens: round((d1Statements / outputTokens) * 1000),
    // Every row any writer changed in D1 during run 2 (sqlite3_total_changes(); triggers included).
    d1RowsChanged: changesBefore === null || changesAfter === null ? null : changesAfter - changesBefore,
    // Per 1,000 agent tokens, Baton (all its work: the orchestrator's too) and the bare relay.
    agentTokens,
    per1kAgentTokens: {
      objectSqliteRows: { baton: round((counters.sum.sqliteRows / agentTokens) * 1000, 1), bare: 0 },
      wireBytesToAgentWatchers: {
        baton: round((agentBytes / agentTokens) * 1000, 0),
        bare: round((bare.bytes / bare.tokens) * 1000, 0),
      },
      serverCpuMs: {
        baton: round((batonCpuSec / agentTokens) * 1e6, 1),
        bare: round((bare.cpuSec / bare.tokens) * 1e6, 1),
      },
    },
    bare: {
      wallSec: round(bare.wallSec),
      tokens: bare.tokens,
      latencyMs: {
        samples: bare.latencies.length,
        p50: round(pct(bare.latencies, 50)),
        p99: round(pct(bare.latencies, 99)),
      },
      cpuSec: round(bare.cpuSec),
    },
    objectSqliteRows: counters.sum.sqliteRows,
    server: {
      cpuSec: round(after.cpuSec - before.cpuSec),
      workerdCpuSec: round(after.workerdCpuSec - before.workerdCpuSec),
      cpuUtilisation: round((after.cpuSec - before.cpuSec) / wallSec),
      rssMbAfter: after.rssMb,
      workerdRssMbBefore: before.workerdRssMb,
      workerdRssMbAfter: after.workerdRssMb,
    },
  };
} finally {
  for (const w of sockets) w.close();
  await server.stop();
  await sim.stop();
}

const lat = result.agentDeltaLatencyMs as { p50: number; p99: number; samples: number };
const srv = result.server as { cpuSec: number; workerdRssMbAfter: number; cpuUtilisation: number };
printTable([
  {
    agents: AGENTS,
    sockets: result.sockets as number,
    wall_s: result.wallSec as number,
    deltas: lat.samples,
    p50_ms: lat.p50,
    p99_ms: lat.p99,
    "p99 after 1s": (result.agentDeltaLatencyAfterFirstSecondMs as { p99: number }).p99,
    "ev/s": result.eventsPerSecDelivered as number,
    lost: result.lostTotal as number,
    dup: result.duplicatesTotal as number,
    "D1 stmts/1k": result.d1StatementsPer1kTokens as number,
    "D1 rows/1k": round((Number(result.d1RowsChanged) / Number(result.outputTokens)) * 1000),
    cpu_s: srv.cpuSec,
    "cpu/wall": srv.cpuUtilisation,
    workerd_MB: srv.workerdRssMbAfter,
  },
]);
// Side by side per 1,000 agent tokens: Baton (all of its work) and the bare relay, same streams.
const side = result.per1kAgentTokens as Record<string, { baton: number; bare: number }>;
const bareRun = result.bare as { latencyMs: { p50: number; p99: number }; wallSec: number };
printTable([
  {
    relay: "bare",
    p50_ms: bareRun.latencyMs.p50,
    p99_ms: bareRun.latencyMs.p99,
    "rows/1k": side.objectSqliteRows!.bare,
    "KB/1k": round(side.wireBytesToAgentWatchers!.bare / 1024, 1),
    "cpu-ms/1k": side.serverCpuMs!.bare,
  },
  {
    relay: "baton",
    p50_ms: lat.p50,
    p99_ms: lat.p99,
    "rows/1k": side.objectSqliteRows!.baton,
    "KB/1k": round(side.wireBytesToAgentWatchers!.baton / 1024, 1),
    "cpu-ms/1k": side.serverCpuMs!.baton,
  },
]);
emit("fanout", started, result);
