// The RPC surface of the two Durable Object classes: exactly what Worker code (routes, the other
// object) may call. Everything else on the classes is protected and reached only from inside.
import type { EventsPage, MessageState, RunInfo, SearchResponse, SendMessageResult } from "../../schema/api";
import type { AgentSummary, ApprovalDecision, StreamEvent, StreamState, Totals } from "../../schema/events";
import type { D1Stats } from "../db/outbox";
import type { ObjectConfig } from "../db/store";
import type { Approval } from "../db/store-types";
import type { Decided } from "../loop/approvals";
import type { Refused } from "../loop/runner";
import type { AgentSpec } from "../tools/agent-spec";
import type { Activity } from "./activity";
import type { AgentInit, AgentSettings, NumberedNotice } from "./notices";
import type { SseDeltas } from "./watchers";

/** Both kinds: a stream to read and follow, and a conversation to send to. */
export interface StreamRpc {
  state(): StreamState;
  /** A page of history, parsed (tests and tools; the API uses eventsJson). */
  events(after: number, limit: number): EventsPage;
  /** The same page as the JSON text the API sends: stored rows spliced in, never parsed. */
  eventsJson(after: number, limit: number): string;
  /**
   * Server-Sent Events after `after`; `credential` ends the stream when it ends (§8); `deltas`
   * (default true): live text as `event: delta` messages (DESIGN §11).
   */
  sse(after: number, credential: string, deltas?: SseDeltas): ReadableStream<Uint8Array>;
  closeCredentials(credentials: string[]): number;
  send(text: string, clientId?: string): SendMessageResult;
  /** Diagnostics: D1 statements this instance sent, watchers, last seq. */
  stats(): {
    d1: D1Stats;
    watchers: { sockets: number; sse: number };
    lastSeq: number;
    /** Rows this instance has inserted, updated or deleted in its SQLite (since it started). */
    sqliteRows: number;
    /** How runs' first D1 reads were made: in a socket send's admission batch, or in one of their own. */
    firstReads: { ahead: number; own: number };
  };
  tail(n: number): StreamEvent[];
  runInfo(runId: string): RunInfo | null;
  runOfMessage(messageId: string): MessageState | null;
}

export type { Refused };

export type OrchestratorInit = Omit<ObjectConfig, "kind" | "orchestratorId">;
export type OrchestratorPatch = Partial<
  Pick<
    ObjectConfig,
    | "name"
    | "model"
    | "system"
    | "budgetUsd"
    | "archived"
    | "toolPolicy"
    | "thinking"
    | "approvalTimeoutSec"
    | "connectors"
  >
>;
export type Reservation = { refusal: string | null; account: boolean };

export interface OrchestratorRpc extends StreamRpc {
  init(init: OrchestratorInit): Promise<StreamState>;
  update(patch: OrchestratorPatch): Promise<void>;
  /** Pending approvals of the orchestrator and its agents. */
  listApprovals(): Approval[];
  decideApproval(approvalId: string, decision: ApprovalDecision, note?: string): Promise<Decided>;
  destroy(): Promise<void>;
  interrupt(opts?: { agents?: boolean }): Promise<{ run: boolean; agents: number }>;
  setAccountBudget(has: boolean): Promise<void>;
  sendMessage(text: string, clientId: string | undefined, accountBudget: boolean): Promise<SendMessageResult>;
  fileChanged(change: { path: string; size: number; by: string; deleted?: boolean }): Promise<void>;
  /** Cancels a queued message; "started" once a run took it in; null when unknown. */
  cancelMessage(messageId: string): Promise<MessageState | "started" | null>;
  editMessage(
    messageId: string,
    text: string,
    clientId: string | undefined,
    accountBudget: boolean,
  ): Promise<SendMessageResult | Refused>;
  regenerate(
    messageId: string,
    clientId: string | undefined,
    accountBudget: boolean,
  ): Promise<SendMessageResult | Refused>;
  retryRun(
    runId: string,
    clientId: string | undefined,
    accountBudget: boolean,
  ): Promise<SendMessageResult | Refused>;
  resume(accountBudget: boolean): Promise<{ runId: string | null; held: boolean }>;
  /** The conversation as Markdown or JSON (GET …/export). */
  exportConversation(format: "md" | "json"): ReadableStream<Uint8Array>;
  /** Where the conversation mentions a text (GET …/search). */
  search(query: string, limit: number): SearchResponse;
  agents(): AgentSummary[];
  agent(agentId: string): AgentSummary | null;
  messageAgent(
    agentId: string,
    text: string,
    clientId?: string,
  ): Promise<{ taskId: string } | { refused: string } | null>;
  /**
   * The user's own new agent (POST …/agents), under the same caps and unique names as create_agent;
   * exactly once per `key` (a retry with the same key returns the agent it made).
   */
  createAgent(
    key: string,
    spec: AgentSpec,
  ): Promise<
    { agent: AgentSummary } | { refused: { code: "agent_exists" | "too_many_agents"; message: string } }
  >;
  interruptAgent(agentId: string): Promise<boolean | null>;
  deleteAgent(agentId: string): Promise<boolean>;
  /** From agents: hold a model call's worst case against the team (and account) budget. */
  reserveForAgent(
    agentId: string,
    usd: number,
    reservationId: string,
    replaces: string | null,
  ): Promise<Reservation>;
  /** From agents: what they are doing now (at most every ~500 ms each; not retried). */
  agentActivity(agentId: string, activity: Activity): Promise<void>;
  /** From agents: their status, usage, file and completion notices, applied once each, in order. */
  agentNotices(agentId: string, notices: NumberedNotice[]): Promise<void>;
}

export interface AgentRpc extends StreamRpc {
  init(init: AgentInit): Promise<void>;
  startTask(
    taskId: string,
    text: string,
    stopGen?: number,
  ): Promise<{ accepted: boolean; queued: boolean; reason?: string }>;
  interrupt(opts?: { cancelQueued?: boolean; stopGen?: number }): Promise<boolean>;
  destroy(): Promise<{ totals: Totals } | null>;
  output(): { result: string | null; lastText: string | null };
  applySettings(settings: AgentSettings): Promise<void>;
  decideApproval(approvalId: string, decision: ApprovalDecision, note?: string): Promise<Decided>;
}
