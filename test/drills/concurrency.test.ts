// Drill: caps and the account budget under concurrency (DESIGN §8). Each round, one model step
// fires many create_agent calls at once with names drawn (with repeats) from a small pool: the cap
// and unique names must hold. Then a user with an account budget runs several orchestrators at
// once, each with agents that keep calling the model: total spend (the D1 ledger) stays within the
// budget plus one call's reservation, every refusal is budget_exceeded and names the account
// budget, nothing hangs, and no reservation is left held. DRILL_SCALE multiplies the counts.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { accountReservations, usageLedger, users } from "../../schema/d1";
import type { StreamEvent } from "../../schema/events";
import { TEAM_LIMITS as LIMITS, SEND_LIMIT } from "../../worker/limits";
import { reservationUsd } from "../../worker/llm/prices";
import { api, createOrchestrator, makeUser, sim, terminalRuns } from "../helpers";
import { agentLog, logViolations, ofType, orchestratorLog, type Rng, readLog, seeded, sleep } from "./kit";

const FILE = "test/drills/concurrency.test.ts";
const MODEL = "claude-sonnet-4-5";
const settled = (ev: StreamEvent[]) =>
  ofType(ev, "run.started").length > 0 && terminalRuns(ev).length === ofType(ev, "run.started").length;

/** Waits until the orchestrator and all its agents have settled and stayed quiet for a second. */
async function quiet(id: string): Promise<Record<string, StreamEvent[]>> {
  const deadline = Date.now() + 90_000;
  let last = -1;
  let since = Date.now();
  for (;;) {
    const own = await readLog(orchestratorLog(id));
    const logs: Record<string, StreamEvent[]> = { [id]: own };
    for (const e of ofType(own, "agent.created")) logs[e.agent.id] = await readLog(agentLog(e.agent.id));
    const total = Object.values(logs).reduce((n, l) => n + l.length, 0);
    const done =
      Object.values(logs).every((l) => !ofType(l, "run.started").length || settled(l)) && settled(own);
    if (!done || total !== last) since = Date.now();
    else if (Date.now() - since > 1000) return logs;
    last = total;
    if (Date.now() > deadline) throw new Error(`orchestrator ${id} did not settle`);
    await sleep(150);
  }
}

async function parallelCreates(r: Rng, calls: number): Promise<void> {
  const user = await makeUser();
  const id = await createOrchestrator(user);
  const pool = Array.from({ length: Math.ceil(calls / 3) }, (_, i) => `n${i}`);
  const names = Array.from({ length: calls }, () => r.pick(pool));
  await api(user, "POST", `/api/orchestrators/${id}/messages`, {
    text: sim([
      { tools: names.map((name) => ({ name: "create_agent", input: { name, instructions: "x" } })) },
    ]),
  });
  const logs = await quiet(id);
  const agents = ofType(logs[id]!, "agent.created").map((e) => e.agent);
  expect(agents.length).toBeLessThanOrEqual(LIMITS.maxAgents);
  expect(agents.length).toBe(Math.min(LIMITS.maxAgents, new Set(names).size));
  expect(new Set(agents.map((a) => a.name)).size).toBe(agents.length);
  expect(ofType(logs[id]!, "tool.result")).toHaveLength(calls);
  expect(logViolations(id, logs[id]!)).toEqual([]);
}

/** A team whose agents each make `steps` calls, reading a 20,000-character file every time. */
function teamScript(agents: number, steps: number): string {
  const names = Array.from({ length: agents }, (_, i) => `w${i}`);
  const task = sim(
    Array.from({ length: steps }, (_, k) => ({
      text: `Step ${k}.`,
      tools: [{ name: "read_file", input: { path: "big.md" } }],
    })),
  );
  return sim([
    {
      tools: names.map((name) => ({
        name: "create_agent",
        input: { name, instructions: "Read.", model: MODEL },
      })),
    },
    { tools: names.map((name) => ({ name: "command_agent", input: { name, task } })) },
    { tools: [{ name: "wait_for_agents", input: { names } }] },
    { text: "Done." },
  ]);
}

async function accountBudgetAcrossOrchestrators(r: Rng, orchestrators: number): Promise<void> {
  const user = await makeUser();
  const budget = r.pick([0.3, 0.5, 0.8]);
  await drizzle(env.DB).update(users).set({ budgetUsd: budget }).where(eq(users.id, user.id));
  const ids: string[] = [];
  for (let i = 0; i < orchestrators; i++) {
    const id = await createOrchestrator(user, { model: MODEL });
    await api(user, "PUT", `/api/orchestrators/${id}/files/big.md`, "x".repeat(20_000));
    ids.push(id);
  }
  const sends = await Promise.all(
    ids.map((id) => api(user, "POST", `/api/orchestrators/${id}/messages`, { text: teamScript(3, 6) })),
  );
  expect(sends.map((s) => s.status)).toEqual(ids.map(() => 202));
  const problems: string[] = [];
  let refusals = 0;
  for (const id of ids) {
    const logs = await quiet(id);
    for (const [who, events] of Object.entries(logs)) {
      problems.push(...logViolations(who, events));
      for (const f of ofType(events, "run.failed")) {
        if (f.error.code !== "budget_exceeded") problems.push(`${who}: failed with ${f.error.code}`);
        else if (!/budget/.test(f.error.message)) problems.push(`${who}: refusal without a reason`);
        else refusals++;
      }
    }
  }
  expect(problems).toEqual([]);
  expect(refusals).toBeGreaterThan(0);
  const db = drizzle(env.DB);
  let spent = 0;
  let held = 1;
  for (let i = 0; i < 40 && held > 0; i++) {
    await sleep(100);
    spent = (
      await db
        .select({ usd: sql<number>`COALESCE(SUM(${usageLedger.costUsd}), 0)` })
        .from(usageLedger)
        .where(eq(usageLedger.userId, user.id))
    )[0]!.usd;
    held = await db.$count(accountReservations, eq(accountReservations.userId, user.id));
  }
  expect(held, "reservations left held").toBe(0);
  // The largest single call here: the agents' requests stay well under 40k input tokens.
  const oneCall = reservationUsd(MODEL, 40_000, 8192);
  expect(spent).toBeLessThanOrEqual(budget + oneCall);
  console.log(
    `[drill] account budget $${budget}: ${orchestrators} orchestrators spent $${spent.toFixed(6)}, ${refusals} refusals`,
  );
}

describe("drill: concurrency", () => {
  it("caps and the account budget hold under parallel calls", async () => {
    await seeded(FILE, async (r, scale) => {
      for (let round = 0; round < scale; round++) await parallelCreates(r, 60 + r.int(140));
      // One send per orchestrator, all at once from one user: more than a user's sends a minute
      // would be refused with 429 (rightly), so full scale stops at that limit.
      await accountBudgetAcrossOrchestrators(r, Math.min(4 * scale, SEND_LIMIT.perMinute));
    });
  }, 300_000);
});
