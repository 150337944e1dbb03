// DESIGN §5.7, §5.8, §5.10: usage is the final cumulative snapshot, cost follows the price table,
// budgets refuse before calling, and long conversations are billed mostly as cache reads.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { usageLedger } from "../schema/d1";
import type { StreamEvent, Usage } from "../schema/events";
import { costUsd, modelInfo } from "../worker/llm/prices";
import { api, createOrchestrator, makeUser, runsIdle, sim, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
type Completed = Extract<StreamEvent, { type: "message.completed" }>;
const completedOf = (events: StreamEvent[]) =>
  events.filter((e): e is Completed => e.type === "message.completed");

describe("usage, cost and budgets", () => {
  it("bills each message at the price table, including cache writes and reads, and ledgers it once", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { model: "claude-sonnet-5-5" });
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ thinking: "Let me think.", text: "Hello there, friend." }]),
    });
    const events = await waitFor(orchestrator(id), runsIdle(1));
    const [done] = completedOf(events);
    expect(done).toBeDefined();
    const u = done!.usage;
    expect(u.outputTokens).toBeGreaterThan(0);
    expect(u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens).toBeGreaterThan(100);
    const p = modelInfo("claude-sonnet-5-5");
    const expected =
      (u.inputTokens * p.input +
        u.outputTokens * p.output +
        u.cacheWriteTokens * p.cacheWrite +
        u.cacheReadTokens * p.cacheRead) /
      1e6;
    // Costs are kept in whole micro-dollars.
    expect(Math.abs(done!.costUsd - expected)).toBeLessThanOrEqual(0.5e-6 + 1e-12);
    expect(p.cacheWrite).toBe(2.5);
    expect(p.cacheRead).toBeCloseTo(0.2, 10);
    const run = events.find((e) => e.type === "run.completed");
    expect(run?.type === "run.completed" && run.usage).toEqual(u);
    const rows = await drizzle(env.DB).select().from(usageLedger).where(eq(usageLedger.orchestratorId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: done!.messageId,
      model: "claude-sonnet-5-5",
      ...u,
      costUsd: done!.costUsd,
      userId: user.id,
    });
    // The usage API reports the same figures.
    const report = await api<{ totals: Usage & { costUsd: number } }>(
      user,
      "GET",
      "/api/usage?groupBy=model",
    );
    expect(report.body.totals.costUsd).toBeCloseTo(done!.costUsd, 6);
  });

  it("refuses a call that could exceed the orchestrator's budget, without calling the model", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { budgetUsd: 0.001 });
    const r = await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: "Write me an essay." });
    expect(r.status).toBe(202);
    const events = await waitFor(orchestrator(id), runsIdle(1));
    expect(events.some((e) => e.type === "message.started")).toBe(false);
    const failed = events.at(-1);
    expect(failed?.type).toBe("run.failed");
    if (failed?.type === "run.failed") {
      expect(failed.error.code).toBe("budget_exceeded");
      expect(failed.error.message).toMatch(/budget of \$0\.0010 would be exceeded/);
    }
  });

  it("bills a 20-turn conversation mostly as cache reads", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    for (let turn = 1; turn <= 20; turn++) {
      await api(user, "POST", `/api/orchestrators/${id}/messages`, {
        text: sim(
          [{ text: `Answer ${turn}: ${"details ".repeat(40)}` }],
          `Question ${turn}: ${"context ".repeat(30)}`,
        ),
      });
      await waitFor(stub, runsIdle(turn));
    }
    const all = completedOf(await waitFor(stub, runsIdle(20)));
    expect(all).toHaveLength(20);
    const sum = (k: "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens") =>
      all.reduce((n, e) => n + e.usage[k], 0);
    const input = sum("inputTokens") + sum("cacheReadTokens") + sum("cacheWriteTokens");
    expect(sum("cacheReadTokens") / input).toBeGreaterThan(0.75);
    // Later turns are almost all cache reads.
    const last = all.at(-1)!.usage;
    expect(
      last.cacheReadTokens / (last.inputTokens + last.cacheReadTokens + last.cacheWriteTokens),
    ).toBeGreaterThan(0.9);
    const state = await stub.state();
    expect(state.totals.costUsd).toBeCloseTo(
      all.reduce((n, e) => n + costUsd("claude-sonnet-5-5", e.usage), 0),
      5,
    );
  });
});
