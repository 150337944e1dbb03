// What one entry of the public API's route table says (worker/api/routes.ts), and what follows
// from it: the error statuses a route can answer, its Hono path, a concrete URL for tests.
import type { z } from "zod";
import { INPUT_LIMITS } from "../../../schema/api";
import { API_ERRORS, type ApiErrorCode } from "../../../schema/errors";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
/** none: public · caller: session cookie or API token · session: cookie only (tokens get 403). */
export type Auth = "none" | "caller" | "session";
/** What a path parameter names, so tests can put real ids in. `file` spans slashes. */
export type ParamKind =
  | "orchestrator"
  | "agent"
  | "token"
  | "file"
  | "approval"
  | "run"
  | "message"
  | "template"
  | "connector";
export type Tag =
  | "System"
  | "Accounts"
  | "Tokens"
  | "Usage"
  | "Orchestrators"
  | "Agents"
  | "Templates"
  | "Files"
  | "Connectors";

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
  /** A query string that makes the route answer its success, when `query` has required fields (tests use it). */
  exampleQuery?: string;
  /**
   * Version preconditions on a workspace file: `If-Match: "<version>"` (match), and also
   * `If-None-Match: *` (create only). A stale one answers 412 version_conflict.
   */
  preconditions?: "match" | "match-or-none";
  body?: BodySpec;
  ok: {
    /** 302: a browser redirect (the OAuth callback), described by `description`. */
    status: 101 | 200 | 201 | 202 | 204 | 302;
    description: string;
    schema?: z.ZodType;
    /** A JSON body that isn't one of the named components (this document), as plain JSON Schema. */
    jsonSchema?: Record<string, unknown>;
    /** Other media types the route also answers in, each a string body (?raw=1: the file itself). */
    rawMedia?: readonly string[];
    /** Carries an `ETag` header: the file's version, for If-Match. */
    etag?: boolean;
  };
  /**
   * Failures particular to this route, by code (its status comes from API_ERRORS), each with when
   * it happens; the common ones are derived (see errorStatuses).
   */
  errors?: Partial<Record<ApiErrorCode, string>>;
};

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
  const fails = (code: ApiErrorCode, when: string) => add(API_ERRORS[code].status, `${code}: ${when}`);
  if (r.body || r.query || r.params?.path === "file" || r.preconditions) {
    add(400, "invalid_request, invalid_json or invalid_encoding: the message names the field");
  }
  if (r.auth !== "none") fails("unauthenticated", "no valid session cookie or API token");
  if (originChecked(r)) {
    fails("bad_origin", "a cookie-authenticated write, or any WebSocket upgrade, without an allowed Origin");
  }
  if (r.auth === "session") fails("session_required", "API tokens can't do this");
  if (r.params) fails("not_found", "no such resource, or not yours (the same answer)");
  if (r.body?.type === "json") {
    fails("payload_too_large", `the body is over ${INPUT_LIMITS.bodyBytes} bytes`);
    fails("unsupported_media_type", "send Content-Type: application/json");
  }
  if (r.body?.type === "text") fails("too_large", `the file is over ${r.body.maxBytes} bytes`);
  if (r.kind === "websocket") fails("upgrade_required", "send Upgrade: websocket");
  if (r.preconditions) {
    const none = r.preconditions === "match-or-none" ? ", or it exists and If-None-Match: * was sent" : "";
    fails("version_conflict", `the file is not at the version If-Match named${none}`);
  }
  for (const [code, when] of Object.entries(r.errors ?? {}) as [ApiErrorCode, string][]) fails(code, when);
  fails("internal_error", "our fault; the message carries a reference, never internals");
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
