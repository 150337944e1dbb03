// The one HTTP client of the web app: same-origin JSON with the session cookie, and typed errors
// parsed from the API's `{"error":{code,message,details?}}` shape. Free of zod on purpose: it is on
// the first page's path, and response schemas (lib/api.ts) load with the pages that need them.
import type { ApiErrorCode, SocketErrorCode } from "../../schema/errors";
import { rememberSignedIn } from "./signedIn";

/**
 * Codes the client makes up when the server gave none: no answer at all, an answer that isn't the
 * API's error shape (`http_502` from a proxy), one that doesn't match its schema, a thrown non-error.
 */
export type ClientErrorCode = "network_error" | `http_${number}` | "bad_response" | "client_error";
/** An error's code: the server's (schema/errors.ts, over HTTP or a socket) or the client's own. */
export type ErrorCode = ApiErrorCode | SocketErrorCode | ClientErrorCode;

/** Anything with zod's `safeParse` shape. */
export type Parser<T> = {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly unknown[] } };
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Per-field messages from a validation error's `details.issues`, keyed by field path. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) return out;
    for (const issue of issues) {
      if (issue && typeof issue === "object" && "field" in issue && "message" in issue) {
        const field = String(issue.field);
        out[field] ??= String(issue.message);
      }
    }
    return out;
  }
}

/** Status 0: the request never got an HTTP answer (offline, DNS, connection reset). */
export const isNetworkError = (e: unknown): boolean => e instanceof ApiError && e.status === 0;

type Unauthorized = () => void;
const unauthorizedListeners = new Set<Unauthorized>();
/** The app shell listens here to send the user to /login whenever a request answers 401. */
export function onUnauthorized(fn: Unauthorized): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export type RequestOptions = {
  signal?: AbortSignal;
  /** A 401 doesn't send the app to /login (the signed-out pages' own check). */
  quiet401?: boolean;
  /** Extra request headers: the workspace's If-Match / If-None-Match version preconditions. */
  headers?: Record<string, string>;
  /** Send this text as the body, as is (a file's content), instead of `body` as JSON. */
  text?: { body: string; type: string };
};

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  schema?: Parser<T>,
  opts: RequestOptions = {},
): Promise<T> {
  let res: Response;
  const raw = opts.text !== undefined;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(raw
          ? { "content-type": opts.text!.type }
          : body === undefined
            ? {}
            : { "content-type": "application/json" }),
        ...opts.headers,
      },
      body: raw ? opts.text!.body : body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network_error", "Can't reach Baton. Check your connection and try again.");
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
      ?.error;
    const apiError = new ApiError(
      res.status,
      // The server only sends API_ERRORS codes (its ApiError is typed by them).
      typeof err?.code === "string" ? (err.code as ApiErrorCode) : `http_${res.status}`,
      typeof err?.message === "string" ? err.message : `The server answered ${res.status} ${res.statusText}.`,
      err?.details,
    );
    if (res.status === 401) rememberSignedIn(false);
    if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
    throw apiError;
  }
  if (!schema) return json as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // A shape mismatch is a bug between two of our own components; say where, don't crash.
    console.error(`unexpected response from ${method} ${path}`, parsed.error.issues);
    throw new ApiError(res.status, "bad_response", `Unexpected response from ${path}.`, parsed.error.issues);
  }
  return parsed.data;
}

const enc = encodeURIComponent;
/** Workspace paths keep their slashes: each segment is encoded on its own. */
export const encodePath = (path: string): string => path.split("/").map(enc).join("/");
