// One error type for every caller-facing failure, rendered by the single app.onError.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError, type z } from "zod";
import type { ApiErrorCode, ApiErrorStatus, SocketErrorCode } from "../../schema/errors";
import { type FieldIssue, fieldIssues, issueSentence } from "./issues";
import { redactSecrets } from "./redact";

/** A 4xx/5xx answer `{"error":{code,message,details?}}`: `code` from API_ERRORS, with its status. */
export class ApiError<C extends ApiErrorCode = ApiErrorCode> extends Error {
  constructor(
    readonly status: ApiErrorStatus<C> & ContentfulStatusCode,
    readonly code: C,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/**
 * A failure whose message is for whoever asked — a model (as an is_error tool result) or a person
 * (as a 4xx). Lower layers throw subclasses (workspace paths and caps, tool refusals); the loop and
 * the routes decide how it reaches the caller. Anything else is an internal failure.
 */
export class CallerError extends Error {}

/** Codes that mean the same over HTTP and as a socket error frame. */
export type RefusalCode = ApiErrorCode & SocketErrorCode;

/**
 * A "no" decided below the HTTP layer (rate limits, budgets, queues): data, not an exception, so
 * a route can answer it as a 4xx and a socket as an error frame; hence a code of both lists.
 */
export type Refusal = {
  [C in RefusalCode]: { status: ApiErrorStatus<C>; code: C; message: string; retryAfterSec?: number };
}[RefusalCode];

export function refusalError(r: Refusal): ApiError {
  return r.retryAfterSec === undefined
    ? new ApiError(r.status, r.code, r.message)
    : new ApiError(
        r.status,
        r.code,
        r.message,
        { retryAfterSec: r.retryAfterSec },
        {
          "Retry-After": String(r.retryAfterSec),
        },
      );
}

/** Throws the refusal as its 4xx, if there is one. */
export function refuse(r: Refusal | null | undefined): void {
  if (r) throw refusalError(r);
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} was not found.`);

/** Turns zod issues into one readable sentence naming each field, plus structured details. */
export function validationError(error: z.ZodError, where: "body" | "query" = "body"): ApiError {
  return invalidInput(fieldIssues(error, where), where);
}

/** The same 400 for input that passed its schema but not a check beyond it (a lookup, a policy). */
export function invalidInput(issues: FieldIssue[], where: "body" | "query" = "body"): ApiError {
  return new ApiError(400, "invalid_request", `Invalid ${where}. ${issueSentence(issues)}.`, { issues });
}

export function errorResponse(err: unknown, c: Context): Response {
  if (err instanceof ZodError) err = validationError(err);
  if (err instanceof ApiError) {
    const body = {
      error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
    };
    return c.json(body, err.status, err.headers);
  }
  // Never leak internals to the caller; log enough to find it, but never a credential: the path
  // only (no query), and the error's text scrubbed in case it quotes a URL or a header.
  const id = crypto.randomUUID();
  const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  console.error(
    `unhandled error ${id} on ${c.req.method} ${new URL(c.req.url).pathname}: ${redactSecrets(detail)}`,
  );
  return c.json(
    { error: { code: "internal_error", message: `Something went wrong on our side (ref ${id}).` } },
    500,
  );
}
