// Flushes an object's outbox to D1 in one batch() per message boundary. Rows are written to the
// outbox in the same SQLite transaction as the checkpoint, so a crash can delay them, never lose them.
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as d1 from "../../schema/d1";
import type { Store } from "./store";

type MessageRow = typeof d1.messages.$inferInsert;
type ToolCallRow = typeof d1.toolCalls.$inferInsert;
type AgentRow = typeof d1.agents.$inferInsert;

/**
 * What the loop queues for D1. Agent rows are snapshots: only the newest is written. The usage
 * ledger and orchestrator/agent totals are derived from message rows by triggers in D1.
 */
export type D1Row =
  | { kind: "message"; row: MessageRow }
  | { kind: "tool_call"; row: ToolCallRow }
  | { kind: "agent"; row: AgentRow };

export function queueD1(store: Store, item: D1Row): void {
  store.queueD1(item.kind, item);
}

/** D1 binds at most 100 parameters per statement: chunk multi-row inserts to fit. */
const MAX_PARAMS = 100;
function chunks<T extends object>(rows: T[]): T[][] {
  if (!rows.length) return [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(rows[0]!).length));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += per) out.push(rows.slice(i, i + per));
  return out;
}

/** Makes every row carry the same keys so one multi-row INSERT can bind them. */
function normalise<T extends object>(rows: T[]): T[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = (r as Record<string, unknown>)[k] ?? null;
    return o as T;
  });
}

export function buildStatements(db: DrizzleD1Database, items: D1Row[]): BatchItem<"sqlite">[] {
  const messages: MessageRow[] = [];
  const toolCalls = new Map<string, ToolCallRow>();
  const agents = new Map<string, AgentRow>();
  for (const item of items) {
    switch (item.kind) {
      case "message":
        messages.push(item.row);
        break;
      case "tool_call":
        toolCalls.set(item.row.id, { ...toolCalls.get(item.row.id), ...item.row });
        break;
      case "agent":
        agents.set(item.row.id, { ...agents.get(item.row.id), ...item.row });
        break;
    }
  }

  const stmts: BatchItem<"sqlite">[] = [];
  for (const part of chunks(normalise(messages))) {
    stmts.push(db.insert(d1.messages).values(part).onConflictDoNothing());
  }
  for (const part of chunks(normalise([...toolCalls.values()]))) {
    stmts.push(
      db
        .insert(d1.toolCalls)
        .values(part)
        .onConflictDoUpdate({
          target: d1.toolCalls.id,
          set: {
            result: sql`COALESCE(excluded.result, ${d1.toolCalls.result})`,
            isError: sql`excluded.is_error`,
            ms: sql`excluded.ms`,
          },
        }),
    );
  }
  for (const part of chunks(normalise([...agents.values()]))) {
    stmts.push(
      db
        .insert(d1.agents)
        .values(part)
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
        }),
    );
  }
  return stmts;
}

export type D1Stats = { batches: number; statements: number; failures: number };

/** Sends everything queued, oldest first. Failures leave the outbox intact for the next boundary. */
export async function flushOutbox(env: Env, store: Store, d1Stats: D1Stats): Promise<void> {
  const db = drizzle(env.DB);
  for (;;) {
    const rows = store.outbox(200);
    if (!rows.length) return;
    const stmts = buildStatements(
      db,
      rows.map((r) => r.payload as D1Row),
    );
    if (stmts.length) {
      try {
        await db.batch(stmts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
      } catch (err) {
        d1Stats.failures++;
        console.error("d1 flush failed; will retry at the next boundary", err);
        return;
      }
      d1Stats.batches++;
      d1Stats.statements += stmts.length;
    }
    store.clearOutbox(rows[rows.length - 1]!.id);
  }
}
