// What one chat run costs the orchestrator's SQLite in rows written (total_changes()): the budget
// bench/stream measures per 1,000 tokens (issue 16), held here so a change that adds rows to every
// run fails a test rather than only moving a benchmark. A short answer: its text is one log row.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createOrchestrator, makeUser, runsIdle, type TestUser, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

async function rowsOfOneRun(user: TestUser, id: string, n: number): Promise<number> {
  const before = (await orchestrator(id).stats()).sqliteRows;
  await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: `turn ${n}` });
  await waitFor(orchestrator(id), runsIdle(n), 30_000);
  // The run's close flushes its outbox (and deletes the sent rows) just after the terminal event.
  await new Promise((r) => setTimeout(r, 200));
  return (await orchestrator(id).stats()).sqliteRows - before;
}

describe("rows a chat run writes", () => {
  it("stays within its budget, run after run", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    // An object's first run: the same, and one more. Keys it clears that were never set (the wait,
    // a paused turn, the runaway count) and an empty templates list cost nothing (25 rows before).
    const first = await rowsOfOneRun(user, id, 1);
    expect(first).toBeLessThanOrEqual(10);
    const second = await rowsOfOneRun(user, id, 2);
    const third = await rowsOfOneRun(user, id, 3);
    expect(second).toBe(third);
    // The log 3 (the user's message with the run's start, one row since they share a transaction;
    // the message's start; its end with the text the log didn't have yet, the usage it brings and
    // the run's end, which a reply with no tool calls writes in its checkpoint: one row too), runs 2 (its start,
    // and its end with its usage), inbox 1 (the message, written taken by the run it starts),
    // conversation 2 and the ledger 1 (totals, context size, the run's usage so far and the D1
    // row, db/ledger.ts): 9. With no budget above the call there is no reservation to record (two
    // rows a call before), and the unchanged templates list costs none (one a run). Before the
    // ledger and shared log rows: 18; before the run's end joined the checkpoint: 11; before the
    // text's tail joined it: 10.
    expect(second).toBeLessThanOrEqual(9);
  });
});
