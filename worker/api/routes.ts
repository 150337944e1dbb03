// The public API's route table (DESIGN §3): the one list the OpenAPI document, the tenant-isolation
// walk and the bad-input tests are generated from. test/openapi.test.ts walks the Hono app and fails
// when a registered route is missing here (or a listed one isn't registered), so neither the docs
// nor the tests can drift from the code. Paths under /api/_ are internal (benchmarks) and unlisted.
import { z } from "zod";
import {
  agentMessageBody,
  changePasswordBody,
  createdTokenSchema,
  createOrchestratorBody,
  createTokenBody,
  errorResponse,
  eventsQuery,
  eventsResponse,
  fileInfoSchema,
  fileSchema,
  filesPageSchema,
  filesQuery,
  INPUT_LIMITS,
  interruptBody,
  loginBody,
  meResponse,
  orchestratorSchema,
  sendMessageBody,
  sendMessageResponse,
  signupBody,
  streamQuery,
  streamTicketSchema,
  tokenSchema,
  updateMeBody,
  updateOrchestratorBody,
  usageQuery,
  usageResponse,
} from "../../schema/api";
import {
  agentSummarySchema,
  clientFrameSchema,
  type ServerFrame,
  streamEventSchema,
  streamStateSchema,
  totalsSchema,
  usageSchema,
} from "../../schema/events";
import type { ModelInfo } from "../../schema/models";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
/** none: public · caller: session cookie or API token · session: cookie only (tokens get 403). */
export type Auth = "none" | "caller" | "session";
/** What a path parameter names, so tests can put real ids in. `file` spans slashes. */
export type ParamKind = "orchestrator" | "agent" | "token" | "file";
export type Tag = "System" | "Accounts" | "Tokens" | "Usage" | "Orchestrators" | "Agents" | "Files";

export type BodySpec =
  | { type: "json"; schema: z.ZodType; example: Record<string, unknown>; optional?: boolean }
  /** The raw request body is the content (file uploads): UTF-8 text with whatever Content-Type. */
  | { type: "text"; example: string; maxBytes: number };

export type RouteSpec = {
  method: Method;
  /** OpenAPI form: `{name}` for a path parameter. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  auth: Auth;
  /** json (default) · sse: a text/event-stream body · websocket: answers 101 to an upgrade. */
  kind?: "json" | "sse" | "websocket";
  params?: Record<string, ParamKind>;
  query?: z.ZodObject;
  body?: BodySpec;
  ok: {
    status: 101 | 200 | 201 | 202 | 204;
    description: string;
    schema?: z.ZodType;
    /** Also answers text/plain (the raw file) when asked with ?raw=1. */
    rawText?: boolean;
  };
  /** Failures particular to this route; the common ones are derived (see commonErrors). */
  errors?: Partial<Record<number, string>>;
};

// ---- Response shapes not named in schema/api.ts (list wrappers and small results) ----

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
}) satisfies z.ZodType<ModelInfo>;
export const modelsResponse = z.object({
  models: z.array(modelSchema),
  defaults: z.object({ orchestrator: z.string(), agent: z.string() }),
});
export const tokenList = z.object({ tokens: z.array(tokenSchema) });
export const orchestratorList = z.object({ orchestrators: z.array(orchestratorSchema) });
export const interruptResponse = z.object({
  run: z.boolean().describe("whether a running turn was stopped"),
  agents: z.number().int().describe("how many agents were interrupted"),
});
export const agentList = z.object({ agents: z.array(agentSummarySchema) });
export const agentTaskResponse = z.object({ agentId: z.string(), taskId: z.string() });
export const agentInterruptResponse = z.object({ interrupted: z.boolean() });
export const fileList = filesPageSchema;
/** `?raw=1` (any value) downloads the file itself instead of JSON. */
export const fileQuery = z.strictObject({
  raw: z.string().max(10).optional().describe("any value: answer with the file itself, as an attachment"),
});

/** Server → client WebSocket frames (DESIGN §4), checked against the ServerFrame type. */
export const serverFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), state: streamStateSchema, lastSeq: z.number().int() }),
  z.object({ type: z.literal("event"), event: streamEventSchema }),
  z.object({ type: z.literal("events"), events: z.array(streamEventSchema) }),
  z.object({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    frame: z.enum(["resume", "send", "interrupt", "ping"]).optional(),
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

/** Named schemas: components of the OpenAPI document, referenced by every response. */
export const COMPONENTS = {
  Error: errorResponse,
  Health: healthResponse,
  Model: modelSchema,
  Models: modelsResponse,
  Me: meResponse,
  Token: tokenSchema,
  CreatedToken: createdTokenSchema,
  StreamTicket: streamTicketSchema,
  TokenList: tokenList,
  Usage: usageSchema,
  Totals: totalsSchema,
  UsageReport: usageResponse,
  Orchestrator: orchestratorSchema,
  OrchestratorList: orchestratorList,
  SendMessageResult: sendMessageResponse,
  InterruptResult: interruptResponse,
  StreamEvent: streamEventSchema,
  EventsPage: eventsResponse,
  StreamState: streamStateSchema,
  ServerFrame: serverFrameSchema,
  Agent: agentSummarySchema,
  AgentList: agentList,
  AgentTask: agentTaskResponse,
  AgentInterruptResult: agentInterruptResponse,
  FileInfo: fileInfoSchema,
  File: fileSchema,
  FileList: fileList,
} satisfies Record<string, z.ZodType>;
/** Input-side components (what clients send). */
export const INPUT_COMPONENTS = { ClientFrame: clientFrameSchema } satisfies Record<string, z.ZodType>;

// ---- The routes ----

const orch = { id: "orchestrator" } as const;
const agent = { id: "orchestrator", agentId: "agent" } as const;
const file = { id: "orchestrator", path: "file" } as const;
const sends = {
  402: "budget_exceeded: your account budget is used up",
  429: "rate_limited: too many messages per minute; see Retry-After",
} as const;
const example = "Research the three largest moons of Jupiter and write a short report.";

const orchestratorRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/orchestrators",
    operationId: "listOrchestrators",
    summary: "List your orchestrators, newest first",
    tag: "Orchestrators",
    auth: "caller",
    ok: { status: 200, description: "Your orchestrators", schema: orchestratorList },
  },
  {
    method: "POST",
    path: "/api/orchestrators",
    operationId: "createOrchestrator",
    summary: "Create an orchestrator",
    description: "`model` defaults to your account's default model; `budgetUsd` caps its total spend.",
    tag: "Orchestrators",
    auth: "caller",
    body: { type: "json", schema: createOrchestratorBody, example: { name: "Research desk", budgetUsd: 5 } },
    ok: { status: 201, description: "Created", schema: orchestratorSchema },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}",
    operationId: "getOrchestrator",
    summary: "An orchestrator with its totals",
    tag: "Orchestrators",
    auth: "caller",
    params: orch,
    ok: { status: 200, description: "The orchestrator", schema: orchestratorSchema },
  },
  {
    method: "PATCH",
    path: "/api/orchestrators/{id}",
    operationId: "updateOrchestrator",
    summary: "Rename, reconfigure, archive or unarchive an orchestrator",
    tag: "Orchestrators",
    auth: "caller",
    params: orch,
    body: { type: "json", schema: updateOrchestratorBody, example: { name: "Research desk (2)" } },
    ok: { status: 200, description: "Updated", schema: orchestratorSchema },
  },
  {
    method: "DELETE",
    path: "/api/orchestrators/{id}",
    operationId: "deleteOrchestrator",
    summary: "Delete an orchestrator with its agents and files",
    description: "Its usage history stays in your usage report.",
    tag: "Orchestrators",
    auth: "caller",
    params: orch,
    ok: { status: 204, description: "Deleted" },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/messages",
    operationId: "sendMessage",
    summary: "Send the orchestrator a message",
    description:
      "Starts a run at once (`runId`), or queues behind the running one (`runId: null, queued: true`). " +
      "Idempotent per `clientId`: a retry with the same clientId returns the first answer.",
    tag: "Orchestrators",
    auth: "caller",
    params: orch,
    body: { type: "json", schema: sendMessageBody, example: { text: example, clientId: "cli-0001" } },
    ok: { status: 202, description: "Accepted", schema: sendMessageResponse },
    errors: { ...sends, 409: "archived: unarchive the orchestrator first" },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/interrupt",
    operationId: "interruptOrchestrator",
    summary: "Stop the running turn (and, with agents:true, every agent)",
    tag: "Orchestrators",
    auth: "caller",
    params: orch,
    body: { type: "json", schema: interruptBody, example: { agents: true }, optional: true },
    ok: { status: 200, description: "What was stopped", schema: interruptResponse },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/events",
    operationId: "orchestratorEvents",
    summary: "A page of the orchestrator's event log (history and gap fill)",
    tag: "Orchestrators",
    auth: "caller",
    params: orch,
    query: eventsQuery,
    ok: { status: 200, description: "Events with seq > after, oldest first", schema: eventsResponse },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/stream",
    operationId: "orchestratorStream",
    summary: "The orchestrator's events as Server-Sent Events",
    tag: "Orchestrators",
    auth: "caller",
    kind: "sse",
    params: orch,
    query: streamQuery,
    ok: { status: 200, description: "An endless event stream", schema: streamEventSchema },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/ws",
    operationId: "orchestratorSocket",
    summary: "The orchestrator's stream over a WebSocket, with send, interrupt and ping",
    tag: "Orchestrators",
    auth: "caller",
    kind: "websocket",
    params: orch,
    ok: { status: 101, description: "Switching protocols" },
  },
];

const agentRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents",
    operationId: "listAgents",
    summary: "The orchestrator's agents with status, tokens and cost",
    tag: "Agents",
    auth: "caller",
    params: orch,
    ok: { status: 200, description: "Agents", schema: agentList },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}",
    operationId: "getAgent",
    summary: "One agent",
    tag: "Agents",
    auth: "caller",
    params: agent,
    ok: { status: 200, description: "The agent", schema: agentSummarySchema },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/agents/{agentId}/messages",
    operationId: "messageAgent",
    summary: "Give an agent a task directly",
    description: "Idempotent per `clientId`: a retry with the same clientId doesn't queue a second task.",
    tag: "Agents",
    auth: "caller",
    params: agent,
    body: {
      type: "json",
      schema: agentMessageBody,
      example: { text: "Add a table of orbital periods.", clientId: "cli-0002" },
    },
    ok: { status: 202, description: "Accepted", schema: agentTaskResponse },
    errors: { ...sends, 409: "archived: unarchive the orchestrator first" },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/agents/{agentId}/interrupt",
    operationId: "interruptAgent",
    summary: "Stop an agent's running task",
    tag: "Agents",
    auth: "caller",
    params: agent,
    ok: { status: 200, description: "Whether a task was stopped", schema: agentInterruptResponse },
  },
  {
    method: "DELETE",
    path: "/api/orchestrators/{id}/agents/{agentId}",
    operationId: "deleteAgent",
    summary: "Delete an agent",
    tag: "Agents",
    auth: "caller",
    params: agent,
    ok: { status: 204, description: "Deleted" },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}/events",
    operationId: "agentEvents",
    summary: "A page of the agent's own fine-grained event log",
    tag: "Agents",
    auth: "caller",
    params: agent,
    query: eventsQuery,
    ok: { status: 200, description: "Events with seq > after, oldest first", schema: eventsResponse },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}/stream",
    operationId: "agentStream",
    summary: "The agent's events as Server-Sent Events",
    tag: "Agents",
    auth: "caller",
    kind: "sse",
    params: agent,
    query: streamQuery,
    ok: { status: 200, description: "An endless event stream", schema: streamEventSchema },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}/ws",
    operationId: "agentSocket",
    summary: "The agent's stream over a WebSocket",
    tag: "Agents",
    auth: "caller",
    kind: "websocket",
    params: agent,
    ok: { status: 101, description: "Switching protocols" },
  },
];

const fileRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/orchestrators/{id}/files",
    operationId: "listFiles",
    summary: "The shared workspace's files (without content), a page at a time",
    description: `Files by path, at most \`limit\` (default and maximum ${INPUT_LIMITS.filesPage}) per page. While \`nextCursor\` is not null, more files follow: ask again with \`?cursor=<nextCursor>\`. A workspace holds at most ${INPUT_LIMITS.workspaceFiles} files and ${INPUT_LIMITS.workspaceBytes} bytes.`,
    tag: "Files",
    auth: "caller",
    params: orch,
    query: filesQuery,
    ok: { status: 200, description: "One page of files by path", schema: fileList },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "readFile",
    summary: "A file with its content; ?raw=1 downloads the file itself",
    tag: "Files",
    auth: "caller",
    params: file,
    query: fileQuery,
    ok: { status: 200, description: "The file", schema: fileSchema, rawText: true },
  },
  {
    method: "PUT",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "writeFile",
    summary: "Create or replace a file; the body is the file's UTF-8 text",
    tag: "Files",
    auth: "caller",
    params: file,
    description: `The body is read only up to ${INPUT_LIMITS.fileBytes} bytes: a larger declared Content-Length is refused before reading, a longer stream as soon as it passes the limit. A workspace holds at most ${INPUT_LIMITS.workspaceFiles} files and ${INPUT_LIMITS.workspaceBytes} bytes (checked atomically, also under parallel writes); overwriting a file with one no larger is always allowed.`,
    body: {
      type: "text",
      example: "# Notes\n\nJupiter has 95 known moons.\n",
      maxBytes: INPUT_LIMITS.fileBytes,
    },
    ok: { status: 200, description: "The file as stored", schema: fileSchema },
    errors: {
      409: `too_many_files: the workspace already holds ${INPUT_LIMITS.workspaceFiles} files (details.limit = "workspaceFiles")`,
      413: `workspace_too_large: the write would take the workspace past ${INPUT_LIMITS.workspaceBytes} bytes (details.limit = "workspaceBytes")`,
    },
  },
  {
    method: "DELETE",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "deleteFile",
    summary: "Delete a file",
    tag: "Files",
    auth: "caller",
    params: file,
    ok: { status: 204, description: "Deleted" },
  },
];

const accountRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/health",
    operationId: "health",
    summary: "Liveness",
    tag: "System",
    auth: "none",
    ok: { status: 200, description: "Up", schema: healthResponse },
  },
  {
    method: "GET",
    path: "/api/models",
    operationId: "models",
    summary: "The models Baton can run, with prices (USD per million tokens) and context windows",
    tag: "System",
    auth: "none",
    ok: { status: 200, description: "The catalogue and the defaults", schema: modelsResponse },
  },
  {
    method: "GET",
    path: "/api/openapi.json",
    operationId: "openapi",
    summary: "This document",
    tag: "System",
    auth: "none",
    ok: { status: 200, description: "OpenAPI 3.1" },
  },
  {
    method: "POST",
    path: "/api/auth/signup",
    operationId: "signup",
    summary: "Create an account and sign in (sets the session cookie)",
    tag: "Accounts",
    auth: "none",
    body: {
      type: "json",
      schema: signupBody,
      example: { email: "ada@example.com", password: "correct horse battery" },
    },
    ok: { status: 201, description: "Signed up and in", schema: meResponse },
    errors: {
      409: "signup_refused: no account was created (the answer doesn't say whether the email has one); sign in if it is yours",
      429: "rate_limited: too many sign-ups from this address",
    },
  },
  {
    method: "POST",
    path: "/api/auth/login",
    operationId: "login",
    summary: "Sign in (sets a fresh session cookie)",
    tag: "Accounts",
    auth: "none",
    body: {
      type: "json",
      schema: loginBody,
      example: { email: "ada@example.com", password: "correct horse battery" },
    },
    ok: { status: 200, description: "Signed in", schema: meResponse },
    errors: {
      401: "invalid_credentials: email or password is incorrect",
      429: "rate_limited: too many attempts from your network, or at this account from unfamiliar networks; see Retry-After",
    },
  },
  {
    method: "POST",
    path: "/api/auth/logout",
    operationId: "logout",
    summary: "Sign out: ends the session the cookie names and clears it",
    description: "Streams opened with the session close (WebSocket code 4401; SSE ends) before the answer.",
    tag: "Accounts",
    auth: "none",
    ok: { status: 204, description: "Signed out" },
  },
  {
    method: "POST",
    path: "/api/auth/password",
    operationId: "changePassword",
    summary: "Change your password; every other session ends",
    description:
      "Every session ends (this one gets a fresh cookie in the answer), and so do your API tokens unless `keepTokens` is true. Streams opened with any of them close (WebSocket code 4401; SSE ends) before the answer.",
    tag: "Accounts",
    auth: "session",
    body: {
      type: "json",
      schema: changePasswordBody,
      example: { currentPassword: "correct horse battery", newPassword: "staple battery horse" },
    },
    ok: { status: 200, description: "Changed; a new session cookie is set", schema: meResponse },
    errors: { 429: "rate_limited: too many attempts; see Retry-After" },
  },
  {
    method: "GET",
    path: "/api/me",
    operationId: "me",
    summary: "Who you are, and how you are signed in",
    tag: "Accounts",
    auth: "caller",
    ok: { status: 200, description: "You", schema: meResponse },
  },
  {
    method: "PATCH",
    path: "/api/me",
    operationId: "updateMe",
    summary: "Account settings: spending cap and default model",
    tag: "Accounts",
    auth: "caller",
    body: { type: "json", schema: updateMeBody, example: { budgetUsd: 20 } },
    ok: { status: 200, description: "Updated", schema: meResponse },
  },
  {
    method: "GET",
    path: "/api/tokens",
    operationId: "listTokens",
    summary: "Your live API tokens (never their secrets)",
    tag: "Tokens",
    auth: "caller",
    ok: { status: 200, description: "Tokens", schema: tokenList },
  },
  {
    method: "POST",
    path: "/api/tokens",
    operationId: "createToken",
    summary: "Create an API token; the secret is in this response only",
    tag: "Tokens",
    auth: "session",
    body: { type: "json", schema: createTokenBody, example: { name: "deploy script" } },
    ok: { status: 201, description: "Created, with its secret", schema: createdTokenSchema },
    errors: { 409: "too_many_tokens: revoke one first" },
  },
  {
    method: "DELETE",
    path: "/api/tokens/{id}",
    operationId: "revokeToken",
    summary: "Revoke an API token; it stops working at once",
    description: "Streams opened with the token close (WebSocket code 4401; SSE ends) before the answer.",
    tag: "Tokens",
    auth: "caller",
    params: { id: "token" },
    ok: { status: 204, description: "Revoked" },
  },
  {
    method: "POST",
    path: "/api/stream-tickets",
    operationId: "createStreamTicket",
    summary: "A single-use, 60-second ticket for the URL of one SSE or WebSocket request",
    description:
      "For clients that can't set headers (EventSource, a browser WebSocket with an API token): " +
      "pass it as `?ticket=` instead of putting a long-lived token in the URL, where request logs " +
      "keep it. It acts as the credential that created it and is used up by the request it opens. " +
      "EventSource can't reuse it to reconnect: on `error`, get a new ticket and open a new " +
      "EventSource with `?after=<last seq>`.",
    tag: "Tokens",
    auth: "caller",
    ok: { status: 201, description: "The ticket and when it expires", schema: streamTicketSchema },
    errors: { 429: "rate_limited: too many tickets this minute; see Retry-After" },
  },
  {
    method: "GET",
    path: "/api/usage",
    operationId: "usage",
    summary: "Tokens and USD, grouped by day, model or orchestrator",
    tag: "Usage",
    auth: "caller",
    query: usageQuery,
    ok: { status: 200, description: "The report", schema: usageResponse },
  },
];

export const ROUTES: readonly RouteSpec[] = [
  ...accountRoutes,
  ...orchestratorRoutes,
  ...agentRoutes,
  ...fileRoutes,
];

const STATE_CHANGING: ReadonlySet<Method> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Whether the CSRF/Origin guard looks at this route (cookie writes; every WebSocket upgrade). */
export const originChecked = (r: RouteSpec): boolean =>
  r.kind === "websocket" || STATE_CHANGING.has(r.method);

/** The statuses a route can answer besides its success, each with the error codes behind it. */
export function errorStatuses(r: RouteSpec): Map<number, string> {
  const out = new Map<number, string>();
  const add = (status: number, text: string) => {
    const had = out.get(status);
    out.set(status, had ? `${had}; ${text}` : text);
  };
  if (r.body || r.query || r.params?.path === "file") {
    add(400, "invalid_request, invalid_json or invalid_encoding: the message names the field");
  }
  if (r.auth !== "none") add(401, "unauthenticated: no valid session cookie or API token");
  if (originChecked(r)) {
    add(403, "bad_origin: a cookie-authenticated write, or any WebSocket upgrade, without an allowed Origin");
  }
  if (r.auth === "session") add(403, "session_required: API tokens can't do this");
  if (r.params) add(404, "not_found: no such resource, or not yours (the same answer)");
  if (r.body?.type === "json") {
    add(413, `payload_too_large: the body is over ${INPUT_LIMITS.bodyBytes} bytes`);
    add(415, "unsupported_media_type: send Content-Type: application/json");
  }
  if (r.body?.type === "text") add(413, `too_large: the file is over ${r.body.maxBytes} bytes`);
  if (r.kind === "websocket") add(426, "upgrade_required: send Upgrade: websocket");
  for (const [status, text] of Object.entries(r.errors ?? {})) if (text) add(Number(status), text);
  add(500, "internal_error: our fault; the message carries a reference, never internals");
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** The path parameter names of a route, in order. */
export const pathParams = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** Hono's form of a table path: `{name}` → `:name`, a trailing file `{path}` → `*`. */
export function honoPath(r: RouteSpec): string {
  return r.path.replace(/\{(\w+)\}/g, (_, name: string) => (r.params?.[name] === "file" ? "*" : `:${name}`));
}

/** A concrete URL path: each parameter replaced by the value for its kind (file paths keep their slashes). */
export function fillPath(r: RouteSpec, values: Record<ParamKind, string>): string {
  return r.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const kind = r.params?.[name];
    if (!kind) throw new Error(`${r.method} ${r.path}: parameter ${name} has no kind`);
    const value = values[kind];
    return kind === "file" ? value.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(value);
  });
}
