// The stream event protocol (DESIGN §4), shared by the Worker and the web app.
import { z } from "zod";
import { RUN_FAILURE_CODES, type SocketErrorCode } from "./errors";

export { WS_CLOSE, type WsCloseCode } from "./errors";

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  /** Server tools, billed per request / by container time (DESIGN §9); absent when none ran. */
  webSearchRequests: z.number().int().nonnegative().optional(),
  webFetchRequests: z.number().int().nonnegative().optional(),
  codeExecutionSeconds: z.number().nonnegative().optional(),
});
export type Usage = z.infer<typeof usageSchema>;

export const totalsSchema = usageSchema.extend({ costUsd: z.number().nonnegative() });
export type Totals = z.infer<typeof totalsSchema>;

export const zeroUsage = (): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});
export const zeroTotals = (): Totals => ({ ...zeroUsage(), costUsd: 0 });

export const agentStatusSchema = z.enum([
  "idle",
  "executing",
  "waiting",
  "complete",
  "failed",
  "interrupted",
]);
export type AgentStatus = z.infer<typeof agentStatusSchema>;

export const agentSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  instructions: z.string(),
  tools: z.array(z.string()).nullable(),
  status: agentStatusSchema,
  note: z.string().nullable(),
  task: z.string().nullable(),
  result: z.string().nullable(),
  totals: totalsSchema,
  /** Input tokens of the agent's latest call: how full its context window is. */
  contextTokens: z.number().int().nonnegative(),
  contextWindow: z.number().int().positive(),
  createdAt: z.number(),
});
export type AgentSummary = z.infer<typeof agentSummarySchema>;

export const citationSchema = z.object({
  url: z.string(),
  title: z.string().nullable(),
  citedText: z.string().optional(),
});
export type Citation = z.infer<typeof citationSchema>;

export const approvalDecisionSchema = z.enum(["approve", "deny"], {
  error: (issue) => (issue.input === undefined ? "is required" : 'must be "approve" or "deny"'),
});
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/** A call waiting for (or given) a person's decision (DESIGN §9), as the API and frames show it. */
export const approvalInfoSchema = z.object({
  approvalId: z.string(),
  toolUseId: z.string(),
  name: z.string(),
  input: z.unknown(),
  status: z.enum(["pending", "approved", "denied"]),
  requestedAt: z.number(),
  expiresAt: z.number(),
  decidedAt: z.number().optional(),
  by: z.enum(["user", "timeout", "interrupt"]).optional(),
  note: z.string().optional(),
  /** The agent whose call it is; absent for the orchestrator's own. */
  agentId: z.string().optional(),
  runId: z.string(),
});
export type ApprovalInfo = z.infer<typeof approvalInfoSchema>;

export const runTriggerSchema = z.enum(["user", "task", "agent_report", "resume"]);
/** Why a run failed: `code` is one of RUN_FAILURES (schema/errors.ts). */
export const errorInfoSchema = z.object({
  code: z.enum(RUN_FAILURE_CODES).describe("the codes sent today; more may be added"),
  message: z.string(),
});

const e = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

const deltaOffset = z.number().int().nonnegative().optional();

/** Event payloads, without the envelope. */
export const eventBodySchema = z.discriminatedUnion("type", [
  e("run.started", {
    runId: z.string(),
    trigger: runTriggerSchema,
    /** Agents whose queued reports this run took in with its input (ids). */
    reports: z.array(z.string()).optional(),
    /** The user message (or agent task) this run took as its input; absent for reports alone and retries. */
    messageId: z.string().optional(),
    /**
     * A Retry of that earlier run, which failed or was stopped: the model is called again on the
     * conversation as it stands, with no new message.
     */
    retryOf: z.string().optional(),
  }),
  e("run.completed", { runId: z.string(), usage: usageSchema, costUsd: z.number() }),
  e("run.failed", { runId: z.string(), error: errorInfoSchema }),
  e("run.interrupted", { runId: z.string() }),
  /**
   * The user stopped the orchestrator (held) and it starts nothing on its own until their next
   * message (released); agent reports queue meanwhile (DESIGN §8).
   */
  e("inbox.held", { held: z.boolean(), queuedReports: z.number().int().nonnegative() }),
  e("message.user", {
    messageId: z.string(),
    text: z.string(),
    clientId: z.string().optional(),
    /** An edit-and-resend: this message replaces that earlier one (which stays in the history). */
    edits: z.string().optional(),
    /** A Regenerate: the same text as that earlier message, answered again. */
    regenerates: z.string().optional(),
  }),
  /** A queued message was cancelled before any run took it in: it never reaches the model. */
  e("message.cancelled", { messageId: z.string() }),
  e("message.started", {
    messageId: z.string(),
    model: z.string(),
    /** The prompt side of the bill as message_start reports it (output follows in message.completed). */
    usage: usageSchema.optional(),
  }),
  /**
   * Text of a content block, coalesced (DESIGN §11): one event covers the text streamed since the
   * block's previous one, logged every ~100 ms or 2 KB (10 s or 4 KB while every watcher renders
   * `delta` frames) and before any other event (a block's last text just before the event that
   * follows its end). `offset`: characters
   * (UTF-16 code units, JavaScript's string length) of that block before this text; absent in logs
   * written before the overlay existed, where every event simply follows the previous one.
   */
  e("text.delta", { messageId: z.string(), index: z.number().int(), text: z.string(), offset: deltaOffset }),
  e("thinking.delta", {
    messageId: z.string(),
    index: z.number().int(),
    text: z.string(),
    offset: deltaOffset,
  }),
  e("tool.started", {
    messageId: z.string(),
    toolUseId: z.string(),
    name: z.string(),
    /** A server tool (web_search, web_fetch, code_execution): run by the API inside the response. */
    server: z.boolean().optional(),
  }),
  e("tool.called", {
    toolUseId: z.string(),
    name: z.string(),
    input: z.unknown(),
    server: z.boolean().optional(),
  }),
  e("tool.result", {
    toolUseId: z.string(),
    isError: z.boolean(),
    content: z.string(),
    ms: z.number(),
    truncated: z.boolean().optional(),
    server: z.boolean().optional(),
  }),
  e("message.completed", {
    messageId: z.string(),
    stopReason: z.string(),
    usage: usageSchema,
    costUsd: z.number(),
    /** Sources the text cites (web search and fetch results), numbered in order. */
    citations: z.array(citationSchema).optional(),
  }),
  /**
   * A tool whose policy is `ask` waits for the user (DESIGN §9). Agents' approvals appear on their
   * own stream and on the orchestrator's (with agentId).
   */
  e("approval.requested", {
    approvalId: z.string(),
    toolUseId: z.string(),
    name: z.string(),
    input: z.unknown(),
    agentId: z.string().optional(),
    /** When it is denied by timeout if nobody answers (ms since epoch). */
    expiresAt: z.number().optional(),
  }),
  e("approval.resolved", {
    approvalId: z.string(),
    decision: approvalDecisionSchema,
    note: z.string().optional(),
    by: z.enum(["user", "timeout", "interrupt"]),
    agentId: z.string().optional(),
  }),
  e("llm.retry", { attempt: z.number().int(), delayMs: z.number(), reason: z.string() }),
  e("context.compacted", {
    messagesBefore: z.number().int(),
    tokensBefore: z.number().int(),
    /** The summary call's own usage and cost (billed like any call). */
    usage: usageSchema.optional(),
    costUsd: z.number().optional(),
  }),
  e("agent.created", { agent: agentSummarySchema }),
  e("agent.status", { agentId: z.string(), status: agentStatusSchema, note: z.string().optional() }),
  e("agent.usage", { agentId: z.string(), totals: totalsSchema, contextTokens: z.number().int() }),
  e("agent.completed", { agentId: z.string(), result: z.string() }),
  e("agent.deleted", { agentId: z.string() }),
  /** What an agent is doing now (at most every ~500 ms): its current tool call, or its latest line. */
  e("agent.activity", {
    agentId: z.string(),
    kind: z.enum(["tool", "text"]),
    name: z.string().optional(),
    summary: z.string(),
  }),
  e("file.changed", {
    path: z.string(),
    size: z.number().int(),
    by: z.string(),
    deleted: z.boolean().optional(),
  }),
  e("usage.updated", { totals: totalsSchema, contextTokens: z.number().int() }),
]);
export type EventBody = z.infer<typeof eventBodySchema>;
export type EventType = EventBody["type"];

export const envelopeSchema = z.object({
  stream: z.string(),
  seq: z.number().int().positive(),
  ts: z.number(),
});

export const streamEventSchema = z.intersection(envelopeSchema, eventBodySchema);
export type StreamEvent = z.infer<typeof envelopeSchema> & EventBody;
export type EventOf<T extends EventType> = z.infer<typeof envelopeSchema> & Extract<EventBody, { type: T }>;

export const TERMINAL_RUN_EVENTS = ["run.completed", "run.failed", "run.interrupted"] as const;
export const isTerminalRunEvent = (ev: { type: string }): boolean =>
  (TERMINAL_RUN_EVENTS as readonly string[]).includes(ev.type);

/** Snapshot sent in the WebSocket `ready` frame: what a fresh client needs before replay. */
export const streamStateSchema = z.object({
  stream: z.string(),
  kind: z.enum(["orchestrator", "agent"]),
  name: z.string(),
  model: z.string(),
  simulated: z.boolean(),
  status: agentStatusSchema,
  activeRunId: z.string().nullable(),
  queued: z.number().int(),
  /** Orchestrators: stopped by the user; reports wait for the next message (see inbox.held). */
  held: z.boolean().optional(),
  queuedReports: z.number().int().optional(),
  /** Approvals waiting for the user (orchestrators: its own and its agents'). */
  pendingApprovals: z.number().int().optional(),
  totals: totalsSchema,
  contextTokens: z.number().int(),
  contextWindow: z.number().int(),
  agents: z.array(agentSummarySchema).optional(),
});
export type StreamState = z.infer<typeof streamStateSchema>;

// ---- WebSocket frames (DESIGN §4) ----

/**
 * What a person (or script) sends a model: not empty and not only whitespace — the Messages API
 * refuses blank text blocks, so such a message could only fail its run.
 */
export const messageText = z
  .string()
  .min(1, "must not be empty")
  .max(100_000)
  .refine((s) => s.trim().length > 0, "must not be only whitespace");

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("resume"),
    after: z.number().int().nonnegative(),
    /**
     * The client renders `delta` frames (DESIGN §11). While every watcher says so, the object may
     * log text less often (LIVE_TEXT.renderedFlushMs / renderedFlushChars): nobody waits on the
     * log for it.
     */
    deltas: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("send"),
    text: messageText,
    clientId: z.string().min(1).max(128).optional(),
  }),
  z.object({ type: z.literal("interrupt"), agents: z.boolean().optional() }),
  z.object({
    type: z.literal("approve"),
    approvalId: z.string().min(1).max(100),
    decision: approvalDecisionSchema,
    note: z.string().max(2000).optional(),
  }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/**
 * Token text ahead of the log (DESIGN §11): sent at once while a block streams, never logged, no seq.
 * `offset` is the block's length before `text` (UTF-16 code units); the log's coalesced
 * `text.delta`/`thinking.delta` events carry the same text at the same offsets a little later. A
 * client shows the logged text and, past its end, what delta frames add; when the message is logged
 * as completed the logged text is the whole of it (after a crash, any live text beyond it is
 * retracted).
 */
export type DeltaFrame = {
  type: "delta";
  stream: string;
  messageId: string;
  index: number;
  kind: "text" | "thinking";
  offset: number;
  text: string;
};

/** Server → client frames; the zod form (for the OpenAPI document) is serverFrameSchema in api-responses.ts. */
export type ServerFrame =
  | { type: "ready"; state: StreamState; lastSeq: number }
  | DeltaFrame
  | { type: "event"; event: StreamEvent }
  | { type: "events"; events: StreamEvent[] }
  /** `code`: SOCKET_ERRORS in schema/errors.ts. `frame`: the type of the client frame refused, when the error answers one (resume, send…). */
  | { type: "error"; code: SocketErrorCode; message: string; frame?: ClientFrame["type"] }
  | { type: "sent"; messageId: string; runId: string | null; queued: boolean; clientId?: string }
  /** Answers an `approve` frame with the approval as decided. */
  | { type: "approval"; approval: ApprovalInfo }
  | { type: "pong" };
