// Flushes an object's rows bound for D1 in one batch() per message boundary. They are written in the
// same SQLite transaction as the checkpoint (store.ts, ledger.ts), so a crash can delay them, never
// lose them; one sent again after a restart changes nothing D1 has (see ledger.ts).
import { getTableColumns, getTableName } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
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
 * A table's multi-row insert as fixed SQL: its text is made once per table, set of columns and
 * number of rows, and each flush only binds values. drizzle's builder made the same statement
 * afresh at every run's end (~0.15 ms of CPU in profiles, issue 16), where every other stream's
 * deltas wait. The schema stays drizzle's: column names and each value's encoding (JSON, booleans)
 * come from it. A row's keys are its columns; a column it leaves out takes the table's own
 * DEFAULT, as drizzle's insert gave it.
 */
class Insert {
  private readonly table: string;
  private readonly columns: Record<string, SQLiteColumn>;
  /** The columns' keys in the table's order (a statement's columns keep it). */
  private readonly keys: string[];
  private readonly texts = new Map<string, string>();

  constructor(
    table: SQLiteTable,
    /** What follows the VALUES: the conflict clause. */
    private readonly tail: string,
  ) {
    this.table = getTableName(table);
    this.columns = getTableColumns(table);
    this.keys = Object.keys(this.columns);
  }

  /** Statements for these rows: grouped by their keys, as many rows each as D1's 100 parameters allow. */
  statements(db: D1Database, rows: object[]): D1PreparedStatement[] {
    const groups = new Map<string, { keys: string[]; rows: Record<string, unknown>[] }>();
    for (const row of rows as Record<string, unknown>[]) {
      const keys = this.keys.filter((k) => row[k] !== undefined);
      const signature = keys.join(",");
      const group = groups.get(signature) ?? { keys, rows: [] };
      group.rows.push(row);
      groups.set(signature, group);
    }
    const out: D1PreparedStatement[] = [];
    for (const [signature, { keys, rows: all }] of groups) {
      const perStatement = Math.max(1, Math.floor(MAX_PARAMS / keys.length));
      for (let i = 0; i < all.length; i += perStatement) {
        const part = all.slice(i, i + perStatement);
        const params: unknown[] = [];
        for (const row of part) {
          for (const k of keys) {
            const v = row[k];
            params.push(v === null ? null : this.columns[k]!.mapToDriverValue(v));
          }
        }
        out.push(db.prepare(this.text(signature, keys, part.length)).bind(...params));
      }
    }
    return out;
  }

  private text(signature: string, keys: string[], rows: number): string {
    const key = `${signature}|${rows}`;
    let text = this.texts.get(key);
    if (!text) {
      const names = keys.map((k) => `"${this.columns[k]!.name}"`).join(", ");
      const tuple = `(${keys.map(() => "?").join(", ")})`;
      text = `INSERT INTO "${this.table}" (${names}) VALUES ${Array(rows).fill(tuple).join(", ")} ${this.tail}`;
      this.texts.set(key, text);
    }
    return text;
  }
}

// Message rows are written once (their triggers bill: a repeat must change nothing); tool calls
// and agents are upserts whose last write wins, keeping a result or task already there.
const messageInsert = new Insert(d1.messages, "ON CONFLICT DO NOTHING");
const toolCallUpsert = new Insert(
  d1.toolCalls,
  `ON CONFLICT ("id") DO UPDATE SET "result" = COALESCE(excluded."result", "tool_calls"."result"), "is_error" = excluded."is_error", "ms" = excluded."ms"`,
);
const agentUpsert = new Insert(
  d1.agents,
  `ON CONFLICT ("id") DO UPDATE SET "status" = excluded."status", "note" = excluded."note", "task" = COALESCE(excluded."task", "agents"."task"), "result" = COALESCE(excluded."result", "agents"."result"), "updated_at" = excluded."updated_at", "deleted_at" = excluded."deleted_at"`,
);

export function buildStatements(db: D1Database, items: D1Row[]): D1PreparedStatement[] {
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

  const stmts = [
    ...messageInsert.statements(db, messages),
    ...toolCallUpsert.statements(db, [...toolCalls.values()]),
    ...agentUpsert.statements(db, [...agents.values()]),
  ];
  // After the message rows: in one batch (a transaction) the spend lands as the hold goes. Rare (a
  // budget's hold), so drizzle builds it.
  if (released.length) {
    const builder = drizzle(db);
    for (let i = 0; i < released.length; i += MAX_PARAMS - 1) {
      const q = releaseReservations(builder, released.slice(i, i + MAX_PARAMS - 1)).toSQL();
      stmts.push(db.prepare(q.sql).bind(...q.params));
    }
  }
  return stmts;
}

/**
 * The statements for a batch. A value D1 can't bind (or JSON can't encode) throws here, before the
 * batch is sent; such a row is dropped, logged, and the rest go as they are, one item at a time
 * (the upserts keep their order, so the last write still wins).
 */
function statementsFor(db: D1Database, items: D1Row[]): D1PreparedStatement[] {
  try {
    return buildStatements(db, items);
  } catch {
    return items.flatMap((item) => {
      try {
        return buildStatements(db, [item]);
      } catch (err) {
        console.error(`d1 ${item.kind} row dropped: it can't be bound`, err);
        return [];
      }
    });
  }
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
  const db = env.DB;
  for (;;) {
    const next = store.nextD1(200);
    if (!next) return;
    const stmts = statementsFor(db, next.payloads as D1Row[]);
    if (stmts.length) {
      try {
        await db.batch(stmts);
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
