// D1 tables: the system of record for everything listed or queried across objects.
// Written at message granularity in batches by the objects; never per token.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Token counters shared by every table that carries usage. */
/** Server-tool requests billed per use (web search, web fetch) and code-execution container time. */
const serverToolColumns = () => ({
  webSearchRequests: integer("web_search_requests").notNull().default(0),
  webFetchRequests: integer("web_fetch_requests").notNull().default(0),
  codeExecutionSeconds: real("code_execution_seconds").notNull().default(0),
});

const usageColumns = () => ({
  inputTokens: integer("input_tokens").notNull().default(0),
  outputTokens: integer("output_tokens").notNull().default(0),
  cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
  cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
  costUsd: real("cost_usd").notNull().default(0),
});

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  passwordSalt: text("password_salt").notNull(),
  passwordIterations: integer("password_iterations").notNull(),
  budgetUsd: real("budget_usd"),
  /** Everything the user was ever billed (maintained by a trigger on usage_ledger). */
  spentUsd: real("spent_usd").notNull().default(0),
  defaultModel: text("default_model"),
  createdAt: integer("created_at").notNull().default(now),
  passwordChangedAt: integer("password_changed_at").notNull().default(now),
  /**
   * The user's own Anthropic API key for their model calls (bring your own key), sealed with
   * BATON_SECRET_KEY (worker/db/model-keys.ts); never returned. Its last 4 characters and when it
   * was set are what the API shows.
   */
  anthropicKeySealed: text("anthropic_key_sealed"),
  anthropicKeyLast4: text("anthropic_key_last4"),
  anthropicKeySetAt: integer("anthropic_key_set_at"),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie value; the raw id never rests anywhere. */
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** First characters of the secret, shown in listings so a user can tell tokens apart. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull().unique(),
    createdAt: integer("created_at").notNull().default(now),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_tokens_user").on(t.userId)],
);

export const orchestrators = sqliteTable(
  "orchestrators",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    model: text("model").notNull(),
    systemPrompt: text("system_prompt"),
    budgetUsd: real("budget_usd"),
    status: text("status", { enum: ["active", "archived"] })
      .notNull()
      .default("active"),
    simulated: integer("simulated", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
    lastActivityAt: integer("last_activity_at"),
    /** Tool name (or `mcp__<connector>__*`) → "allow" | "ask" | "deny"; unlisted tools take their default. */
    toolPolicy: text("tool_policy", { mode: "json" }).$type<Record<string, "allow" | "ask" | "deny">>(),
    /** Extended thinking for real Claude: null (off) or {type:"adaptive", effort?}. */
    thinking: text("thinking", { mode: "json" }).$type<{
      type: "adaptive";
      effort?: "low" | "medium" | "high";
    }>(),
    /** A pending approval not answered within this many seconds is denied by timeout. */
    approvalTimeoutSec: integer("approval_timeout_sec").notNull().default(86_400),
    /** Ids of the user's connectors whose tools it and its agents get (DESIGN §10). */
    connectors: text("connectors", { mode: "json" }).$type<string[]>(),
    ...usageColumns(),
  },
  (t) => [index("orchestrators_user").on(t.userId, t.createdAt)],
);

export const agents = sqliteTable(
  "agents",
  {
    id: text("id").primaryKey(),
    orchestratorId: text("orchestrator_id")
      .notNull()
      .references(() => orchestrators.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    instructions: text("instructions").notNull(),
    model: text("model").notNull(),
    tools: text("tools", { mode: "json" }).$type<string[]>(),
    status: text("status").notNull().default("idle"),
    note: text("note"),
    task: text("task"),
    result: text("result"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
    deletedAt: integer("deleted_at"),
    ...usageColumns(),
  },
  (t) => [
    index("agents_orchestrator").on(t.orchestratorId, t.createdAt),
    uniqueIndex("agents_live_name").on(t.orchestratorId, t.name).where(sql`deleted_at IS NULL`),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    orchestratorId: text("orchestrator_id").notNull(),
    /** Null for the orchestrator's own conversation. */
    agentId: text("agent_id"),
    runId: text("run_id").notNull(),
    role: text("role", { enum: ["user", "assistant"] }).notNull(),
    content: text("content", { mode: "json" }).notNull(),
    model: text("model"),
    stopReason: text("stop_reason"),
    createdAt: integer("created_at").notNull(),
    ...usageColumns(),
    ...serverToolColumns(),
  },
  (t) => [
    index("messages_orchestrator").on(t.orchestratorId, t.createdAt),
    index("messages_agent").on(t.agentId, t.createdAt),
  ],
);

export const toolCalls = sqliteTable(
  "tool_calls",
  {
    /** The model's tool_use_id. */
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    orchestratorId: text("orchestrator_id").notNull(),
    agentId: text("agent_id"),
    runId: text("run_id").notNull(),
    messageId: text("message_id").notNull(),
    name: text("name").notNull(),
    input: text("input", { mode: "json" }).notNull(),
    result: text("result"),
    isError: integer("is_error", { mode: "boolean" }).notNull().default(false),
    ms: integer("ms").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("tool_calls_orchestrator").on(t.orchestratorId, t.createdAt)],
);

export const usageLedger = sqliteTable(
  "usage_ledger",
  {
    /** The assistant message id: one ledger row per billed response, so replays can't double-bill. */
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    orchestratorId: text("orchestrator_id").notNull(),
    agentId: text("agent_id"),
    model: text("model").notNull(),
    /** UTC day, YYYY-MM-DD, for cheap grouping. */
    day: text("day").notNull(),
    createdAt: integer("created_at").notNull(),
    ...usageColumns(),
    ...serverToolColumns(),
  },
  (t) => [index("usage_user_day").on(t.userId, t.day), index("usage_orchestrator").on(t.orchestratorId)],
);

export const files = sqliteTable(
  "files",
  {
    orchestratorId: text("orchestrator_id")
      .notNull()
      .references(() => orchestrators.id, { onDelete: "cascade" }),
    path: text("path").notNull(),
    content: text("content").notNull(),
    size: integer("size").notNull(),
    version: integer("version").notNull().default(1),
    /** "user", or the agent/orchestrator name that last wrote it. */
    updatedBy: text("updated_by").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** The tool_use_id (or request id) of the write that produced this version. */
    lastOpId: text("last_op_id"),
  },
  (t) => [primaryKey({ columns: [t.orchestratorId, t.path] })],
);

/**
 * Earlier versions of workspace files: the content a write, edit, delete or restore replaced, and a
 * `deleted` marker for each deletion (who deleted it, when). The current version stays in `files`;
 * together they are a file's history, version numbers increasing without reuse (a file written
 * again after a delete goes on from its marker). Bounded per file and per workspace, oldest first
 * (worker/limits.ts FILE_HISTORY_LIMITS); not counted against the workspace's caps. `content` is the
 * last column so that sizes and metadata read without walking its overflow pages.
 */
export const fileVersions = sqliteTable(
  "file_versions",
  {
    orchestratorId: text("orchestrator_id")
      .notNull()
      .references(() => orchestrators.id, { onDelete: "cascade" }),
    path: text("path").notNull(),
    version: integer("version").notNull(),
    size: integer("size").notNull(),
    /** A deletion marker: no content; updatedBy deleted the file at updatedAt. */
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
    /** Who wrote this version ("user", or an agent's name), or for a marker who deleted the file. */
    updatedBy: text("updated_by").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** The op (tool_use_id or request id) that wrote this version. */
    opId: text("op_id"),
    content: text("content").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orchestratorId, t.path, t.version] }),
    // The workspace's history bytes, summed from the index alone (FILE_HISTORY_LIMITS).
    index("file_versions_size").on(t.orchestratorId, t.size),
  ],
);

/** One row per applied workspace effect, keyed by tool_use_id: makes tool effects exactly-once. */
export const fileOps = sqliteTable("file_ops", {
  opId: text("op_id").primaryKey(),
  orchestratorId: text("orchestrator_id").notNull(),
  result: text("result").notNull(),
  isError: integer("is_error", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
});

/**
 * Budget held by model calls in flight against the user's account budget. A call inserts its row
 * only if spend + live reservations + its worst case fit (one conditional statement, so concurrent
 * calls across all of a user's objects can't together overspend); the row goes in the same batch
 * that records the call's billed message, or lapses at expires_at.
 */
export const accountReservations = sqliteTable(
  "account_reservations",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    usd: real("usd").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("account_reservations_user").on(t.userId, t.expiresAt)],
);

/** Reusable agent definitions a user saves (create_agent {template}, the "New agent" action). */
export const agentTemplates = sqliteTable(
  "agent_templates",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    instructions: text("instructions").notNull(),
    model: text("model"),
    tools: text("tools", { mode: "json" }).$type<string[]>(),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("agent_templates_user_name").on(t.userId, t.name)],
);

/**
 * Remote MCP servers a user connects (DESIGN §10). Secrets rest only encrypted (AES-GCM under
 * BATON_SECRET_KEY, bound to the row's id and column): header values and the URL's query string in
 * `secrets`, the OAuth client registration, tokens and PKCE verifier in `oauth`. The OAuth `state`
 * is kept as a SHA-256 only, for the callback to find (once) the flow it started.
 */
export const connectors = sqliteTable(
  "connectors",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The endpoint without its query string (which is a secret). */
    url: text("url").notNull(),
    /** Names of the query parameters (values in `secrets`), to show a masked URL. */
    queryNames: text("query_names", { mode: "json" }).$type<string[]>().notNull(),
    headerNames: text("header_names", { mode: "json" }).$type<string[]>().notNull(),
    /** Encrypted JSON {headers, query}; null when there are none. */
    secrets: text("secrets"),
    /** Encrypted JSON of the OAuth client state; null until the server asks for OAuth. */
    oauth: text("oauth"),
    oauthStateHash: text("oauth_state_hash"),
    oauthStateExpiresAt: integer("oauth_state_expires_at"),
    status: text("status", { enum: ["ok", "needs_auth", "error"] })
      .notNull()
      .default("error"),
    message: text("message"),
    /** The server's tools as last listed: [{tool, key, description, inputSchema}]. */
    tools: text("tools", { mode: "json" })
      .$type<{ tool: string; key: string; description: string; inputSchema: Record<string, unknown> }[]>()
      .notNull(),
    lastRefreshedAt: integer("last_refreshed_at"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("connectors_user_name").on(t.userId, t.name),
    uniqueIndex("connectors_oauth_state").on(t.oauthStateHash),
  ],
);

/** Fixed-window counters for rate limits (login, sign-up, message sends). */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: integer("window_start").notNull(),
  count: integer("count").notNull(),
});
