// The D1 statements an object's outbox sends (db/outbox.ts) are fixed SQL built from the drizzle
// schema. Held here against drizzle's own builder: the same rows, written once each way into two
// copies of a row, must read back the same, defaults, JSON, booleans and conflict rules included.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import * as d1 from "../schema/d1";
import { buildStatements, type D1Row, flushOutbox, queueD1 } from "../worker/db/outbox";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { createOrchestrator, makeUser } from "./helpers";

const db = () => drizzle(env.DB);

async function orchestrator(userId: string): Promise<string> {
  const id = `orc_${crypto.randomUUID().slice(0, 12)}`;
  await db().insert(d1.orchestrators).values({ id, userId, name: "outbox", model: "claude-haiku-5-5" });
  return id;
}

/**
 * The rows as this module writes them, one flush per row as a run's checkpoints send them (a
 * flush merges rows of the same id before it writes, which would skip the conflict clauses)…
 */
async function send(rows: D1Row[]): Promise<void> {
  for (const row of rows) await env.DB.batch(buildStatements(env.DB, [row]));
}

/** …and as drizzle's builder wrote them before (outbox.ts until issue 16's seventh pass). */
async function sendWithDrizzle(rows: D1Row[]): Promise<void> {
  for (const item of rows) {
    if (item.kind === "message") await db().insert(d1.messages).values(item.row).onConflictDoNothing();
    if (item.kind === "tool_call")
      await db()
        .insert(d1.toolCalls)
        .values(item.row)
        .onConflictDoUpdate({
          target: d1.toolCalls.id,
          set: {
            result: sql`COALESCE(excluded.result, ${d1.toolCalls.result})`,
            isError: sql`excluded.is_error`,
            ms: sql`excluded.ms`,
          },
        });
    if (item.kind === "agent")
      await db()
        .insert(d1.agents)
        .values(item.row)
        .onConflictDoUpdate({
          target: d1.agents.id,
          set: {
            status: sql`excluded.status`,
            note: sql`excluded.note`,
            task: sql`COALESCE(excluded.task, ${d1.agents.task})`,
            result: sql`COALESCE(excluded.result, ${d1.agents.result})`,
            updatedAt: sql`excluded.updated_at`,
            deletedAt: sql`excluded.deleted_at`,
          },
        });
  }
}

/** One stream's rows, with ids made distinct per copy (`tag`). */
function rows(userId: string, orchestratorId: string, tag: string): D1Row[] {
  const base = { userId, orchestratorId, runId: `run_${tag}`, createdAt: 1_700_000_000_000 };
  const call = {
    ...base,
    id: `tc_${tag}`,
    messageId: `msg_a_${tag}`,
    name: "read_file",
    input: { path: "a.md" },
  };
  const agent = {
    id: `agt_${tag}`,
    orchestratorId,
    userId,
    name: `writer ${tag}`,
    instructions: "write",
    model: "claude-haiku-5-5",
  };
  return [
    {
      kind: "message",
      row: {
        ...base,
        id: `msg_a_${tag}`,
        role: "assistant",
        content: [{ type: "text", text: 'quotes " and \\ and ☃' }],
        model: "claude-haiku-5-5",
        stopReason: "end_turn",
        inputTokens: 12,
        outputTokens: 34,
        costUsd: 0.0042,
      },
    },
    // No usage, no model: the table's defaults and NULLs.
    { kind: "message", row: { ...base, id: `msg_u_${tag}`, role: "user", content: "hello", agentId: null } },
    // A repeat of a message already sent changes nothing (its triggers bill once).
    {
      kind: "message",
      row: { ...base, id: `msg_a_${tag}`, role: "assistant", content: "other", outputTokens: 999 },
    },
    { kind: "tool_call", row: call },
    // The call's result, later: merged (the row keeps its input; is_error and ms are set).
    { kind: "tool_call", row: { ...call, result: "text", isError: true, ms: 17 } },
    { kind: "agent", row: { ...agent, tools: ["read_file"], task: "a task" } },
    // Its later snapshots: the note, result and deletion land; a snapshot without task or result
    // keeps the ones there.
    {
      kind: "agent",
      row: { ...agent, status: "done", note: "finished", result: "the result", updatedAt: 1_700_000_000_500 },
    },
    {
      kind: "agent",
      row: {
        ...agent,
        status: "deleted",
        task: null,
        result: null,
        updatedAt: 1_700_000_000_900,
        deletedAt: 1_700_000_000_900,
      },
    },
  ];
}

/** A row without the ids and times that differ by construction. */
function comparable(row: object | undefined): Record<string, unknown> {
  const {
    id: _i,
    runId: _r,
    messageId: _m,
    name: _n,
    createdAt: _c,
    ...rest
  } = (row ?? {}) as Record<string, unknown>;
  return rest;
}

describe("the outbox's D1 statements", () => {
  it("write what drizzle's builder wrote, row for row", async () => {
    const user = await makeUser();
    const orc = await orchestrator(user.id);
    await send(rows(user.id, orc, "ours"));
    await sendWithDrizzle(rows(user.id, orc, "drizzle"));

    const read = async (tag: string) => ({
      assistant: await db()
        .select()
        .from(d1.messages)
        .where(eq(d1.messages.id, `msg_a_${tag}`))
        .get(),
      user: await db()
        .select()
        .from(d1.messages)
        .where(eq(d1.messages.id, `msg_u_${tag}`))
        .get(),
      call: await db()
        .select()
        .from(d1.toolCalls)
        .where(eq(d1.toolCalls.id, `tc_${tag}`))
        .get(),
      agent: await db()
        .select()
        .from(d1.agents)
        .where(eq(d1.agents.id, `agt_${tag}`))
        .get(),
    });
    const ours = await read("ours");
    const theirs = await read("drizzle");
    for (const k of ["assistant", "user", "call", "agent"] as const) {
      expect(ours[k], k).toBeDefined();
      expect(comparable(ours[k]), k).toEqual(comparable(theirs[k]));
    }
    expect(ours.assistant?.content).toEqual([{ type: "text", text: 'quotes " and \\ and ☃' }]);
    expect(ours.assistant?.outputTokens).toBe(34);
    expect(ours.user?.model).toBeNull();
    expect(ours.call).toMatchObject({ input: { path: "a.md" }, result: "text", isError: true, ms: 17 });
    // The table's own defaults where a row left a column out, as drizzle's bound ones.
    expect(ours.user).toMatchObject({
      inputTokens: 0,
      costUsd: 0,
      webSearchRequests: 0,
      codeExecutionSeconds: 0,
    });
    expect(ours.agent).toMatchObject({
      status: "deleted",
      note: null,
      tools: ["read_file"],
      task: "a task",
      result: "the result",
      updatedAt: 1_700_000_000_900,
      deletedAt: 1_700_000_000_900,
    });
    // The table's default time, as drizzle left it to the table.
    expect(ours.agent?.createdAt).toBeGreaterThan(1_700_000_000_000);
  });

  it("keeps an agent's task when a later snapshot has none, and splits rows to D1's 100 parameters", async () => {
    const user = await makeUser();
    const orc = await orchestrator(user.id);
    const agent = rows(user.id, orc, "split").find((r) => r.kind === "agent")!;
    await send([agent]);
    if (agent.kind !== "agent") throw new Error("unreachable");
    await send([{ kind: "agent", row: { ...agent.row, task: null, status: "working" } }]);
    const row = await db().select().from(d1.agents).where(eq(d1.agents.id, agent.row.id)).get();
    expect(row).toMatchObject({ status: "working", task: "a task" });

    const many: D1Row[] = Array.from({ length: 23 }, (_, i) => ({
      kind: "message",
      row: {
        id: `msg_many_${i}_${orc}`,
        userId: user.id,
        orchestratorId: orc,
        runId: "run_many",
        role: "user",
        content: `m${i}`,
        createdAt: 1 + i,
      },
    }));
    // Seven columns a row: 14 rows (98 parameters) a statement, so 23 rows are two statements.
    const stmts = buildStatements(env.DB, many);
    expect(stmts.length).toBe(2);
    await env.DB.batch(stmts);
    const count = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM messages WHERE run_id = 'run_many' AND orchestrator_id = ?",
    )
      .bind(orc)
      .first<{ n: number }>();
    expect(count?.n).toBe(23);
  });

  it("drops a row that can't be bound at once, and one D1 keeps refusing after three tries, and sends the rest", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = env.ORCHESTRATOR.getByName(id);
    const taken = await db().select().from(d1.agents).where(eq(d1.agents.orchestratorId, id)).all();
    await db()
      .insert(d1.agents)
      .values({
        id: `agt_first_${id}`,
        orchestratorId: id,
        userId: user.id,
        name: "twin",
        instructions: "i",
        model: "claude-haiku-5-5",
      });
    const message = (n: string, content: unknown): D1Row => ({
      kind: "message",
      row: {
        id: `msg_${n}_${id}`,
        userId: user.id,
        orchestratorId: id,
        runId: "run_x",
        role: "user",
        content,
        createdAt: 1,
      },
    });
    const outcome = await runInDurableObject(stub, async (o: Orchestrator) => {
      const stats = { batches: 0, statements: 0, failures: 0 };
      o.store.transaction(() => {
        queueD1(o.store, message("good", "kept"));
        // An object where the schema has text: the store can keep it, D1 can't bind it.
        const unbindable = message("unbindable", "x") as { kind: "message"; row: object };
        queueD1(o.store, {
          ...unbindable,
          row: { ...unbindable.row, model: { not: "text" } },
        } as unknown as D1Row);
        // Another agent of this orchestrator by the same name: D1's unique index refuses it.
        queueD1(o.store, {
          kind: "agent",
          row: {
            id: `agt_second_${id}`,
            orchestratorId: id,
            userId: user.id,
            name: "twin",
            instructions: "i",
            model: "claude-haiku-5-5",
          },
        });
        queueD1(o.store, message("after", "kept too"));
      });
      const sent = async () =>
        (
          await env.DB.prepare("SELECT id FROM messages WHERE orchestrator_id = ? ORDER BY id")
            .bind(id)
            .all<{ id: string }>()
        ).results.map((r) => r.id);
      await flushOutbox(env, o.store, stats);
      const afterFirst = { sent: await sent(), queued: o.store.nextD1(200) !== null };
      await flushOutbox(env, o.store, stats);
      await flushOutbox(env, o.store, stats);
      return { afterFirst, stats, sent: await sent(), queued: o.store.nextD1(200) !== null };
    });
    // The batch is a transaction: while D1 refuses one statement, nothing of it lands, and it stays queued.
    expect(outcome.afterFirst).toEqual({ sent: [], queued: true });
    // The third failure sends it statement by statement: the refused row is dropped, the rest land.
    expect(outcome.stats.failures).toBe(3);
    expect(outcome.sent).toEqual([`msg_after_${id}`, `msg_good_${id}`]);
    expect(outcome.queued).toBe(false);
    const agents = await db().select().from(d1.agents).where(eq(d1.agents.orchestratorId, id)).all();
    expect(agents.map((a) => a.id).sort()).toEqual([...taken.map((a) => a.id), `agt_first_${id}`].sort());
  });
});
