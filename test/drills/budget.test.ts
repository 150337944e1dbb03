// Drill: budget exhaustion under concurrency (DESIGN §5.8). An orchestrator with a small budget
// commands eight agents at once (the concurrency cap), each with a task that keeps calling the model
// (20 calls, each reading a 20,000-character file, so each call's input grows). One team in CI; DRILL_SCALE=10 runs ten teams,
// two at a time, with budgets drawn from the seed.
//
// At the end: nothing hangs (every run on every stream has its one terminal event, no agent is left
// executing); every failed run failed with budget_exceeded and made no model call after its last
// completed message (the refusal came before the call); total spend — the D1 ledger, and the live
// team totals — never exceeds the budget by more than one call's reservation, computed the way the
// loop computes it (worker/loop/model-step.ts nextRequest over the request the object would send).
import { runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { usageLedger } from "../../schema/d1";
import type { StreamEvent } from "../../schema/events";
import { nextRequest } from "../../worker/loop/model-step";
import type { LoopObject } from "../../worker/objects/loop-object";
import { api, BASE, createOrchestrator, internals, makeUser, sim, terminalRuns } from "../helpers";
import {
  agentLog,
  agentStub,
  drillScale,
  logViolations,
  ofType,
  orchestratorLog,
  orchestratorStub,
  type Rng,
  readLog,
  seeded,
  sleep,
} from "./kit";

const FILE = "test/drills/budget.test.ts";
const TEAMS = drillScale();
const AGENTS = 8;
const STEPS = 20;
const MODEL = "claude-sonnet-5-5";
/** Read by every step: 20,000 characters of tool output make each call's input grow by ~5,000 tokens. */
const BIG_FILE = "notes/reference.md";
const bigFile = () => "Reference material that every agent reads again and again.\n".repeat(340);

function teamScript(nonce: string): string {
  const names = Array.from({ length: AGENTS }, (_, i) => `a${i}`);
  // Short scripts (all eight commands must fit one response of 8,192 tokens); the cost comes from
  // the growing input: each step reads the big file again.
  const task = (name: string) =>
    sim(
      [
        ...Array.from({ length: STEPS }, (_, k) => ({
          text: `${name} step ${k}.`,
          tools: [{ name: "read_file", input: { path: BIG_FILE } }],
        })),
        { tools: [{ name: "report", input: { result: `${name} made ${STEPS} calls` } }] },
        { text: "Done." },
      ],
      `Task ${nonce} for ${name}.`,
    );
  return sim(
    [
      {
        tools: names.map((name) => ({
          name: "create_agent",
          input: { name, instructions: "Work until told otherwise.", model: MODEL },
        })),
      },
      { tools: names.map((name) => ({ name: "command_agent", input: { name, task: task(name) } })) },
      { tools: [{ name: "wait_for_agents", input: { names } }] },
      { text: "All agents are done." },
    ],
    `Budget drill ${nonce}.`,
  );
}

/** The reservation the object's next call would make: the loop's own formula over its own request. */
async function nextReservation(stub: DurableObjectStub): Promise<number> {
  return runInDurableObject(stub, (instance: LoopObject) => {
    const i = internals(instance);
    return nextRequest(instance.store.config(), i.system(), i.tools(), instance.store.conversation())
      .reserveUsd;
  });
}

/** Splits a log into its runs (one active run at a time per object). */
function runsOf(events: StreamEvent[]): StreamEvent[][] {
  const out: StreamEvent[][] = [];
  let cur: StreamEvent[] | null = null;
  for (const e of events) {
    if (e.type === "run.started") cur = [];
    cur?.push(e);
    if (cur && terminalRuns([e]).length) {
      out.push(cur);
      cur = null;
    }
  }
  return out;
}

const settled = (ev: StreamEvent[]) => terminalRuns(ev).length === ofType(ev, "run.started").length;

type Outcome = {
  budget: number;
  spent: number;
  live: number;
  bound: number;
  refused: number;
  calls: number;
  ledgerRows: number;
  billed: number;
};

async function oneTeam(r: Rng, budget: number): Promise<Outcome> {
  const user = await makeUser();
  const id = await createOrchestrator(user, { budgetUsd: budget, model: MODEL });
  const put = await SELF.fetch(`${BASE}/api/orchestrators/${id}/files/${BIG_FILE}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "text/markdown" },
    body: bigFile(),
  });
  expect(put.status).toBe(200);
  const sent = await api(user, "POST", `/api/orchestrators/${id}/messages`, {
    text: teamScript(r.int(1e9).toString(36)),
  });
  expect(sent.status).toBe(202);

  // Nothing hangs: wait until every stream is quiet and stays quiet.
  const deadline = Date.now() + 90_000;
  let logs: Record<string, StreamEvent[]> = {};
  let agentIds: string[] = [];
  let quietSince = 0;
  let lastTotal = -1;
  for (;;) {
    const own = await readLog(orchestratorLog(id));
    agentIds = ofType(own, "agent.created").map((e) => e.agent.id);
    logs = { orchestrator: own };
    for (const a of agentIds) logs[a] = await readLog(agentLog(a));
    const total = Object.values(logs).reduce((n, l) => n + l.length, 0);
    const quiet =
      agentIds.length === AGENTS &&
      Object.values(logs).every(settled) &&
      ofType(own, "run.started").length > 0;
    if (quiet && total === lastTotal) {
      if (Date.now() - quietSince > 1000) break;
    } else quietSince = Date.now();
    lastTotal = total;
    if (Date.now() > deadline) {
      const open = Object.entries(logs)
        .filter(([, l]) => !settled(l))
        .map(([k, l]) => `${k}: ${l.slice(-3).map((e) => e.type)}`);
      throw new Error(`budget team ${id} did not settle; open: ${open.join("; ")}`);
    }
    await sleep(200);
  }

  const problems: string[] = [];
  let refused = 0;
  let calls = 0;
  for (const [who, events] of Object.entries(logs)) {
    problems.push(...logViolations(who, events));
    calls += ofType(events, "message.started").length;
    for (const run of runsOf(events)) {
      const end = run.at(-1)!;
      if (end.type !== "run.failed") continue;
      if (end.error.code !== "budget_exceeded")
        problems.push(`${who}: a run failed with ${end.error.code}: ${end.error.message}`);
      else refused++;
      // The refusal came before the call: nothing started after the last completed message.
      const lastCompleted = run.findLastIndex((e) => e.type === "message.completed");
      if (run.slice(lastCompleted + 1).some((e) => e.type === "message.started"))
        problems.push(`${who}: a refused run started a model call`);
    }
  }
  // No agent is left working.
  const registry = await orchestratorStub(id).agents();
  for (const a of registry)
    if (a.status === "executing" || a.status === "waiting") problems.push(`agent ${a.name} left ${a.status}`);
  expect(problems, "budget drill problems").toEqual([]);

  // Spend, as D1's ledger has it and as the live team totals have it (their exact agreement is the
  // separate known-failing test below: the D1 outbox can stall on a turn with many agents).
  const db = drizzle(env.DB);
  const billed = Object.values(logs).flatMap((l) => ofType(l, "message.completed")).length;
  let ledger = await db.select().from(usageLedger).where(eq(usageLedger.orchestratorId, id));
  for (let i = 0; i < 20 && ledger.length < billed; i++) {
    await sleep(100);
    ledger = await db.select().from(usageLedger).where(eq(usageLedger.orchestratorId, id));
  }
  const spent = ledger.reduce((n, l) => n + l.costUsd, 0);
  const live = (await orchestratorStub(id).state()).totals.costUsd;
  const events = Object.values(logs).flatMap((l) => ofType(l, "message.completed"));
  const streamed = events.reduce((n, e) => n + e.costUsd, 0);
  expect(live, "live team total = the sum of every message.completed").toBeCloseTo(streamed, 6);
  const reservations = [await nextReservation(orchestratorStub(id))];
  for (const a of agentIds) reservations.push(await nextReservation(agentStub(a)));
  const bound = budget + Math.max(...reservations);
  expect(spent, `ledger spend vs budget ${budget} + one reservation`).toBeLessThanOrEqual(bound);
  expect(live, `live spend vs budget ${budget} + one reservation`).toBeLessThanOrEqual(bound);
  expect(streamed, `streamed spend vs budget ${budget} + one reservation`).toBeLessThanOrEqual(bound);
  // The budget really was the limit: some call was refused, and real work was done first.
  expect(refused, "refused runs").toBeGreaterThan(0);
  expect(calls, "model calls made").toBeGreaterThan(AGENTS);
  return { budget, spent, live, bound, refused, calls, ledgerRows: ledger.length, billed };
}

describe("drill: budget", () => {
  it(
    `${TEAMS} team(s) of ${AGENTS} agents exhaust a small budget at once: spend ≤ budget + one reservation, every refusal is budget_exceeded, nothing hangs`,
    async () => {
      await seeded(FILE, async (r) => {
        const outcomes: Outcome[] = [];
        for (let i = 0; i < TEAMS; i += 2) {
          const batch = Array.from({ length: Math.min(2, TEAMS - i) }, () =>
            r.pick([0.8, 1.2, 1.6, 2.0, 2.5]),
          );
          outcomes.push(...(await Promise.all(batch.map((b) => oneTeam(r, b)))));
        }
        for (const o of outcomes)
          console.log(
            `[drill] budget $${o.budget}: spent $${o.spent.toFixed(6)} (live $${o.live.toFixed(6)}), bound $${o.bound.toFixed(6)}, ` +
              `${o.calls} calls, ${o.refused} refused runs, ledger ${o.ledgerRows}/${o.billed} rows` +
              `${Math.max(o.spent, o.live) > o.budget ? " — over the budget itself" : ""}`,
          );
      });
    },
    120_000 * Math.ceil(TEAMS / 2),
  );

  // Known bug (DESIGN §5.5, README "D1 at message boundaries"), found by this drill: the D1 outbox of
  // an orchestrator whose turn creates or commands eight agents never flushes again. Two causes in
  // Regression: one turn that creates and commands eight agents must reach D1 whole (multi-row
  // inserts sized by every bound column; rows grouped by key set so defaults apply).
  it("D1 gets every billed message of a turn that creates and commands eight agents", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { model: MODEL });
    const names = Array.from({ length: AGENTS }, (_, i) => `b${i}`);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        { tools: names.map((name) => ({ name: "create_agent", input: { name, instructions: "Answer." } })) },
        {
          tools: names.map((name) => ({
            name: "command_agent",
            input: { name, task: sim([{ text: `${name} done` }]) },
          })),
        },
        { tools: [{ name: "wait_for_agents", input: { names } }] },
        { text: "All done." },
      ]),
    });
    const log = orchestratorLog(id);
    let events: StreamEvent[] = [];
    for (let i = 0; i < 200; i++) {
      events = await readLog(log);
      if (settled(events) && ofType(events, "run.started").length) break;
      await sleep(100);
    }
    const agentIds = ofType(events, "agent.created").map((e) => e.agent.id);
    const all = [events];
    for (const a of agentIds) all.push(await readLog(agentLog(a)));
    const billed = all.flatMap((l) => ofType(l, "message.completed").map((e) => e.messageId)).sort();
    const db = drizzle(env.DB);
    let rows: string[] = [];
    for (let i = 0; i < 30; i++) {
      await orchestratorStub(id).state(); // any request; the heartbeat alarm would retry too
      rows = (await db.select().from(usageLedger).where(eq(usageLedger.orchestratorId, id)))
        .map((r) => r.id)
        .sort();
      if (rows.length >= billed.length) break;
      await sleep(100);
    }
    expect(rows, "ledger rows = billed messages").toEqual(billed);
  });
});
