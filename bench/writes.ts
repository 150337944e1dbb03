// bench/writes: what streaming costs in D1, per 1,000 output tokens, for Baton and for the design
// it avoids (one INSERT per token delta), measured in the same run against the same simulator.
//   chat:     orchestrators answering user messages with long streamed texts;
//   team:     an orchestrator creating agents that stream, write files, report; it waits for them;
//   baseline: the same volume of text through a bench-only route that INSERTs each delta (awaited).
// Counted: D1 statements Baton's objects send (their outbox flushes, /api/_bench/stats, read after
// every run since the counters live in memory and an idle object can be evicted); every row any
// writer changed in D1 (sqlite3_total_changes() over the phase, triggers included: messages, usage
// ledger, totals, agents, tool calls, files, rate limits); and for the baseline D1's own
// meta.rows_written. Table on stderr, JSON on stdout.
//   npx tsx bench/writes.ts --orchestrators 2 --runs 3 --tokens 2000
import type { StreamEvent } from "../schema/events";
import { arg, emit, machine, numArg, printTable, round } from "./lib/cli.ts";
import { CounterDelta, type ObjectStats } from "./lib/counters.ts";
import { type BenchServer, call, startBenchServer } from "./lib/server.ts";
import { startTimedSimulator } from "./lib/sim-server.ts";
import { createOrchestrator, prose, readLog, simScript, Watcher } from "./lib/watch.ts";

const ORCHESTRATORS = numArg("orchestrators", 2);
const RUNS = numArg("runs", 3);
const TOKENS = numArg("tokens", 2000);
const AGENTS = numArg("agents", 3);
const PACE = numArg("pace", 2000);
const MODEL = arg("model", "claude-haiku-5-5");

type Stats = ObjectStats;
type Phase = {
  phase: string;
  outputTokens: number;
  textDeltas: number;
  d1Batches: number | null;
  d1Statements: number;
  d1RowsChanged: number | null;
  d1RowsWrittenMeta: number | null;
  /** Rows the objects wrote to their own SQLite (DESIGN §11: text logged coalesced). */
  objectSqliteRows: number | null;
  wallSec: number;
};

const started = machine();
const sim = await startTimedSimulator({ tokensPerSecond: PACE, firstTokenMs: 5 });
const server = await startBenchServer({
  ANTHROPIC_API_KEY: "bench-simulator",
  ANTHROPIC_BASE_URL: sim.url,
  RATE_LIMIT_MULTIPLIER: "1000",
});

const totalChanges = async () =>
  (await call<{ totalChanges: number | null }>(server, "GET", "/api/_bench/d1-changes")).totalChanges;

const tokensIn = (events: StreamEvent[]) =>
  events.reduce((a, ev) => a + (ev.type === "message.completed" ? ev.usage.outputTokens : 0), 0);
const deltasIn = (events: StreamEvent[]) => events.filter((ev) => ev.type === "text.delta").length;

async function chat(s: BenchServer): Promise<Phase> {
  const changes0 = await totalChanges();
  const t0 = performance.now();
  const counters = new CounterDelta();
  const logs = await Promise.all(
    Array.from({ length: ORCHESTRATORS }, async (_, i) => {
      const id = await createOrchestrator(s, `writes chat ${i}`, MODEL);
      const w = await Watcher.open(s, `/api/orchestrators/${id}/ws`);
      await w.ready();
      for (let r = 1; r <= RUNS; r++) {
        const text = simScript([{ text: prose(TOKENS) }], `Run ${r}: answer at length.`);
        await call(s, "POST", `/api/orchestrators/${id}/messages`, { text });
        await w.runs(r);
        const { stats } = await call<{ stats: Stats[] }>(s, "GET", `/api/_bench/stats?ids=${id}`);
        counters.add(id, stats[0]!);
      }
      w.close();
      return (await readLog(s, `/api/orchestrators/${id}/events`)).events;
    }),
  );
  const changes1 = await totalChanges();
  return batonPhase("baton chat", logs, counters, changes0, changes1, t0);
}

/** A Baton phase's figures: tokens and deltas from the objects' logs, D1 work from their counters. */
function batonPhase(
  phase: string,
  logs: StreamEvent[][],
  counters: CounterDelta,
  changes0: number | null,
  changes1: number | null,
  t0: number,
): Phase {
  return {
    phase,
    outputTokens: logs.reduce((a, l) => a + tokensIn(l), 0),
    textDeltas: logs.reduce((a, l) => a + deltasIn(l), 0),
    d1Batches: counters.sum.batches,
    d1Statements: counters.sum.statements,
    d1RowsChanged: changes0 === null || changes1 === null ? null : changes1 - changes0,
    d1RowsWrittenMeta: null,
    objectSqliteRows: counters.sum.sqliteRows,
    wallSec: round((performance.now() - t0) / 1000),
  };
}

async function team(s: BenchServer): Promise<Phase> {
  const names = Array.from({ length: AGENTS }, (_, i) => `writer-${i}`);
  const task = (name: string) =>
    simScript(
      [
        {
          text: prose(TOKENS),
          tools: [{ name: "write_file", input: { path: `out/${name}.md`, content: prose(200) } }],
        },
        {
          text: prose(TOKENS),
          tools: [{ name: "report", input: { result: `${name} wrote out/${name}.md` } }],
        },
        { text: "Done." },
      ],
      "Write and report.",
    );
  const script = simScript(
    [
      {
        tools: names.map((name) => ({
          name: "create_agent",
          input: { name, instructions: "Write as told." },
        })),
      },
      { tools: names.map((name) => ({ name: "command_agent", input: { name, task: task(name) } })) },
      { tools: [{ name: "wait_for_agents", input: { names } }] },
      { text: prose(TOKENS) },
    ],
    "Run the team.",
  );
  const changes0 = await totalChanges();
  const t0 = performance.now();
  const id = await createOrchestrator(s, "writes team", MODEL);
  const w = await Watcher.open(s, `/api/orchestrators/${id}/ws`);
  await w.ready();
  await call(s, "POST", `/api/orchestrators/${id}/messages`, { text: script });
  await w.runs(1);
  w.close();
  const counters = new CounterDelta();
  const orch = await call<{ stats: Stats[] }>(s, "GET", `/api/_bench/stats?ids=${id}`);
  counters.add(id, orch.stats[0]!);
  const agents = await call<{ stats: (Stats & { id: string })[] }>(
    s,
    "GET",
    `/api/_bench/stats/agents?orchestrator=${id}`,
  );
  for (const a of agents.stats) counters.add(a.id, a);
  const changes1 = await totalChanges();
  const logs = [
    (await readLog(s, `/api/orchestrators/${id}/events`)).events,
    ...(await Promise.all(
      agents.stats.map(
        async (a) => (await readLog(s, `/api/orchestrators/${id}/agents/${a.id}/events`)).events,
      ),
    )),
  ];
  return batonPhase("baton team", logs, counters, changes0, changes1, t0);
}

async function baseline(s: BenchServer): Promise<Phase> {
  const changes0 = await totalChanges();
  const t0 = performance.now();
  type R = { deltas: number; statements: number; rowsWritten: number; outputTokens: number };
  const results = await Promise.all(
    Array.from({ length: ORCHESTRATORS }, async () => {
      const out: R[] = [];
      for (let r = 0; r < RUNS; r++) {
        const text = simScript([{ text: prose(TOKENS) }], "Answer at length.");
        out.push(await call<R>(s, "POST", "/api/_bench/per-token-insert", { text, model: MODEL }));
      }
      return out;
    }),
  );
  const flat = results.flat();
  const changes1 = await totalChanges();
  return {
    phase: "per-token insert",
    outputTokens: flat.reduce((a, r) => a + r.outputTokens, 0),
    textDeltas: flat.reduce((a, r) => a + r.deltas, 0),
    d1Batches: null,
    d1Statements: flat.reduce((a, r) => a + r.statements, 0),
    d1RowsChanged: changes0 === null || changes1 === null ? null : changes1 - changes0,
    d1RowsWrittenMeta: flat.reduce((a, r) => a + r.rowsWritten, 0),
    objectSqliteRows: null,
    wallSec: round((performance.now() - t0) / 1000),
  };
}

const phases: Phase[] = [];
try {
  phases.push(await chat(server));
  phases.push(await team(server));
  phases.push(await baseline(server));
} finally {
  await server.stop();
  await sim.stop();
}

const per1k = (n: number | null, tokens: number) => (n === null ? null : round((n / tokens) * 1000));
const rows = phases.map((p) => ({
  ...p,
  statementsPer1kTokens: per1k(p.d1Statements, p.outputTokens),
  rowsChangedPer1kTokens: per1k(p.d1RowsChanged, p.outputTokens),
  rowsWrittenMetaPer1kTokens: per1k(p.d1RowsWrittenMeta, p.outputTokens),
  objectSqliteRowsPer1kTokens: per1k(p.objectSqliteRows, p.outputTokens),
}));
printTable(
  rows.map((r) => ({
    phase: r.phase,
    tokens: r.outputTokens,
    deltas: r.textDeltas,
    stmts: r.d1Statements,
    "stmts/1k": r.statementsPer1kTokens,
    "rows/1k": r.rowsChangedPer1kTokens,
    "meta.rows_written/1k": r.rowsWrittenMetaPer1kTokens,
    "object rows/1k": r.objectSqliteRowsPer1kTokens,
    wall_s: r.wallSec,
  })),
);
const base = rows.find((r) => r.phase === "per-token insert")!;
emit("writes", started, {
  orchestrators: ORCHESTRATORS,
  runsEach: RUNS,
  tokensPerResponse: TOKENS,
  agents: AGENTS,
  pace: PACE,
  rows,
  target: { statementsPer1kTokens: 5 },
  summary: rows
    .filter((r) => r !== base)
    .map((r) => ({
      phase: r.phase,
      statementsPer1kTokens: r.statementsPer1kTokens,
      meetsTarget: (r.statementsPer1kTokens ?? Number.POSITIVE_INFINITY) <= 5,
      fewerStatementsThanBaseline: round(
        (base.statementsPer1kTokens ?? 0) / (r.statementsPer1kTokens ?? 1),
        0,
      ),
      fewerRowsThanBaseline:
        r.rowsChangedPer1kTokens && base.rowsChangedPer1kTokens
          ? round(base.rowsChangedPer1kTokens / r.rowsChangedPer1kTokens, 1)
          : null,
    })),
});
