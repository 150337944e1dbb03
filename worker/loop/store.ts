// Typed access to an object's own SQLite: config and state (meta), runs, conversation, tool results,
// inbox and the D1 outbox. Every method is synchronous, so a checkpoint is one atomic step.
import type Anthropic from "@anthropic-ai/sdk";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
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
  /** Orchestrator: a run suspended in wait_for_agents. */
  waiting: { runId: string; toolUseId: string; names: string[]; deadline: number } | null;
  /** Agent: the current task and its result. */
  task: { taskId: string; text: string } | null;
  result: string | null;
  /** Consecutive runs started by agent reports, reset by user input (a runaway guard). */
  autoRuns: number;
  /** Orchestrator: its agents, live. */
  agents: AgentSummary[];
  /** Orchestrator: the last notice id applied per agent (notices are retried, so deduplicated). */
  noticeCursor: Record<string, number>;
};

export class Store {
  readonly db: DrizzleSqliteDODatabase<typeof t>;
  private readonly cache = new Map<string, unknown>();

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
    return this.storage.transactionSync(fn);
  }

  // ---- meta ----

  get<K extends keyof MetaShape>(key: K): MetaShape[K] | undefined {
    if (this.cache.has(key)) return this.cache.get(key) as MetaShape[K];
    const row = this.db.select().from(t.meta).where(eq(t.meta.key, key)).get();
    // Values are wrapped so null is storable in the NOT NULL JSON column.
    const value = (row?.value as { v: MetaShape[K] } | undefined)?.v;
    this.cache.set(key, value);
    return value;
  }

  set<K extends keyof MetaShape>(key: K, value: MetaShape[K]): void {
    this.db
      .insert(t.meta)
      .values({ key, value: { v: value } })
      .onConflictDoUpdate({ target: t.meta.key, set: { value: { v: value } } })
      .run();
    this.cache.set(key, value);
  }

  config(): ObjectConfig {
    const c = this.get("config");
    if (!c) throw new Error("object is not initialised");
    return c;
  }

  // ---- runs ----

  run(id: string): RunRow | undefined {
    return this.db.select().from(t.runs).where(eq(t.runs.id, id)).get();
  }

  insertRun(id: string, trigger: string): void {
    this.db.insert(t.runs).values({ id, trigger, status: "active", createdAt: Date.now() }).run();
  }

  setRunStatus(id: string, status: RunRow["status"]): void {
    const terminal = status === "completed" || status === "failed" || status === "interrupted";
    this.db
      .update(t.runs)
      .set({ status, endedAt: terminal ? Date.now() : null })
      .where(eq(t.runs.id, id))
      .run();
  }

  addRunUsage(id: string, usage: Usage, costUsd: number): void {
    this.db
      .update(t.runs)
      .set({
        steps: sql`${t.runs.steps} + 1`,
        inputTokens: sql`${t.runs.inputTokens} + ${usage.inputTokens}`,
        outputTokens: sql`${t.runs.outputTokens} + ${usage.outputTokens}`,
        cacheReadTokens: sql`${t.runs.cacheReadTokens} + ${usage.cacheReadTokens}`,
        cacheWriteTokens: sql`${t.runs.cacheWriteTokens} + ${usage.cacheWriteTokens}`,
        costUsd: sql`${t.runs.costUsd} + ${costUsd}`,
      })
      .where(eq(t.runs.id, id))
      .run();
  }

  // ---- conversation ----

  conversation(): { idx: number; role: Role; content: ContentBlock[]; messageId: string }[] {
    return this.db
      .select()
      .from(t.conversation)
      .orderBy(asc(t.conversation.idx))
      .all()
      .map((r) => ({
        idx: r.idx,
        role: r.role,
        content: r.content as ContentBlock[],
        messageId: r.messageId,
      }));
  }

  appendMessage(runId: string, messageId: string, role: Role, content: ContentBlock[]): void {
    this.db.insert(t.conversation).values({ runId, messageId, role, content, createdAt: Date.now() }).run();
  }

  /** Replaces conversation rows before `idx` with one summary turn (context compaction). */
  replacePrefix(beforeIdx: number, summary: ContentBlock[], runId: string): void {
    this.transaction(() => {
      this.db.delete(t.conversation).where(sql`${t.conversation.idx} < ${beforeIdx}`).run();
      // Summary takes the smallest index so it stays first.
      this.db
        .insert(t.conversation)
        .values({
          idx: beforeIdx - 1,
          runId,
          messageId: `summary_${beforeIdx}`,
          role: "user",
          content: summary,
          createdAt: Date.now(),
        })
        .run();
    });
  }

  // ---- tool results ----

  toolResult(toolUseId: string): typeof t.toolResults.$inferSelect | undefined {
    return this.db.select().from(t.toolResults).where(eq(t.toolResults.toolUseId, toolUseId)).get();
  }

  saveToolResult(row: typeof t.toolResults.$inferInsert): void {
    this.db.insert(t.toolResults).values(row).onConflictDoNothing().run();
  }

  // ---- inbox ----

  inboxByClientId(clientId: string): typeof t.inbox.$inferSelect | undefined {
    return this.db.select().from(t.inbox).where(eq(t.inbox.clientId, clientId)).get();
  }

  enqueue(id: string, kind: InboxKind, payload: InboxPayload, clientId?: string): void {
    this.db
      .insert(t.inbox)
      .values({ id, kind, payload, clientId: clientId ?? null, createdAt: Date.now() })
      .run();
  }

  nextInbox(): (typeof t.inbox.$inferSelect & { payload: InboxPayload }) | undefined {
    const row = this.db
      .select()
      .from(t.inbox)
      .where(isNull(t.inbox.consumedAt))
      .orderBy(asc(t.inbox.createdAt), asc(t.inbox.id))
      .limit(1)
      .get();
    return row as (typeof t.inbox.$inferSelect & { payload: InboxPayload }) | undefined;
  }

  pendingInbox(): number {
    return this.db.select({ n: count() }).from(t.inbox).where(isNull(t.inbox.consumedAt)).get()?.n ?? 0;
  }

  consumeInbox(id: string, runId: string | null): void {
    this.db.update(t.inbox).set({ consumedAt: Date.now(), runId }).where(eq(t.inbox.id, id)).run();
  }

  /** Drops queued agent reports for these agents (a wait already delivered their results). */
  consumeReports(agentIds: string[], runId: string): void {
    if (!agentIds.length) return;
    const rows = this.db
      .select()
      .from(t.inbox)
      .where(and(isNull(t.inbox.consumedAt), eq(t.inbox.kind, "agent_report")))
      .all();
    const ids = rows
      .filter((r) => agentIds.includes((r.payload as InboxPayload).agentId ?? ""))
      .map((r) => r.id);
    if (ids.length) {
      this.db.update(t.inbox).set({ consumedAt: Date.now(), runId }).where(inArray(t.inbox.id, ids)).run();
    }
  }

  // ---- outbox (rows bound for D1) ----

  queueD1(kind: string, payload: unknown): void {
    this.db.insert(t.outbox).values({ kind, payload }).run();
  }

  outbox(limit = 200): { id: number; kind: string; payload: unknown }[] {
    return this.db.select().from(t.outbox).orderBy(asc(t.outbox.id)).limit(limit).all();
  }

  clearOutbox(uptoId: number): void {
    this.db.delete(t.outbox).where(sql`${t.outbox.id} <= ${uptoId}`).run();
  }

  // ---- notifications (agent → orchestrator) ----

  queueNotice(payload: unknown): void {
    this.db.insert(t.notifications).values({ payload }).run();
  }

  notices(limit = 100): { id: number; payload: unknown }[] {
    return this.db.select().from(t.notifications).orderBy(asc(t.notifications.id)).limit(limit).all();
  }

  clearNotices(uptoId: number): void {
    this.db.delete(t.notifications).where(sql`${t.notifications.id} <= ${uptoId}`).run();
  }
}
