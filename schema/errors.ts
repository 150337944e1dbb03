// Every error code and close code the server sends, each with what it means: the one list the
// Worker may produce (ApiError, Refusal, error frames and run.failed are typed by it, so a typo
// fails typecheck), the web client handles, and docs/API.md tables (schema/errors.test.ts checks
// the docs and scans worker/ for codes outside these lists). Plain data: no imports, so the web
// app's zod-free first page can use it.

/** `{"error":{code,message,details?}}` codes of HTTP answers (DESIGN §3), with their status. */
export const API_ERRORS = {
  invalid_request: {
    status: 400,
    meaning: "a field, query parameter or path is invalid; the message names it",
  },
  invalid_json: { status: 400, meaning: "the body is not valid JSON" },
  invalid_encoding: { status: 400, meaning: "the body (JSON or a file) is not UTF-8" },
  wrong_password: { status: 400, meaning: "a password change whose currentPassword is not the password" },
  unauthenticated: { status: 401, meaning: "no valid session cookie, API token or stream ticket" },
  invalid_credentials: { status: 401, meaning: "login with a wrong email or password" },
  budget_exceeded: { status: 402, meaning: "the account's spending cap is used up" },
  bad_origin: { status: 403, meaning: "a cookie write, or any WebSocket upgrade, without an allowed Origin" },
  session_required: { status: 403, meaning: "a browser session can do this, an API token can't" },
  not_found: { status: 404, meaning: "no such resource, or not yours (the same answer)" },
  signup_refused: { status: 409, meaning: "no account was created (not saying whether the email has one)" },
  too_many_tokens: { status: 409, meaning: "the user already has the most live API tokens allowed" },
  archived: { status: 409, meaning: "the orchestrator is archived: unarchive it to send messages" },
  queue_full: { status: 409, meaning: "the agent's task queue is full" },
  too_many_files: { status: 409, meaning: "the workspace already holds the most files allowed" },
  file_exists: { status: 409, meaning: "a rename's new path already holds a file" },
  already_decided: { status: 409, meaning: "the approval was already decided; the first decision stands" },
  template_exists: { status: 409, meaning: "you already have an agent template with that name" },
  too_many_templates: { status: 409, meaning: "you already have the most agent templates allowed" },
  agent_exists: { status: 409, meaning: "the orchestrator already has an agent with that name" },
  too_many_agents: { status: 409, meaning: "the orchestrator already has the most agents allowed" },
  already_started: {
    status: 409,
    meaning: "the message was already taken in by a run, so it can't be cancelled (stop the run instead)",
  },
  not_retryable: {
    status: 409,
    meaning:
      "nothing to answer again: the run is not the latest one, did not fail or stop, or other input waits; or the message has not run yet",
  },
  connector_name_taken: { status: 409, meaning: "you already have a connector with that name" },
  too_many_connectors: { status: 409, meaning: "you already have the most connectors allowed" },
  version_conflict: {
    status: 412,
    meaning:
      "the file is not at the version If-Match named, or exists despite If-None-Match: *; details.currentVersion is its version now",
  },
  payload_too_large: { status: 413, meaning: "the JSON body is over the body limit" },
  too_large: { status: 413, meaning: "the file is over the limit for one file" },
  workspace_too_large: { status: 413, meaning: "the write would take the workspace past its byte limit" },
  unsupported_media_type: {
    status: 415,
    meaning: "a JSON route's body sent without Content-Type: application/json",
  },
  upgrade_required: { status: 426, meaning: "a /ws route asked without Upgrade: websocket" },
  rate_limited: { status: 429, meaning: "too many attempts; Retry-After says when to try again" },
  internal_error: {
    status: 500,
    meaning: "our fault: the message carries a reference to quote, never internals",
  },
  not_configured: {
    status: 503,
    meaning: "the server lacks a setting this needs (connector secrets need BATON_SECRET_KEY)",
  },
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;
/** The status a code is always answered with. */
export type ApiErrorStatus<C extends ApiErrorCode = ApiErrorCode> = (typeof API_ERRORS)[C]["status"];
export const API_ERROR_CODES = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];

/**
 * Codes of WebSocket error frames `{"type":"error",code,message,frame?}` (DESIGN §4), with the HTTP
 * status each stands for. The socket stays open, except after `unauthenticated` (closed with 4401).
 */
export const SOCKET_ERRORS = {
  bad_frame: { status: 400, meaning: "not JSON text under 200 KB, or not a valid client frame" },
  unauthenticated: {
    status: 401,
    meaning: "the credential the socket was opened with has ended; 4401 follows",
  },
  budget_exceeded: { status: 402, meaning: "send refused: the account's spending cap is used up" },
  archived: { status: 409, meaning: "send refused: the orchestrator is archived" },
  queue_full: { status: 409, meaning: "send refused: the agent's task queue is full" },
  not_found: { status: 404, meaning: "approve refused: no such pending approval on this stream" },
  already_decided: { status: 409, meaning: "approve refused: the approval was already decided" },
  rate_limited: {
    status: 429,
    meaning: "too many sends per minute, or (frame: resume) resumes on this socket",
  },
  internal_error: { status: 500, meaning: "the server could not handle the frame" },
} as const satisfies Record<string, { status: number; meaning: string }>;
export type SocketErrorCode = keyof typeof SOCKET_ERRORS;
export const SOCKET_ERROR_CODES = Object.keys(SOCKET_ERRORS) as [SocketErrorCode, ...SocketErrorCode[]];

/** `run.failed {error:{code,message}}` codes: why a run ended without completing. */
export const RUN_FAILURES = {
  budget_exceeded: "the orchestrator's or the account's budget can't cover the next model call",
  step_limit: "the run reached its limit of model calls",
  spend_limit: "the model provider refused: the API key's spend limit is reached",
  llm_request_rejected: "the model provider refused the request as invalid (not retried)",
  llm_unavailable:
    "the model call kept failing (429, 529, 5xx, a broken or stalled stream) until retries ran out",
  llm_error: "the model call failed in an unexpected way",
  internal_error: "the run stopped because of an internal error",
} as const;
export type RunFailureCode = keyof typeof RUN_FAILURES;
export const RUN_FAILURE_CODES = Object.keys(RUN_FAILURES) as [RunFailureCode, ...RunFailureCode[]];

/**
 * Application close codes a server closes a stream's WebSocket with (4000 + the HTTP status it
 * stands for). Any other close (1000 echoing the client, 1006 dropped) means: reconnect and resume.
 */
export const WS_CLOSE = {
  /** The credential the socket was opened with has ended (token revoked, logout, password change). */
  unauthenticated: 4401,
} as const;
export type WsCloseCode = (typeof WS_CLOSE)[keyof typeof WS_CLOSE];
export const WS_CLOSE_MEANINGS: Record<WsCloseCode, string> = {
  4401: "the credential the socket was opened with has ended: reconnecting with it won't help",
};
