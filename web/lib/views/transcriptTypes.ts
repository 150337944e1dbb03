// The transcript's shapes (what the chat renders), apart from the fold that builds them
// (transcript.ts), so the helpers the fold uses (transcriptQueue.ts) can share them.
import type { Citation, Usage } from "../../../schema/events";
import type { ApprovalView } from "./approvals";

export type ToolBlock = {
  kind: "tool";
  toolUseId: string;
  name: string;
  input: unknown;
  /** started: the model is writing the call; running: called, awaiting the result. */
  status: "started" | "running" | "done" | "error";
  result: string | null;
  ms: number | null;
  truncated: boolean;
  /** A server tool (web search, fetch, code execution): run by the API inside the response. */
  server: boolean;
};
export type TextBlock = { kind: "text" | "thinking"; index: number; text: string };
export type Block = TextBlock | ToolBlock;

export type UserItem = {
  kind: "user";
  key: string;
  messageId: string;
  text: string;
  clientId: string | null;
  ts: number;
  /** An edit-and-resend of this earlier message. */
  edits: string | null;
  /** A Regenerate: the same text as this earlier message, answered again. */
  regenerates: string | null;
  /** The message that replaced this one by an edit, once there is one. */
  editedBy: string | null;
};
/** A queued message cancelled before it ran: the model never saw it. */
export type CancelledItem = { kind: "cancelled"; key: string; messageId: string; text: string; ts: number };
/** An agent's report: waiting for the user's next message (held), or handed to the orchestrator. */
export type ReportItem = {
  kind: "report";
  key: string;
  agentId: string;
  name: string;
  result: string;
  /** queued: held by a Stop until the next message; delivered: a run took it in. */
  state: "queued" | "delivered";
  /** delivered with the user's message rather than starting a run of its own */
  withMessage: boolean;
  ts: number;
};
export type AssistantItem = {
  kind: "assistant";
  key: string;
  messageId: string;
  model: string;
  blocks: Block[];
  streaming: boolean;
  usage: Usage | null;
  costUsd: number | null;
  stopReason: string | null;
  /** The sources its text cites, numbered in order (message.completed). */
  citations: Citation[];
  ts: number;
};
export type NoticeItem = {
  kind: "notice";
  key: string;
  tone: "info" | "warning" | "error";
  title: string;
  detail: string | null;
  /** The error code behind it, when there is one (budget_exceeded links to the settings). */
  code?: string;
  ts: number;
};
/** A tool call waiting for (or given) the user's decision, where it was asked. */
export type ApprovalItem = { kind: "approval"; key: string; approval: ApprovalView; ts: number };
export type TurnItem = {
  kind: "turn";
  key: string;
  runId: string;
  trigger: string;
  /** The user message (or task) the run took as its input. */
  messageId: string | null;
  /** A Retry of that earlier run. */
  retryOf: string | null;
  outcome: "completed" | "failed" | "interrupted";
  usage: Usage | null;
  costUsd: number | null;
  ms: number;
  ts: number;
};
export type TranscriptItem =
  | UserItem
  | AssistantItem
  | NoticeItem
  | TurnItem
  | ApprovalItem
  | CancelledItem
  | ReportItem;

export type RunPhase = "idle" | "waiting_model" | "thinking" | "writing" | "tool" | "retrying";

export type Transcript = {
  items: readonly TranscriptItem[];
  /** messageId / toolUseId → index into items, to find what a delta belongs to in O(1). */
  messageIndex: ReadonlyMap<string, number>;
  toolMessage: ReadonlyMap<string, string>;
  activeRun: {
    runId: string;
    trigger: string;
    startedAt: number;
    messageId: string | null;
    retryOf: string | null;
  } | null;
  /**
   * Messages sent while busy (or held by a Stop) that no run has taken in yet, oldest first: they
   * are shown apart, where they will run, and can be cancelled.
   */
  queued: readonly UserItem[];
  /** The latest report of each agent (agent.completed), for the card a run that takes it shows. */
  reports: ReadonlyMap<string, { result: string; ts: number }>;
  phase: RunPhase;
  /** Client ids of user messages the server has recorded, to retire optimistic copies. */
  seenClientIds: ReadonlySet<string>;
  /** Stopped by the user: queued messages and agent reports wait for the next message (inbox.held). */
  held: boolean;
  /** The hold's notice, kept until the stopped run's divider is down so it lands below it. */
  heldNotice: NoticeItem | null;
  /** Agent names from agent.created, to say whose report is waiting. */
  agentNames: ReadonlyMap<string, string>;
  lastSeq: number;
};

export const emptyTranscript = (): Transcript => ({
  items: [],
  messageIndex: new Map(),
  toolMessage: new Map(),
  activeRun: null,
  queued: [],
  reports: new Map(),
  phase: "idle",
  seenClientIds: new Set(),
  held: false,
  heldNotice: null,
  agentNames: new Map(),
  lastSeq: 0,
});
