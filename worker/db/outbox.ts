// Flushes an object's rows bound for D1 in one batch() per message boundary. They are written in the
// same SQLite transaction as the checkpoint (store.ts, ledger.ts), so a crash can delay them, never
// lose them; one sent again after a restart changes nothing D1 has (see ledger.ts).
import { getTableColumns, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as d1 from "../../schema/d1";
import { releaseReservations } from "../policy/account-budget";
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
  | { kind: "agent"; row: AgentRow }
  /** Account budget reservations that end: deleted in the batch that writes the billed rows. */
  | { kind: "release"; ids: string[] };

export function queueD1(store: Store, item: D1Row): void {
  store.queueD1(item.kind, item);
}

/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;

/**
 * Multi-row inserts for one table: rows are grouped by their set of keys (so a missing key gets
 * its column default rather than NULL), and each statement holds as many rows as fit, counting
 * every column, since drizzle binds a value for each one.
 */
function insertGroups<T extends object>(table: SQLiteTable, rows: T[]): T[][] {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(getTableColumns(table)).length));
  const bySignature = new Map<string, T[]>();
  for (const row of rows) {
    const signature = Object.keys(row).sort().join(",");
    const group = bySignature.get(signature) ?? [];
    group.push(row);
    bySignature.set(signature, group);
  }
  const out: T[][] = [];
  for (const group of bySignature.values()) {
    for (let i = 0; i < group.length; i += perStatement) out.push(group.slice(i, i + perStatement));
  }
  return out;
}

export function buildStatements(db: DrizzleD1Database, items: D1Row[]): BatchItem<"sqlite">[] {
  const messages: MessageRow[] = [];
  const toolCalls = new Map<string, ToolCallRow>();
  const agents = new Map<string, AgentRow>();
  const released: string[] = [];
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
      case "release":
        released.push(...item.ids);
        break;
    }
  }

  const stmts: BatchItem<"sqlite">[] = [];
  for (const part of insertGroups(d1.messages, messages)) {
    stmts.push(db.insert(d1.messages).values(part).onConflictDoNothing());
  }
  for (const part of insertGroups(d1.toolCalls, [...toolCalls.values()])) {
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
  for (const part of insertGroups(d1.agents, [...agents.values()])) {
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
  // After the message rows: in one batch (a transaction) the spend lands as the hold goes.
  for (let i = 0; i < released.length; i += MAX_PARAMS - 1) {
    stmts.push(releaseReservations(db, released.slice(i, i + MAX_PARAMS - 1)));
  }
  return stmts;
}

export type D1Stats = { batches: number; statements: number; failures: number };

/** Consecutive failures of the batch at the head of an object's outbox (in memory). */
const headFailures = new WeakMap<Store, number>();
const ISOLATE_AFTER = 3;

/**
 * Sends everything queued, oldest first. A failed batch stays queued for the next boundary (D1 may
 * be briefly unavailable); one that keeps failing is sent statement by statement so a single bad
 * row can't stop the object's writes for good — the rows that still fail are logged and skipped.
 */
export async function flushOutbox(env: Env, store: Store, d1Stats: D1Stats): Promise<void> {
  const db = drizzle(env.DB);
  for (;;) {
    const next = store.nextD1(200);
    if (!next) return;
    const stmts = buildStatements(db, next.payloads as D1Row[]);
    if (stmts.length) {
      try {
        await db.batch(stmts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
        headFailures.delete(store);
        d1Stats.batches++;
        d1Stats.statements += stmts.length;
      } catch (err) {
        d1Stats.failures++;
        const failures = (headFailures.get(store) ?? 0) + 1;
        headFailures.set(store, failures);
        if (failures < ISOLATE_AFTER) {
          console.error(`d1 flush failed (${failures}); will retry at the next boundary`, err);
          return;
        }
        for (const stmt of stmts) {
          try {
            await db.batch([stmt]);
            d1Stats.statements++;
          } catch (rowErr) {
            console.error("d1 statement dropped after repeated failures", rowErr);
          }
        }
        headFailures.delete(store);
      }
    }
    next.sent();
  }
}
