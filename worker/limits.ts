// Every limit the Worker enforces, in one place, each under a name that says what it bounds.
// (Limits on request input that the web app checks too live in schema/api.ts INPUT_LIMITS.)

/** One run of the tool loop. */
export const RUN_LIMITS = {
  maxStepsPerRun: 40,
  maxTokens: 8192,
  maxAttempts: 5,
  /** Runs started by agent reports in a row without user input before the orchestrator stops reacting. */
  maxAutoRuns: 12,
  /** While a run is active an alarm wakes the object this often, to resume it after an eviction. */
  heartbeatMs: 10_000,
} as const;

/**
 * The live text overlay (DESIGN §11): token text goes to watchers at once, unlogged; the log gets
 * one coalesced text.delta / thinking.delta per block every `flushMs` or `flushChars` characters,
 * at the block's end, and before any other event.
 *
 * `flushMs` and `flushChars` are for watchers that read text only from the log (SSE with
 * `deltas=0`, clients that don't say they render deltas). While no such watcher is live — nobody
 * watches, or every watcher renders delta frames — nobody waits on the log for text, so it takes
 * the text every `renderedFlushMs` or `renderedFlushChars`: a typical answer's text shares the row
 * of the message's completion, and a long one costs a row per ~1,000 tokens (bench/stream). What
 * the log doesn't have yet bounds three things, each by at most `renderedFlushChars` a block: what
 * a crash takes back from screens (the call is made again anyway: a crashed message is aborted),
 * how far `/events` pages lag, and what a crash leaves unbilled (an aborted message is billed for
 * the text the log has, at 4 characters a token: up to ~1,000 output tokens a block go uncounted).
 */
export const LIVE_TEXT = {
  flushMs: 100,
  flushChars: 2048,
  renderedFlushMs: 10_000,
  renderedFlushChars: 4096,
} as const;

/** An orchestrator's team (DESIGN §8 "Bounded work"). */
export const TEAM_LIMITS = {
  maxAgents: 20,
  maxConcurrentAgentRuns: 8,
  /** Tasks waiting behind an agent's current one. */
  maxQueuedTasks: 20,
  maxWaitSec: 3600,
  defaultWaitSec: 600,
} as const;

/** Message sends per user (HTTP and socket alike). */
export const SEND_LIMIT = { perMinute: 30 } as const;

/** Baton's MCP server: how long send_message {wait} follows a run, and how often it looks. */
export const MCP_LIMITS = { defaultWaitSec: 300, maxWaitSec: 3600, pollMs: 1000 } as const;

/**
 * Server tools (DESIGN §9), per model call: the `max_uses` each is declared with, which is also what
 * the budget reserves before the call (searches × the per-search rate).
 */
export const SERVER_TOOL_LIMITS = {
  webSearchMaxUses: 5,
  webFetchMaxUses: 5,
  /** Fetched page text kept in context, in tokens (the API's approximate `max_content_tokens`). */
  webFetchMaxContentTokens: 25_000,
} as const;

/** Agent templates (GET/POST /api/templates) per user. */
export const TEMPLATE_LIMITS = { maxPerUser: 100 } as const;

/**
 * Connectors: Baton as an MCP client (DESIGN §10). A call to a remote tool that doesn't answer in
 * `callTimeoutMs` ends as a tool error (its outcome unknown); connecting and listing tools have
 * `connectTimeoutMs`. Tests shorten both (MCP_CALL_TIMEOUT_MS, MCP_CONNECT_TIMEOUT_MS).
 */
export const MCP_CLIENT_LIMITS = {
  callTimeoutMs: 60_000,
  connectTimeoutMs: 15_000,
  /** Redirect hops followed per request, each checked like the connector's own URL. */
  maxRedirects: 5,
  /** An OAuth sign-in started must come back to the callback within this time. */
  oauthStateTtlMs: 15 * 60_000,
  /** Pages of tools/list read per refresh. */
  maxListPages: 10,
} as const;

/**
 * File history (D1 `file_versions`): the earlier versions of workspace files, for diffs, restores and
 * undoing a delete. History never refuses a write and doesn't count against the workspace's own caps
 * (files and bytes, INPUT_LIMITS): instead, every write prunes it, oldest first, to at most
 * `versionsPerFile` earlier versions of each file (deletion markers included) and, per workspace, to
 * `workspaceVersions` versions and `workspaceBytes` bytes. A workspace over either of those is cut to
 * `pruneTo` of them, so the next writes don't each pay for a prune. A workspace's storage is thus at
 * most its live caps plus these.
 */
export const FILE_HISTORY_LIMITS = {
  versionsPerFile: 20,
  workspaceVersions: 20_000,
  workspaceBytes: 50 * 1024 * 1024,
  pruneTo: 0.9,
} as const;
