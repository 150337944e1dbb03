// Rows bound for D1 ride in each object's ledger row (worker/db/ledger.ts), which keeps them until
// its next write, so a restart sends the last ones again. D1 must take them to the same end: every
// message billed once, every tool call and agent row as it was.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { agents, messages, toolCalls, usageLedger } from "../schema/d1";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { api, crashAndWake, createOrchestrator, makeUser, runsIdle, teamScript, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

/** Everything D1 holds about one orchestrator's work, in a stable order. */
async function d1State(userId: string, orchestratorId: string) {
  const db = drizzle(env.DB);
  const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => a.id.localeCompare(b.id));
  return {
    messages: byId(await db.select().from(messages).where(eq(messages.orchestratorId, orchestratorId))),
    toolCalls: byId(await db.select().from(toolCalls).where(eq(toolCalls.orchestratorId, orchestratorId))),
    agents: byId(await db.select().from(agents).where(eq(agents.orchestratorId, orchestratorId))),
    ledger: (await db.select().from(usageLedger).where(eq(usageLedger.userId, userId))).length,
  };
}

/** How many D1 rows the stored ledger row still carries (what a restart sends again). */
const storedD1 = (id: string) =>
  runInDurableObject(orchestrator(id), (_o: Orchestrator, state: DurableObjectState) => {
    const row = state.storage.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'ledger'")
      .toArray()[0];
    return row ? ((JSON.parse(row.value) as { v: { d1?: unknown[] } }).v.d1?.length ?? 0) : 0;
  });

describe("rows sent to D1 again after a restart", () => {
  it("bill nothing twice and leave every row as it was", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: teamScript() });
    await waitFor(orchestrator(id), runsIdle(1), 30_000);
    // The run's close sends its rows just after its terminal event.
    for (let i = 0; i < 100 && (await orchestrator(id).stats()).d1.batches === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    const before = await d1State(user.id, id);
    expect(before.messages.length).toBeGreaterThan(2);
    expect(before.toolCalls.length).toBeGreaterThan(0);
    expect(before.agents.length).toBe(2);
    expect(before.ledger).toBeGreaterThan(2);
    // Already sent, still in the stored row: the restart sends them again.
    const carried = await storedD1(id);
    expect(carried).toBeGreaterThan(0);

    await crashAndWake(() => orchestrator(id));
    // The wake's alarm found rows waiting and sent them.
    const stats = (await orchestrator(id).stats()).d1;
    expect(stats.batches).toBeGreaterThan(0);
    expect(stats.failures).toBe(0);
    expect(await d1State(user.id, id)).toEqual(before);
  });
});
