// Public HTTP API answers (DESIGN §3): the response shapes the web app and scripts read, and the
// WebSocket's server frames in zod form. The OpenAPI document names them as components
// (worker/api/routes.ts). Responses may gain fields; clients must not reject ones they don't know.
import { z } from "zod";
import { API_ERROR_CODES, SOCKET_ERROR_CODES } from "./errors";
import {
  agentSummarySchema,
  approvalInfoSchema,
  type ServerFrame,
  streamEventSchema,
  streamStateSchema,
  totalsSchema,
  usageSchema,
} from "./events";
import type { ModelInfo } from "./models";
import { thinkingSchema, toolPolicySchema } from "./settings";

// ---- Tools and approvals (DESIGN §9) ----

export const toolInfoSchema = z.object({
  name: z.string(),
  kind: z.enum(["workspace", "orchestrator", "server", "mcp"]),
  description: z.string(),
  defaultPolicy: z.enum(["allow", "ask", "deny"]),
  /** The policies it can have: server tools run inside the response, so they can't ask. */
  policies: z.array(z.enum(["allow", "ask", "deny"])),
});
export type ToolInfo = z.infer<typeof toolInfoSchema>;
export const toolCatalogue = z.object({ tools: z.array(toolInfoSchema) });
export const approvalList = z.object({ approvals: z.array(approvalInfoSchema) });

/** What became of one run (GET …/runs/{runId}). */
export const runInfoSchema = z.object({
  runId: z.string(),
  trigger: z.string(),
  status: z.enum(["active", "waiting", "completed", "failed", "interrupted"]),
  /** The text of the last assistant message the run wrote (its answer, once it ends). */
  text: z.string(),
  usage: usageSchema,
  costUsd: z.number(),
  steps: z.number().int(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

/** Where a sent message stands (GET …/messages/{messageId}). */
export const messageStateSchema = z.object({
  messageId: z.string(),
  runId: z.string().nullable(),
  state: z.enum(["queued", "taken", "cancelled"]),
});
export type MessageState = z.infer<typeof messageStateSchema>;

// ---- System ----

export const healthResponse = z.object({
  ok: z.boolean(),
  service: z.literal("baton"),
  llm: z.enum(["anthropic", "simulator"]),
  dbMs: z.number(),
  time: z.string(),
});
export const modelSchema = z.object({
  id: z.string(),
  label: z.string(),
  input: z.number().describe("USD per million input tokens"),
  output: z.number().describe("USD per million output tokens"),
  cacheWrite: z.number().describe("USD per million 5-minute cache-write tokens"),
  cacheRead: z.number().describe("USD per million cache-read tokens"),
  contextWindow: z.number().int(),
  maxOutput: z.number().int(),
  thinking: z.enum(["adaptive", "budget"]).describe("how extended thinking is asked for"),
}) satisfies z.ZodType<ModelInfo>;
export const modelsResponse = z.object({
  models: z.array(modelSchema),
  defaults: z.object({ orchestrator: z.string(), agent: z.string() }),
});

// ---- Accounts and tokens ----

export const meResponse = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    createdAt: z.number(),
    budgetUsd: z.number().nullable(),
    defaultModel: z.string().nullable(),
  }),
  via: z.enum(["session", "token"]),
  llm: z
    .enum(["anthropic", "simulator"])
    .describe("who answers your model calls: Claude (with your key or the server's) or the simulator"),
  anthropicKey: z
    .object({
      last4: z.string().describe("the key's last 4 characters; the key itself is never returned"),
      setAt: z.number(),
    })
    .nullable()
    .describe("your own Anthropic API key, if you set one (PUT /api/me/anthropic-key)"),
});
export type Me = z.infer<typeof meResponse>;
/** Whether the request is signed in, without a 401 when it isn't (what the web app asks first). */
export const sessionResponse = z.object({
  me: meResponse.nullable().describe("you, or null when the request carries no valid credential"),
});

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
});
export type ApiToken = z.infer<typeof tokenSchema>;
/** Returned once, at creation: the only time the secret is shown. */
export const createdTokenSchema = tokenSchema.extend({ secret: z.string() });
export const tokenList = z.object({ tokens: z.array(tokenSchema) });
export const streamTicketSchema = z.object({
  ticket: z.string().describe("`bst_…`: pass as `?ticket=` on one …/stream or …/ws request"),
  expiresAt: z.number().describe("Unix ms; a ticket lives 60 s and is good once"),
});

// ---- Orchestrators ----

export const orchestratorSchema = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  systemPrompt: z.string().nullable(),
  budgetUsd: z.number().nullable(),
  status: z.enum(["active", "archived"]),
  simulated: z
    .boolean()
    .describe(
      "whether the simulator answers its calls now: you set no Anthropic key and the server has none",
    ),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastActivityAt: z.number().nullable(),
  totals: totalsSchema,
  /** Tool → allow/ask/deny; tools not listed take their default (GET /api/tools). */
  toolPolicy: toolPolicySchema,
  thinking: thinkingSchema,
  approvalTimeoutSec: z.number().int(),
  /** Ids of the connectors whose MCP tools it and its agents get (DESIGN §10); [] when absent. */
  connectors: z.array(z.string()).default([]),
});
export type OrchestratorInfo = z.infer<typeof orchestratorSchema>;
export const orchestratorList = z.object({ orchestrators: z.array(orchestratorSchema) });

export const sendMessageResponse = z.object({
  messageId: z.string(),
  runId: z.string().nullable(),
  queued: z.boolean(),
});
export type SendMessageResult = z.infer<typeof sendMessageResponse>;
export const interruptResponse = z.object({
  run: z.boolean().describe("whether a running turn was stopped"),
  agents: z.number().int().describe("how many agents were interrupted"),
});

/** POST …/resume: what the released hold started (null: nothing waited, or a run is going). */
export const resumeResponse = z.object({
  runId: z.string().nullable(),
  held: z.boolean().describe("always false after a resume"),
});

// ---- Conversation export (GET …/export?format=json) ----

const exportTool = z.object({
  toolUseId: z.string(),
  name: z.string(),
  input: z.unknown(),
  /** The result, cut to a few thousand characters (`clipped`); null if it never came. */
  result: z.string().nullable(),
  isError: z.boolean(),
  clipped: z.boolean(),
  server: z.boolean(),
});
export const exportEntrySchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("user"),
    messageId: z.string(),
    ts: z.number(),
    text: z.string(),
    edits: z.string().optional().describe("an edit-and-resend of this earlier message"),
    regenerates: z.string().optional().describe("the same text as this earlier message, answered again"),
  }),
  z.object({
    type: z.literal("cancelled"),
    messageId: z.string(),
    ts: z.number(),
    text: z.string().describe("a queued message cancelled before it ran: the model never saw it"),
  }),
  z.object({
    type: z.literal("assistant"),
    messageId: z.string(),
    ts: z.number(),
    model: z.string(),
    text: z.string(),
    tools: z.array(exportTool),
    stopReason: z.string().nullable(),
    usage: usageSchema.nullable(),
    costUsd: z.number().nullable(),
  }),
  z.object({
    type: z.literal("report"),
    agentId: z.string(),
    agent: z.string().describe("the agent's name"),
    ts: z.number(),
    result: z.string(),
  }),
  z.object({
    type: z.literal("run"),
    runId: z.string(),
    ts: z.number(),
    trigger: z.string(),
    outcome: z.enum(["completed", "failed", "interrupted"]),
    retryOf: z.string().optional(),
    usage: usageSchema.nullable(),
    costUsd: z.number().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
]);
export type ExportEntry = z.infer<typeof exportEntrySchema>;
export const conversationExportSchema = z.object({
  orchestrator: z.object({ id: z.string(), name: z.string(), model: z.string() }),
  exportedAt: z.number(),
  /** Oldest first: what was said, what the tools did, what agents reported and how each run ended. */
  entries: z.array(exportEntrySchema),
  /** The orchestrator's and all its agents' usage, as on every other surface. */
  totals: totalsSchema,
});
export type ConversationExport = z.infer<typeof conversationExportSchema>;

// ---- Conversation search (GET …/search?q=) ----

export const searchMatchSchema = z.object({
  type: z
    .enum(["user", "cancelled", "assistant", "tool", "report"])
    .describe("what matched: a message of yours, the orchestrator's text, a tool call, an agent's report"),
  ts: z.number(),
  messageId: z
    .string()
    .optional()
    .describe("the message (yours, or the orchestrator's that made the tool call)"),
  toolUseId: z.string().optional(),
  tool: z.string().optional().describe("the tool's name"),
  agentId: z.string().optional(),
  agent: z.string().optional().describe("the reporting agent's name"),
  snippet: z.string().describe("up to ~160 characters around the first occurrence, on one line"),
  /** Where the query starts in `snippet` (UTF-16 code units), for highlighting. */
  at: z.number().int().nonnegative(),
  occurrences: z.number().int().positive().describe("how often the query occurs in this entry"),
});
export type SearchMatch = z.infer<typeof searchMatchSchema>;
export const searchResponse = z.object({
  query: z.string(),
  matches: z.array(searchMatchSchema),
  /** More entries matched than `limit`; narrow the query or raise the limit. */
  truncated: z.boolean(),
});
export type SearchResponse = z.infer<typeof searchResponse>;

export const eventsResponse = z.object({
  events: z.array(streamEventSchema),
  lastSeq: z.number().int(),
  hasMore: z.boolean(),
});
export type EventsPage = z.infer<typeof eventsResponse>;

// ---- Agents ----

export const agentList = z.object({ agents: z.array(agentSummarySchema) });
export const agentTaskResponse = z.object({ agentId: z.string(), taskId: z.string() });
export const agentInterruptResponse = z.object({ interrupted: z.boolean() });

// ---- Agent templates ----

export const templateSchema = z.object({
  id: z.string(),
  name: z.string().describe("unique per user; create_agent and POST …/agents name it as `template`"),
  description: z.string().nullable().describe("what the orchestrator is told the template is for"),
  instructions: z.string(),
  model: z.string().nullable().describe("null: the default agent model"),
  tools: z.array(z.string()).nullable().describe("null: every workspace tool"),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type AgentTemplate = z.infer<typeof templateSchema>;
export const templateList = z.object({ templates: z.array(templateSchema).describe("by name") });

// ---- Files ----

export const fileInfoSchema = z.object({
  path: z.string(),
  size: z.number().int(),
  version: z.number().int(),
  updatedBy: z.string(),
  updatedAt: z.number(),
});
export type FileInfo = z.infer<typeof fileInfoSchema>;
export const filesPageSchema = z.object({
  files: z.array(fileInfoSchema).describe("by path"),
  nextCursor: z.string().nullable().describe("pass as ?cursor= for the next page; null on the last page"),
});
export type FilesPage = z.infer<typeof filesPageSchema>;
export const fileSchema = fileInfoSchema.extend({ content: z.string() });
export const fileList = filesPageSchema;
export type FileContent = z.infer<typeof fileSchema>;
/** One entry of a file's history (GET …/file-versions/{path}). */
export const fileVersionSchema = z.object({
  version: z.number().int(),
  size: z.number().int().describe("bytes; 0 for a deletion"),
  updatedBy: z.string().describe('who wrote this version ("user" or an agent), or deleted the file'),
  updatedAt: z.number().describe("when, in ms since the epoch"),
  deleted: z.boolean().describe("this version is the file's deletion: it has no content"),
  current: z.boolean().describe("the file's current version"),
});
export type FileVersion = z.infer<typeof fileVersionSchema>;
export const fileHistorySchema = z.object({
  path: z.string(),
  current: z.number().int().nullable().describe("the current version; null when the file is deleted"),
  versions: z.array(fileVersionSchema).describe("newest first"),
});
export type FileHistoryInfo = z.infer<typeof fileHistorySchema>;
export const fileSearchMatch = z.object({
  path: z.string(),
  line: z.number().int().nullable().describe("1-based; null when the path itself matches"),
  text: z.string().describe("the line, cut to 200 characters (the path for a path match)"),
});
export type FileSearchMatch = z.infer<typeof fileSearchMatch>;
export const fileSearchResponse = z.object({
  matches: z.array(fileSearchMatch).describe("by path, then line; at most 50"),
  note: z
    .string()
    .nullable()
    .describe("why the search stopped early (a bound), or that there are more matches; null when complete"),
  after: z
    .string()
    .nullable()
    .describe("when it stopped at a bound: search again with ?after= this to go on"),
});
export type FileSearchResult = z.infer<typeof fileSearchResponse>;

// ---- Usage ----

export const usageResponse = z.object({
  groupBy: z.enum(["day", "model", "orchestrator"]),
  rows: z.array(
    totalsSchema.extend({ key: z.string(), label: z.string().optional(), calls: z.number().int() }),
  ),
  totals: totalsSchema,
});
export type UsageReport = z.infer<typeof usageResponse>;

// ---- Errors and server frames ----

/** Every 4xx/5xx body; `code` is one of API_ERRORS (schema/errors.ts). */
export const errorResponse = z.object({
  error: z.object({
    code: z
      .enum(API_ERROR_CODES)
      .describe("the codes sent today; more may be added: treat an unknown one by its status"),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/**
 * Token text ahead of the log (DESIGN §11): a WebSocket frame, and the data of an SSE `event: delta`
 * message (which has no `id:`: it is not an event and never moves the resume point).
 */
export const deltaFrameSchema = z
  .object({
    type: z.literal("delta"),
    stream: z.string(),
    messageId: z.string(),
    index: z.number().int(),
    kind: z.enum(["text", "thinking"]),
    offset: z.number().int().nonnegative(),
    text: z.string(),
  })
  .describe(
    "Token text ahead of the log, sent at once and never logged (no seq). `offset`: the block's length " +
      "before `text`, in UTF-16 code units. The log's coalesced text.delta / thinking.delta events carry the " +
      "same text at the same offsets a little later: show each character once, placed by offset. When " +
      "message.completed is logged, the logged text is the whole block: drop any live text beyond it " +
      "(after a crash, text that never reached the log).",
  );

/** Server → client WebSocket frames (DESIGN §4), checked against the ServerFrame type. */
export const serverFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), state: streamStateSchema, lastSeq: z.number().int() }),
  z.object({ type: z.literal("event"), event: streamEventSchema }),
  z.object({ type: z.literal("events"), events: z.array(streamEventSchema) }),
  deltaFrameSchema,
  z.object({ type: z.literal("approval"), approval: approvalInfoSchema }),
  z.object({
    type: z.literal("error"),
    code: z.enum(SOCKET_ERROR_CODES).describe("the codes sent today; more may be added"),
    message: z.string(),
    frame: z.enum(["resume", "send", "interrupt", "ping", "approve"]).optional(),
  }),
  z.object({
    type: z.literal("sent"),
    messageId: z.string(),
    runId: z.string().nullable(),
    queued: z.boolean(),
    clientId: z.string().optional(),
  }),
  z.object({ type: z.literal("pong") }),
]) satisfies z.ZodType<ServerFrame>;
