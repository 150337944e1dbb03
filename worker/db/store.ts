// Typed access to an object's own SQLite: config and state (meta), runs, conversation, tool results,
// inbox and the D1 outbox.
import type Anthropic from "@anthropic-ai/sdk";
import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import * as t from "../../schema/do";
import migrations from "../../schema/do-migrations";
import type { AgentStatus, AgentSummary, Totals, Usage } from "../../schema/events";

export type ContentBlock = Anthropic.ContentBlockParam;
export type Role = "user" | "assistant";

export type ObjectConfig = {
  kind: "orchestrator" | "agent";
  id: string;
  userId: string;
  orchestratorId: string;
  name: string;
  model: string;
  /** The orchestrator's system prompt, or the agent's instructions. */
  system: string | null;
  budgetUsd: number | null;
  simulated: boolean;
  /** Archived orchestrators keep their history but take no new messages. */
  archived?: boolean;
  /** Orchestrators: whether the user has an account budget, so calls reserve against it in D1. */
  accountBudget?: boolean;
  /** Agents only: the subset of agent tools allowed, null for all. */
  tools?: string[] | null;
  /** Test and tuning overrides. */
  contextWindow?: number;
  maxSteps?: number;
  maxTokens?: number;
};

export type RunRow = typeof t.runs.$inferSelect;
export type InboxKind = "user" | "task" | "agent_report";
export type InboxPayload = { text: string; messageId: string; agentId?: string; taskId?: string };

/** State kept under meta keys. Each key is read and written whole. */
export type MetaShape = {
  config: ObjectConfig;
  totals: Totals;
  contextTokens: number;
  activeRunId: string | null;
  /** Set while an assistant message is streaming, so a restart can record it as aborted. */
  inflight: { runId: string; messageId: string; usage?: Usage } | null;
  status: AgentStatus;
  note: string | null;
  deleted: boolean;
  /** Orchestrator: a run suspended in wait_for_agents (since: when the wait began). */
  waiting: { runId: string; toolUseId: string; names: string[]; deadline: number; since?: number } | null;
  /**
   * Orchestrator: the user pressed Stop. No run starts on its own until their next message; agent
   * reports wait in the inbox and are handed over with that message (DESIGN §8).
   */
  held: boolean;
  /** Orchestrator: usage of agents that were deleted, so team totals never go down. */
  retiredTotals: Totals;
  /** Orchestrator: bumped by Stop all; agents refuse tasks issued before it. Agent: the latest seen. */
  stopGen: number;
  /** Agent: the current task and its result. */
  task: { taskId: string; text: string } | null;
  result: string | null;
  /** Consecutive runs started by agent reports, reset by user input (a runaway guard). */
  autoRuns: number;
  /** Orchestrator: its agents, live. */
  agents: AgentSummary[];
  /** Orchestrator: the last notice id applied per agent (notices are retried, so deduplicated). */
  noticeCursor: Record<string, number>;
  /** Orchestrator: budget held for model calls in flight, by reservation id. */
  reservations: Record<string, { usd: number; agentId: string | null; at: number }>;
  /**
   * The budget reservation the current model call holds (at the orchestrator, and in D1 when
   * `account`), until the call is billed or ends without billing.
   */
  reservation: { id: string; account: boolean } | null;
};

type Json = string;
const parse = <T>(json: Json): T => JSON.parse(json) as T;

type RunSql = {
  id: string;
  trigger: string;
  status: RunRow["status"];
  steps: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  created_at: number;
  ended_at: number | null;
};
type InboxSql = {
  id: string;
  kind: InboxKind;
  payload: Json;
  client_id: string | null;
  run_id: string | null;
  created_at: number;
  consumed_at: number | null;
};
export type InboxRow = {
  id: string;
  kind: InboxKind;
  payload: InboxPayload;
  clientId: string | null;
  runId: string | null;
  createdAt: number;
  consumedAt: number | null;
};
export type ToolResultRow = typeof t.toolResults.$inferSelect;
export type ConversationRow = { idx: number; role: Role; content: ContentBlock[]; messageId: string };

const toRun = (r: RunSql): RunRow => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  steps: r.steps,
  inputTokens: r.input_tokens,
  outputTokens: r.output_tokens,
  cacheReadTokens: r.cache_read_tokens,
  cacheWriteTokens: r.cache_write_tokens,
  costUsd: r.cost_usd,
  createdAt: r.created_at,
  endedAt: r.ended_at,
});
const toInbox = (r: InboxSql): InboxRow => ({
  id: r.id,
  kind: r.kind,
  payload: parse<InboxPayload>(r.payload),
  clientId: r.client_id,
  runId: r.run_id,
  createdAt: r.created_at,
  consumedAt: r.consumed_at,
});

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
  private readonly runs = new Map<string, RunRow>();
  private conv: ConversationRow[] | null = null;
  /** True once the outbox is known to be empty, so an idle flush costs no query. */
  private outboxEmpty = false;
  /** Rows queued so far, and how many had been when the last read saw the whole outbox. */
  private outboxQueued = 0;
  private outboxWholeAt = -1;
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
    const mark = this.pending.length;
    this.depth++;
    let result: T;
    try {
      result = this.storage.transactionSync(fn);
    } catch (err) {
      this.depth--;
      // This level's writes are gone, even if an outer transaction catches and goes on: drop
      // what waited on them, and the copies.
      this.pending.length = mark;
      this.forget();
      this.onRollback?.();
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

  /** Called when a transaction (at any depth) rolls back, after the copies are dropped. */
  onRollback: (() => void) | null = null;

  private settle(): void {
    const fns = this.pending;
    this.pending = [];
    for (const fn of fns) fn();
  }

  /** Drops the in-memory copies; the next read goes to SQLite. */
  forget(): void {
    this.meta.clear();
    this.runs.clear();
    this.conv = null;
    this.outboxEmpty = false;
    this.outboxWholeAt = -1;
  }

  // ---- meta ----

  get<K extends keyof MetaShape>(key: K): MetaShape[K] | undefined {
    const hit = this.meta.get(key);
    if (hit) return hit.value as MetaShape[K];
    const row = this.sql.exec<{ value: Json }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    // Values are wrapped so null is storable in the NOT NULL JSON column.
    const json = row?.value ?? JSON.stringify({ v: undefined });
    const value = row ? parse<{ v: MetaShape[K] }>(row.value).v : undefined;
    this.meta.set(key, { value, json });
    return value;
  }

  /** Writes only when the value changed. */
  set<K extends keyof MetaShape>(key: K, value: MetaShape[K]): void {
    const json = JSON.stringify({ v: value });
    if (this.meta.get(key)?.json === json) return;
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      json,
    );
    this.meta.set(key, { value, json });
  }

  config(): ObjectConfig {
    const c = this.get("config");
    if (!c) throw new Error("object is not initialised");
    return c;
  }

  // ---- runs ----

  run(id: string): RunRow | undefined {
    const hit = this.runs.get(id);
    if (hit) return { ...hit };
    const row = this.sql.exec<RunSql>("SELECT * FROM runs WHERE id = ?", id).toArray()[0];
    if (!row) return undefined;
    const run = toRun(row);
    this.runs.set(id, run);
    return { ...run };
  }

  insertRun(id: string, trigger: string): void {
    const createdAt = Date.now();
    this.sql.exec(
      "INSERT INTO runs (id, trigger, status, created_at) VALUES (?, ?, 'active', ?)",
      id,
      trigger,
      createdAt,
    );
    this.runs.set(id, {
      id,
      trigger,
      status: "active",
      steps: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      createdAt,
      endedAt: null,
    });
  }

  setRunStatus(id: string, status: RunRow["status"]): void {
    const terminal = status === "completed" || status === "failed" || status === "interrupted";
    const endedAt = terminal ? Date.now() : null;
    this.sql.exec("UPDATE runs SET status = ?, ended_at = ? WHERE id = ?", status, endedAt, id);
    const hit = this.runs.get(id);
    if (hit) this.runs.set(id, { ...hit, status, endedAt });
  }

  addRunUsage(id: string, usage: Usage, costUsd: number): void {
    this.sql.exec(
      `UPDATE runs SET steps = steps + 1, input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
         cache_read_tokens = cache_read_tokens + ?, cache_write_tokens = cache_write_tokens + ?,
         cost_usd = cost_usd + ? WHERE id = ?`,
      usage.inputTokens,
      usage.outputTokens,
      usage.cacheReadTokens,
      usage.cacheWriteTokens,
      costUsd,
      id,
    );
    const hit = this.runs.get(id);
    if (hit) {
      this.runs.set(id, {
        ...hit,
        steps: hit.steps + 1,
        inputTokens: hit.inputTokens + usage.inputTokens,
        outputTokens: hit.outputTokens + usage.outputTokens,
        cacheReadTokens: hit.cacheReadTokens + usage.cacheReadTokens,
        cacheWriteTokens: hit.cacheWriteTokens + usage.cacheWriteTokens,
        costUsd: hit.costUsd + costUsd,
      });
    }
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

  // ---- tool results ----

  toolResult(toolUseId: string): ToolResultRow | undefined {
    const r = this.sql
      .exec<{
        tool_use_id: string;
        run_id: string;
        name: string;
        content: string;
        is_error: number;
        ms: number;
        created_at: number;
      }>("SELECT * FROM tool_results WHERE tool_use_id = ?", toolUseId)
      .toArray()[0];
    return r
      ? {
          toolUseId: r.tool_use_id,
          runId: r.run_id,
          name: r.name,
          content: r.content,
          isError: r.is_error === 1,
          ms: r.ms,
          createdAt: r.created_at,
        }
      : undefined;
  }

  saveToolResult(row: ToolResultRow): void {
    this.sql.exec(
      `INSERT INTO tool_results (tool_use_id, run_id, name, content, is_error, ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      row.toolUseId,
      row.runId,
      row.name,
      row.content,
      row.isError ? 1 : 0,
      row.ms,
      row.createdAt,
    );
  }

  // ---- inbox ----

  inboxByClientId(clientId: string): InboxRow | undefined {
    const r = this.sql.exec<InboxSql>("SELECT * FROM inbox WHERE client_id = ?", clientId).toArray()[0];
    return r ? toInbox(r) : undefined;
  }

  enqueue(id: string, kind: InboxKind, payload: InboxPayload, clientId?: string): void {
    this.sql.exec(
      "INSERT INTO inbox (id, kind, payload, client_id, created_at) VALUES (?, ?, ?, ?, ?)",
      id,
      kind,
      JSON.stringify(payload),
      clientId ?? null,
      Date.now(),
    );
  }

  /** Everything waiting, oldest first (bounded: sends are rate-limited, tasks and reports capped). */
  pendingInboxRows(): InboxRow[] {
    return this.sql
      .exec<InboxSql>("SELECT * FROM inbox WHERE consumed_at IS NULL ORDER BY created_at, id")
      .toArray()
      .map(toInbox);
  }

  pendingInbox(kind?: InboxKind): number {
    return kind
      ? this.sql
          .exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE consumed_at IS NULL AND kind = ?", kind)
          .one().n
      : this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE consumed_at IS NULL").one().n;
  }

  /** Drops everything waiting (Stop all): consumed by no run. Returns how many were dropped. */
  cancelInbox(): number {
    return this.sql.exec("UPDATE inbox SET consumed_at = ? WHERE consumed_at IS NULL", Date.now())
      .rowsWritten;
  }

  consumeInbox(id: string, runId: string | null): void {
    this.sql.exec("UPDATE inbox SET consumed_at = ?, run_id = ? WHERE id = ?", Date.now(), runId, id);
  }

  /** Drops queued agent reports for these agents (a wait already delivered their results). */
  consumeReports(agentIds: string[], runId: string): void {
    if (!agentIds.length) return;
    const rows = this.sql
      .exec<InboxSql>("SELECT * FROM inbox WHERE consumed_at IS NULL AND kind = 'agent_report'")
      .toArray()
      .map(toInbox);
    for (const r of rows) if (agentIds.includes(r.payload.agentId ?? "")) this.consumeInbox(r.id, runId);
  }

  // ---- outbox (rows bound for D1) ----

  queueD1(kind: string, payload: unknown): void {
    this.sql.exec("INSERT INTO outbox (kind, payload) VALUES (?, ?)", kind, JSON.stringify(payload));
    this.outboxEmpty = false;
    this.outboxQueued++;
  }

  outbox(limit = 200): { id: number; kind: string; payload: unknown }[] {
    if (this.outboxEmpty) return [];
    const rows = this.sql
      .exec<{ id: number; kind: string; payload: Json }>("SELECT * FROM outbox ORDER BY id LIMIT ?", limit)
      .toArray();
    if (!rows.length) this.outboxEmpty = true;
    this.outboxWholeAt = rows.length < limit ? this.outboxQueued : -1;
    return rows.map((r) => ({ id: r.id, kind: r.kind, payload: parse<unknown>(r.payload) }));
  }

  /** Deletes sent rows; when they were the whole outbox and nothing was queued since, it's empty. */
  clearOutbox(uptoId: number): void {
    this.sql.exec("DELETE FROM outbox WHERE id <= ?", uptoId);
    if (this.outboxWholeAt === this.outboxQueued) this.outboxEmpty = true;
  }

  // ---- notifications (agent → orchestrator) ----

  queueNotice(payload: unknown): void {
    this.sql.exec("INSERT INTO notifications (payload) VALUES (?)", JSON.stringify(payload));
  }

  notices(limit = 100): { id: number; payload: unknown }[] {
    return this.sql
      .exec<{ id: number; payload: Json }>("SELECT id, payload FROM notifications ORDER BY id LIMIT ?", limit)
      .toArray()
      .map((r) => ({ id: r.id, payload: parse<unknown>(r.payload) }));
  }

  clearNotices(uptoId: number): void {
    this.sql.exec("DELETE FROM notifications WHERE id <= ?", uptoId);
  }
}
