// An orchestrator's budget holds each running model call's worst case until that call's usage
// arrives. Reservations are per call: a late usage notice settles only its own call, and a restart
// of the orchestrator keeps them.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentSummary } from "../schema/events";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { createOrchestrator, makeUser } from "./helpers";

const zero = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
const agent = (id: string): AgentSummary => ({
  id,
  name: id,
  model: "claude-haiku-5-5",
  instructions: "",
  tools: null,
  status: "executing",
  note: null,
  task: null,
  result: null,
  totals: zero,
  contextTokens: 0,
  contextWindow: 200_000,
  createdAt: 0,
});

type Stub = () => DurableObjectStub<Orchestrator>;
/** The refusal sentence of a reservation, or null when it was held. */
const refusal = async (stub: Stub, agentId: string, usd: number, id: string, replaces: string | null) =>
  (await stub().reserveForAgent(agentId, usd, id, replaces)).refusal;

async function budgetedOrchestrator() {
  const user = await makeUser();
  const id = await createOrchestrator(user, { budgetUsd: 1 });
  const stub: Stub = () => env.ORCHESTRATOR.getByName(id) as DurableObjectStub<Orchestrator>;
  await runInDurableObject(stub(), (o: Orchestrator) => {
    o.store.set("agents", [agent("a1"), agent("a2")]);
  });
  return stub;
}

describe("budget reservations", () => {
  it("a late usage notice settles only its own call's reservation", async () => {
    const stub = await budgetedOrchestrator();
    expect(await refusal(stub, "a1", 0.4, "r1", null)).toBeNull();
    // a1's next call reserves before the first call's usage notice is applied.
    expect(await refusal(stub, "a1", 0.4, "r2", null)).toBeNull();
    expect(await refusal(stub, "a2", 0.3, "r3", null)).toMatch(/budget of \$1\.00 would be exceeded/);
    await stub().agentNotices("a1", [
      { id: 1, kind: "usage", totals: zero, contextTokens: 0, settles: "r1" },
    ]);
    // r2 still holds 0.4: 0.4 + 0.7 > 1.
    expect(await refusal(stub, "a2", 0.7, "r3", null)).toMatch(/\$0\.4000 reserved/);
    expect(await refusal(stub, "a2", 0.5, "r3", null)).toBeNull();
    // Run 1's completion arrives after run 2 reserved: it releases nothing of run 2's.
    await stub().agentNotices("a1", [
      { id: 2, kind: "completed", result: "done", end: "completed", taskId: null, settles: null },
    ]);
    const held = async () =>
      runInDurableObject(stub(), (o: Orchestrator) => o.store.get("reservations") ?? {});
    expect((await held()).r2?.usd).toBe(0.4);
    // A call that failed before streaming is released by its run's completion notice.
    await stub().agentNotices("a1", [
      { id: 3, kind: "completed", result: "failed", end: "failed", taskId: null, settles: "r2" },
    ]);
    expect((await held()).r2).toBeUndefined();
    expect((await held()).r3?.usd).toBe(0.5);
  });

  it("a reservation left by a call that never ran is replaced by the agent's next one", async () => {
    const stub = await budgetedOrchestrator();
    expect(await refusal(stub, "a1", 0.6, "r1", null)).toBeNull();
    expect(await refusal(stub, "a1", 0.6, "r2", "r1")).toBeNull();
    // Another agent's id can't be released this way.
    expect(await refusal(stub, "a2", 0.3, "r3", "r2")).toBeNull();
    expect(await refusal(stub, "a2", 0.3, "r4", null)).toMatch(/\$0\.9000 reserved/);
  });

  it("notices queued by older code, without settles, release all the agent held", async () => {
    const stub = await budgetedOrchestrator();
    expect(await refusal(stub, "a1", 0.4, "r1", null)).toBeNull();
    expect(await refusal(stub, "a1", 0.4, "r2", null)).toBeNull();
    await stub().agentNotices("a1", [{ id: 1, kind: "usage", totals: zero, contextTokens: 0 }]);
    expect(await refusal(stub, "a2", 0.9, "r3", null)).toBeNull();
  });

  it("keeps reservations across a restart of the orchestrator", async () => {
    const stub = await budgetedOrchestrator();
    expect(await refusal(stub, "a1", 0.6, "r1", null)).toBeNull();
    await abortAllDurableObjects();
    expect(await refusal(stub, "a2", 0.6, "r2", null)).toMatch(/\$0\.6000 reserved by running calls/);
  });

  it("lets a reservation whose call never reported lapse", async () => {
    const stub = await budgetedOrchestrator();
    expect(await refusal(stub, "a1", 0.9, "r1", null)).toBeNull();
    await runInDurableObject(stub(), (o: Orchestrator) => {
      const all = o.store.get("reservations")!;
      o.store.set("reservations", { r1: { ...all.r1!, at: Date.now() - 16 * 60_000 } });
    });
    expect(await refusal(stub, "a2", 0.9, "r2", null)).toBeNull();
  });
});
