// DESIGN §8 "One true cost" and "Budgets hold per call": deleting agents never lowers an
// orchestrator's totals (so create → work → delete can't escape its budget); compaction summaries
// are billed and reserved like any call; and the user's account budget is held before every model
// call in every object — one long run and ten orchestrators at once overspend by at most one
// call's reservation, and the refusal names the account budget.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { OrchestratorInfo } from "../schema/api";
import { accountReservations, usageLedger, users } from "../schema/d1";
import type { Totals } from "../schema/events";
import { formatUsd } from "../schema/money";
import { modelInfo, reservationUsd } from "../worker/llm/prices";
import type { Orchestrator } from "../worker/objects/orchestrator";
import {
  allEvents,
  api,
  createOrchestrator,
  makeUser,
  eventsOfType as of,
  runsIdle,
  sim,
  type TestUser,
  teamScript,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

const counts = (t: Totals) => ({
  inputTokens: t.inputTokens,
  outputTokens: t.outputTokens,
  cacheReadTokens: t.cacheReadTokens,
  cacheWriteTokens: t.cacheWriteTokens,
  costUsd: t.costUsd,
});

async function ledgerSpend(userId: string): Promise<number> {
  const [row] = await drizzle(env.DB)
    .select({ usd: sql<number>`COALESCE(SUM(${usageLedger.costUsd}), 0)` })
    .from(usageLedger)
    .where(eq(usageLedger.userId, userId));
  return row!.usd;
}

/** Waits until D1 has caught up with the live totals (the outbox flushes at message boundaries). */
async function d1Totals(user: TestUser, id: string, want: number): Promise<Totals> {
  for (let i = 0; i < 200; i++) {
    const r = await api<OrchestratorInfo>(user, "GET", `/api/orchestrators/${id}`);
    if (Math.abs(r.body.totals.costUsd - want) < 1e-9) return r.body.totals;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error("D1 totals never matched the live totals");
}

describe("one true cost", () => {
  it("deleting agents never lowers the totals, on the stream, the snapshot, the API and the budget", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: teamScript() });
    await waitFor(stub, runsIdle(1));
    const before = (await stub.state()).totals;
    const agents = (await stub.agents()).filter((a) => a.totals.costUsd > 0);
    expect(agents).toHaveLength(2);
    const d1Before = await d1Totals(user, id, before.costUsd);
    expect(counts(d1Before)).toEqual(counts(before));

    for (const a of agents) {
      expect((await api(user, "DELETE", `/api/orchestrators/${id}/agents/${a.id}`)).status).toBe(204);
    }
    const after = (await stub.state()).totals;
    expect(counts(after)).toEqual(counts(before));
    const events = await allEvents(stub);
    expect(counts(of(events, "usage.updated").at(-1)!.totals)).toEqual(counts(before));
    expect(
      counts((await api<OrchestratorInfo>(user, "GET", `/api/orchestrators/${id}`)).body.totals),
    ).toEqual(counts(before));
    const list = await api<{ orchestrators: OrchestratorInfo[] }>(user, "GET", "/api/orchestrators");
    expect(list.body.orchestrators[0]!.totals.costUsd).toBe(before.costUsd);
    const usage = await api<{ totals: Totals }>(user, "GET", "/api/usage?groupBy=orchestrator");
    expect(usage.body.totals.costUsd).toBeCloseTo(before.costUsd, 6);

    // The budget counts the deleted agents' spend: the refusal quotes the whole team's.
    await api(user, "PATCH", `/api/orchestrators/${id}`, { budgetUsd: before.costUsd + 0.0001 });
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "More?" }]) });
    const refused = await waitFor(stub, runsIdle(2));
    const failed = of(refused, "run.failed").at(-1)!;
    expect(failed.error.code).toBe("budget_exceeded");
    expect(failed.error.message).toContain(`${formatUsd(before.costUsd)} spent`);
  });

  it("bills and reserves compaction summaries", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    await runInDurableObject(stub, (o: Orchestrator) => {
      o.store.set("config", { ...o.store.config(), contextWindow: 6000 });
    });
    for (let turn = 1; turn <= 4; turn++) {
      await api(user, "POST", `/api/orchestrators/${id}/messages`, {
        text: sim(
          [{ text: `Reply ${turn}. ${"filler ".repeat(300)}` }],
          `Turn ${turn}. ${"padding ".repeat(300)}`,
        ),
      });
      await waitFor(stub, runsIdle(turn));
    }
    const events = await allEvents(stub);
    const compacted = of(events, "context.compacted");
    expect(compacted.length).toBeGreaterThanOrEqual(1);
    const summaryCost = compacted.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
    expect(summaryCost).toBeGreaterThan(0);
    // The totals are every message plus the summaries, and D1 agrees to the micro-dollar.
    const messages = of(events, "message.completed").reduce((sum, m) => sum + m.costUsd, 0);
    const totals = (await stub.state()).totals;
    expect(totals.costUsd).toBeCloseTo(messages + summaryCost, 6);
    const d1 = await d1Totals(user, id, totals.costUsd);
    expect(counts(d1)).toEqual(counts(totals));
    expect(await ledgerSpend(user.id)).toBeCloseTo(totals.costUsd, 6);
    // A budget that can't cover the summary refuses before calling it.
    await runInDurableObject(stub, (o: Orchestrator) => {
      o.store.set("config", { ...o.store.config(), budgetUsd: totals.costUsd + 0.00001 });
    });
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ text: "never" }], `Turn 5. ${"padding ".repeat(300)}`),
    });
    const end = await waitFor(stub, runsIdle(5));
    expect(of(end, "run.failed").at(-1)?.error.code).toBe("budget_exceeded");
    expect(of(end, "context.compacted")).toHaveLength(compacted.length);
  });
});

describe("the account budget holds per call", () => {
  const MODEL = "claude-opus-4-8";
  /** Each step reads a 20,000-character file back, so each call's input grows by ~5,000 tokens. */
  const longRun = (steps: number) =>
    sim(
      Array.from({ length: steps }, (_, k) => ({
        text: `Step ${k}.`,
        tools: [{ name: "read_file", input: { path: "big.md" } }],
      })),
    );

  async function setup(budgetUsd: number) {
    const user = await makeUser();
    await drizzle(env.DB).update(users).set({ budgetUsd }).where(eq(users.id, user.id));
    return user;
  }

  async function orchestratorWithFile(user: TestUser) {
    const id = await createOrchestrator(user, { model: MODEL });
    const put = await api(user, "PUT", `/api/orchestrators/${id}/files/big.md`, "x".repeat(20_000));
    expect(put.status).toBeLessThan(300);
    return id;
  }

  /** The most one call may reserve here: the loop's worst case at the model's max_tokens. */
  const oneReservation = (inputTokens: number) => reservationUsd(MODEL, inputTokens, 8192);

  it("stops one long run before the call that could overspend, naming the account budget", async () => {
    const budget = 0.6;
    const user = await setup(budget);
    const id = await orchestratorWithFile(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: longRun(39) });
    const events = await waitFor(orchestrator(id), runsIdle(1), 60_000);
    const failed = of(events, "run.failed")[0];
    expect(failed?.error.code).toBe("budget_exceeded");
    expect(failed?.error.message).toMatch(/^Your account budget of \$0\.60 would be exceeded/);
    const steps = of(events, "message.completed").length;
    expect(steps).toBeGreaterThan(1);
    expect(steps).toBeLessThan(39);
    const spent = await ledgerSpend(user.id);
    expect(spent).toBeLessThanOrEqual(budget);
    // Nothing is left held once the run has ended.
    const held = await drizzle(env.DB)
      .select()
      .from(accountReservations)
      .where(eq(accountReservations.userId, user.id));
    expect(held).toEqual([]);
  });

  it("ten orchestrators at once overspend by at most one call's reservation", async () => {
    const budget = 0.5;
    const user = await setup(budget);
    const ids = await Promise.all(Array.from({ length: 10 }, () => orchestratorWithFile(user)));
    const sends = await Promise.all(
      ids.map((id) => api(user, "POST", `/api/orchestrators/${id}/messages`, { text: longRun(8) })),
    );
    expect(sends.map((s) => s.status)).toEqual(Array(10).fill(202));
    const logs = await Promise.all(ids.map((id) => waitFor(orchestrator(id), runsIdle(1), 60_000)));
    const refused = logs
      .flatMap((l) => of(l, "run.failed"))
      .filter((f) => f.error.code === "budget_exceeded");
    expect(refused.length).toBeGreaterThan(0);
    for (const f of refused) expect(f.error.message).toMatch(/account budget/);
    const spent = await ledgerSpend(user.id);
    // Reservations are worst cases, so in practice the spend stays under the budget itself.
    expect(spent).toBeLessThanOrEqual(budget + oneReservation(modelInfo(MODEL).contextWindow));
    expect(spent).toBeLessThanOrEqual(budget);
  });

  it("binds a budget set while a run is going", async () => {
    const user = await makeUser();
    const id = await orchestratorWithFile(user);
    // A stall after the second step (the loop retries after the idle timeout) leaves time to act.
    const steps = JSON.parse(longRun(30).split("\n")[2]!) as unknown[];
    steps.splice(2, 0, { fault: "stall", times: 1 });
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim(steps) });
    await waitFor(orchestrator(id), (ev) => of(ev, "message.completed").length >= 2, 30_000);
    const spentSoFar = await ledgerSpend(user.id);
    const me = await api(user, "PATCH", "/api/me", { budgetUsd: Math.max(0.01, spentSoFar + 0.05) });
    expect(me.status).toBe(200);
    const events = await waitFor(orchestrator(id), runsIdle(1), 60_000);
    expect(of(events, "run.failed")[0]?.error.message).toMatch(/account budget/);
  });
});
