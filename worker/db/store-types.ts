// The shapes of an object's own SQLite state: its config, the meta keys, and the rows of runs, the
// inbox and tool results, with the mappers from their SQL columns. store.ts reads and writes them.
import type Anthropic from "@anthropic-ai/sdk";
import type { ConnectorSnapshot } from "../../schema/connectors";
import type * as t from "../../schema/do";
import type { AgentStatus, AgentSummary, Totals, Usage } from "../../schema/events";
import type { TemplateDigest } from "./templates";

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
  /**
   * Connectors enabled on the orchestrator (DESIGN §10), with their tools; agents get a copy. No
   * secrets: a call reads the connector's row.
   */
  connectors?: ConnectorSnapshot[];
  /**
   * The orchestrator's tool policy (DESIGN §9); agents get a copy with their orchestrator's
   * settings when they start a task (the orchestrator passes it on).
   */
  toolPolicy?: Record<string, "allow" | "ask" | "deny">;
  /** Extended thinking for real Claude: off when absent. */
  thinking?: { type: "adaptive"; effort?: "low" | "medium" | "high" } | null;
  /** Pending approvals are denied by timeout after this many seconds (default 86,400). */
  approvalTimeoutSec?: number;
  /** Test and tuning overrides. */
  contextWindow?: number;
  maxSteps?: number;
  maxTokens?: number;
};

/** A run's row without the input it arrived with (runs.ts keeps that apart: only lookups read it). */
export type RunRow = Omit<typeof t.runs.$inferSelect, "input" | "clientId" | "messageId">;
export type InboxKind = "user" | "task" | "agent_report";
export type InboxPayload = {
  /** What the user wrote (shown in message.user), or a report's text. */
  text: string;
  messageId: string;
  agentId?: string;
  taskId?: string;
  /**
   * Said to the model before `text` in the same turn: what an edit replaces, or that a Regenerate
   * asks for a fresh answer (loop/resend.ts). Never shown as the user's words.
   */
  note?: string;
  /** An edit-and-resend of this earlier message. */
  edits?: string;
  /** A Regenerate of this earlier message's answer. */
  regenerates?: string;
  /** A Retry of this run: it adds nothing to the conversation, the model is called again. */
  retryOf?: string;
};

/** A call waiting for (or given) a person's decision (DESIGN §9). */
export type Approval = {
  approvalId: string;
  toolUseId: string;
  runId: string;
  name: string;
  input: unknown;
  status: "pending" | "approved" | "denied";
  requestedAt: number;
  expiresAt: number;
  decidedAt?: number;
  by?: "user" | "timeout" | "interrupt";
  note?: string;
  /** Set on an agent's approvals (and on the orchestrator's copies of them). */
  agentId?: string;
};

/** State kept under meta keys. Each key is read and written whole. */
export type MetaShape = {
  config: ObjectConfig;
  totals: Totals;
  contextTokens: number;
  /**
   * The assistant message that stopped with pause_turn (server tools mid-way): the run goes on by
   * sending it back as the last message, rather than ending there (DESIGN §9).
   */
  pausedTurn: string | null;
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
  /**
   * Calls of `once` tools (remote MCP) that were sent and have no result yet, by tool_use_id →
   * when sent. Written before the request leaves; one still here after a restart had its outcome
   * lost with the crash.
   */
  sentCalls: Record<string, number>;
  /** Approvals of this object's runs, by approval id (pending ones, and decided ones until the run ends). */
  approvals: Record<string, Approval>;
  /** Orchestrator: its agents' pending approvals (copies, for the list and the control room). */
  agentApprovals: Record<string, Approval>;
  /** Orchestrator: usage of agents that were deleted, so team totals never go down. */
  retiredTotals: Totals;
  /** Orchestrator: bumped by Stop all; agents refuse tasks issued before it. Agent: the latest seen. */
  stopGen: number;
  /** Agent: the current task and its result. */
  task: { taskId: string; text: string } | null;
  result: string | null;
  /** Consecutive runs started by agent reports, reset by user input (a runaway guard). */
  autoRuns: number;
  /**
   * Orchestrator: the user's agent templates as runs last read them, for the system prompt (read at
   * a run's first drive, so the prompt and its cache prefix stay the same throughout); written only
   * when the list changed, `runId` being the run that first saw it.
   */
  templates: { runId: string; list: TemplateDigest[] };
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

export type Json = string;
export const parse = <T>(json: Json): T => JSON.parse(json) as T;

/**
 * A meta row's stored JSON, or undefined. Values are wrapped (`{"v": …}`) so null is storable in
 * the NOT NULL JSON column.
 */
export const readMeta = (sql: SqlStorage, key: string): Json | undefined =>
  sql.exec<{ value: Json }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;

/** Writes a meta row's wrapped JSON (see readMeta). */
export function writeMeta(sql: SqlStorage, key: string, json: Json): void {
  sql.exec(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    key,
    json,
  );
}

export type RunSql = {
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
export type InboxSql = {
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

export const toRun = (r: RunSql): RunRow => ({
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
export const toInbox = (r: InboxSql): InboxRow => ({
  id: r.id,
  kind: r.kind,
  payload: parse<InboxPayload>(r.payload),
  clientId: r.client_id,
  runId: r.run_id,
  createdAt: r.created_at,
  consumedAt: r.consumed_at,
});

export type ToolResultSql = {
  tool_use_id: string;
  run_id: string;
  name: string;
  content: string;
  is_error: number;
  ms: number;
  created_at: number;
};
export const toToolResult = (r: ToolResultSql): ToolResultRow => ({
  toolUseId: r.tool_use_id,
  runId: r.run_id,
  name: r.name,
  content: r.content,
  isError: r.is_error === 1,
  ms: r.ms,
  createdAt: r.created_at,
});

/** Whether a run has ended (completed, failed or interrupted): it is neither active nor waiting. */
export const runOver = (status: RunRow["status"]): boolean =>
  status === "completed" || status === "failed" || status === "interrupted";

/** A run's row after one more billed step. */
export const withStepUsage = (r: RunRow, usage: Usage, costUsd: number): RunRow => ({
  ...r,
  steps: r.steps + 1,
  inputTokens: r.inputTokens + usage.inputTokens,
  outputTokens: r.outputTokens + usage.outputTokens,
  cacheReadTokens: r.cacheReadTokens + usage.cacheReadTokens,
  cacheWriteTokens: r.cacheWriteTokens + usage.cacheWriteTokens,
  costUsd: r.costUsd + costUsd,
});
