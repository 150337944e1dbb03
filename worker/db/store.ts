// Typed access to an object's own SQLite: config and state (meta), runs, the conversation, and the
// parts with files of their own: the ledger row and the rows bound for D1 (ledger.ts,
// outbox-table.ts), the inbox, tool results and the agent's notices (shapes in store-types.ts).
import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import * as t from "../../schema/do";
import migrations from "../../schema/do-migrations";
import type { Usage } from "../../schema/events";
import { Inbox } from "./inbox";
import { LEDGER_KEYS, Ledger, type LedgerKey } from "./ledger";
import { NoticeQueue } from "./notice-queue";
import { OutboxTable } from "./outbox-table";
import { type ArrivedInput, type InputKey, type RunStart, Runs } from "./runs";
import {
  type ContentBlock,
  type ConversationRow,
  type InboxRow,
  type Json,
  type MetaShape,
  type ObjectConfig,
  parse,
  type Role,
  type RunRow,
  readMeta,
  writeMeta,
} from "./store-types";
import { ToolResults } from "./tool-results";

export type { ArrivedInput, InputKey, RunStart } from "./runs";
export type * from "./store-types";

/**
 * Every method is synchronous, so a checkpoint is one atomic step. The hot paths run fixed SQL
 * strings (the runtime caches their prepared statements) and keep write-through copies of meta,
 * runs and the conversation in memory: a run's start and end used to cost ~40 statements, most of
 * them re-reading what this object had just written. A transaction that throws rolls SQLite back,
 * so it drops the copies too.
 */
export class Store {
  /** drizzle over the same SQLite, for migrations. */
  readonly db: DrizzleSqliteDODatabase<typeof t>;
  private readonly meta = new Map<string, { value: unknown; json: Json }>();
  private conv: ConversationRow[] | null = null;
  /** A backlog of rows bound for D1, and rows queued before the ledger. */
  private readonly outbox = new OutboxTable(() => this.sql);
  /** Totals, context size, the run's usage and the rows bound for D1: one row (ledger.ts). */
  private readonly ledger = new Ledger(
    () => this.sql,
    (items) => this.outbox.add(items),
  );
  /** Runs: the one under way, from the log until its first status change (runs.ts). */
  private readonly runs = new Runs(
    () => this.sql,
    this.ledger,
    () => this.runUnderWayInLog?.() ?? null,
  );
  /** The run the object's log says is under way (its last run boundary is a `run.started`). */
  runUnderWayInLog: (() => RunStart | null) | null = null;
  /** Agent → orchestrator notices waiting to be delivered. */
  readonly notices = new NoticeQueue(() => this.sql);
  /** Inputs waiting for a run (inbox.ts). */
  readonly inbox = new Inbox(() => this.sql);
  /** Tool results by tool_use_id (the exactly-once record). */
  readonly toolResults = new ToolResults(() => this.sql);
  /** Nesting of transaction(), and what waits for the outermost one to complete. */
  private depth = 0;
  private pending: (() => void)[] = [];

  constructor(readonly storage: DurableObjectStorage) {
    this.db = drizzle(storage, { schema: t });
  }

  async migrate(): Promise<void> {
    await migrate(this.db, migrations);
  }

  get sql(): SqlStorage {
    return this.storage.sql;
  }

  transaction<T>(fn: () => T): T {
    // A nested transaction that rolls back forgets the ledger's copy: what the outer one changed
    // so far is written first. The log's held events stay held (one row for the outermost one);
    // the owner drops only the nested one's (onRollback's `heldFrom`).
    const heldFrom = this.depth > 0 ? this.beginNested() : null;
    const mark = this.pending.length;
    this.depth++;
    let result: T;
    try {
      result = this.storage.transactionSync(() => {
        if (this.depth === 1) this.atTransactionStart?.();
        const r = fn();
        // Held writes (the ledger row, the log's events) go once, as the outermost one's last.
        if (this.depth === 1) this.writeHeld();
        return r;
      });
    } catch (err) {
      this.depth--;
      // This level's writes are gone, even if an outer transaction catches and goes on: drop
      // what waited on them, and the copies.
      this.pending.length = mark;
      this.forget();
      this.onRollback?.(heldFrom);
      throw err;
    }
    this.depth--;
    if (this.depth === 0) this.settle();
    return result;
  }

  /**
   * Runs `fn` once what has been written so far is kept: now, or when the outermost transaction
   * in progress completes. Dropped if that transaction rolls back, so nobody hears about a write
   * that never happened.
   */
  afterCommit(fn: () => void): void {
    if (this.depth === 0) fn();
    else this.pending.push(fn);
  }

  /**
   * Runs `fn` in the transaction under way, or in one of its own. Not nested: a nested transaction
   * writes what the outer one holds first, so a run's end or start would split the log row.
   */
  joined<T>(fn: () => T): T {
    return this.depth > 0 ? fn() : this.transaction(fn);
  }

  /** Whether a transaction is under way (writes held for its end are written with it). */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** Writes the owner holds for the end of the transaction (the event log's), before the ledger's. */
  onWriteHeld: (() => void) | null = null;

  /** The ledger changed: written with the transaction under way, or now outside one. */
  private ledgerChanged(): void {
    if (this.depth === 0) this.ledger.write();
  }

  private writeHeld(): void {
    this.onWriteHeld?.();
    this.ledger.write();
  }

  /** A nested transaction begins: the ledger's changes so far are written; where the log's held begin. */
  private beginNested(): number {
    this.ledger.write();
    return this.heldCount?.() ?? 0;
  }

  /** How many events the owner holds for the transaction under way (its log's). */
  heldCount: (() => number) | null = null;

  /**
   * Called when a transaction rolls back, after the copies are dropped: `heldFrom` null for the
   * outermost one (everything held goes), else where the nested one's held events begin.
   */
  onRollback: ((heldFrom: number | null) => void) | null = null;

  /**
   * Called first inside an outermost transaction: what was sent ahead of the log (live text, DESIGN
   * §11) joins the transaction's row. A rollback takes it out again; `onRollback` writes it anew.
   */
  atTransactionStart: (() => void) | null = null;

  private settle(): void {
    const fns = this.pending;
    this.pending = [];
    for (const fn of fns) fn();
  }

  /** Drops the in-memory copies; the next read goes to SQLite. */
  forget(): void {
    this.meta.clear();
    this.ledger.forget();
    this.runs.forget();
    this.conv = null;
    this.outbox.forget();
  }

  // ---- meta ----

  get<K extends keyof MetaShape>(key: K): MetaShape[K] | undefined {
    if (isLedgerKey(key)) {
      const kept = this.ledger.get(key);
      // Objects from before the ledger keep their own row until the next billed call.
      if (kept !== undefined) return kept as MetaShape[K];
    }
    const hit = this.meta.get(key);
    if (hit) return hit.value as MetaShape[K];
    const stored = readMeta(this.sql, key);
    const json = stored ?? JSON.stringify({ v: undefined });
    const value = stored ? parse<{ v: MetaShape[K] }>(stored).v : undefined;
    this.meta.set(key, { value, json });
    return value;
  }

  /**
   * Writes only when the value changed. Null on a key never written is no change either: a missing
   * key reads back as undefined, which every reader takes as null (a fresh object's first run would
   * otherwise write a row for each cleared key).
   */
  set<K extends keyof MetaShape>(key: K, value: MetaShape[K]): void {
    if (isLedgerKey(key)) {
      if (JSON.stringify(this.get(key)) === JSON.stringify(value)) return;
      this.ledger.set(key, value as never);
      this.ledgerChanged();
      return;
    }
    const json = JSON.stringify({ v: value });
    if (this.meta.get(key)?.json === json || (value === null && this.get(key) === undefined)) return;
    writeMeta(this.sql, key, json);
    this.meta.set(key, { value, json });
  }

  config(): ObjectConfig {
    const c = this.get("config");
    if (!c) throw new Error("object is not initialised");
    return c;
  }

  // ---- runs (runs.ts: a run's row is written at its first status change) ----

  run(id: string): RunRow | undefined {
    return this.runs.get(id);
  }

  /** The run under way (active, or waiting on its agents), or null. */
  activeRunId(): string | null {
    return this.runs.activeId();
  }

  /** The most recent run, whatever its state. */
  latestRun(): RunRow | undefined {
    return this.runs.latest();
  }

  /** A run starts; `input`: what it takes in as it arrives, kept in its row instead of the inbox. */
  insertRun(id: string, trigger: string, input?: ArrivedInput): void {
    this.runs.start(id, trigger, input);
  }

  /**
   * A message (a user's, a task, a report) by its id or its client's key: waiting or taken from the
   * inbox, or the input a run took in as it arrived (runs.ts).
   */
  input(key: InputKey): InboxRow | undefined {
    const queued =
      "clientId" in key ? this.inbox.byClientId(key.clientId) : this.inbox.byMessageId(key.messageId);
    return queued ?? this.runs.arrived(key);
  }

  /** A run's new status, with its usage so far (kept in the ledger while it runs). */
  setRunStatus(id: string, status: RunRow["status"]): void {
    this.runs.setStatus(id, status);
  }

  /** One more billed step of a run: into the ledger row, which the call's checkpoint writes anyway. */
  addRunUsage(id: string, usage: Usage, costUsd: number): void {
    if (this.runs.addUsage(id, usage, costUsd)) this.ledgerChanged();
  }

  // ---- conversation ----

  /** The whole conversation, oldest first. Callers must not mutate the blocks. */
  conversation(): ConversationRow[] {
    if (!this.conv) {
      const rows = this.sql.exec<{ idx: number; role: Role; content: Json; message_id: string }>(
        "SELECT idx, role, content, message_id FROM conversation ORDER BY idx",
      );
      this.conv = [];
      for (const r of rows) {
        this.conv.push({
          idx: r.idx,
          role: r.role,
          content: parse<ContentBlock[]>(r.content),
          messageId: r.message_id,
        });
      }
    }
    return [...this.conv];
  }

  appendMessage(runId: string, messageId: string, role: Role, content: ContentBlock[]): void {
    const { idx } = this.sql
      .exec<{ idx: number }>(
        `INSERT INTO conversation (run_id, message_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)
         RETURNING idx`,
        runId,
        messageId,
        role,
        JSON.stringify(content),
        Date.now(),
      )
      .one();
    // A copy, so a caller changing its array later can't change what we hold.
    this.conv?.push({ idx, role, content: structuredClone(content), messageId });
  }

  /** Replaces conversation rows before `idx` with one summary turn (context compaction). */
  replacePrefix(beforeIdx: number, summary: ContentBlock[], runId: string): void {
    this.transaction(() => {
      this.sql.exec("DELETE FROM conversation WHERE idx < ?", beforeIdx);
      // Summary takes the smallest index so it stays first.
      this.sql.exec(
        `INSERT INTO conversation (idx, run_id, message_id, role, content, created_at)
         VALUES (?, ?, ?, 'user', ?, ?)`,
        beforeIdx - 1,
        runId,
        `summary_${beforeIdx}`,
        JSON.stringify(summary),
        Date.now(),
      );
      this.conv = null;
    });
  }

  // ---- rows bound for D1 ----

  /** Queued in the ledger row (written with the transaction it is part of, or now outside one). */
  queueD1(kind: string, payload: unknown): void {
    this.ledger.queue({ kind, payload });
    this.ledgerChanged();
  }

  /** Whether any row is waiting for D1. */
  hasD1(): boolean {
    return this.ledger.waiting > 0 || this.outbox.read(1).length > 0;
  }

  /**
   * The oldest rows waiting for D1 (up to `limit`) and what to call once D1 has them, or null. The
   * outbox table goes first: what it holds is older.
   */
  nextD1(limit = 200): { payloads: unknown[]; sent: () => void } | null {
    const rows = this.outbox.read(limit);
    if (!rows.length) return this.ledger.head(limit);
    return { payloads: rows.map((r) => r.payload), sent: () => this.outbox.clear(rows[rows.length - 1]!.id) };
  }
}

const isLedgerKey = (key: string): key is LedgerKey => (LEDGER_KEYS as readonly string[]).includes(key);
