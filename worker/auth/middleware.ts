// Who is calling: a browser session cookie, or a personal API token as a bearer credential.
import { createMiddleware } from "hono/factory";
import type { AppEnv, Caller } from "../http/context";
import { ApiError } from "../http/errors";
import { isWebSocketUpgrade } from "./origin";
import { clearedSessionCookie, lookupSession, readSessionCookie } from "./sessions";
import { redeemTicket } from "./stream-tickets";
import { lookupToken } from "./tokens";

/**
 * Browsers can't put headers on a WebSocket upgrade, and EventSource can't set any either, so
 * for exactly those two request kinds a credential may come in the URL: `?ticket=bst_…` (a
 * single-use, one-minute stream ticket, see stream-tickets.ts) or, discouraged, the long-lived
 * `?access_token=bat_…`. Nowhere else: URLs end up in logs and histories. readQuery() drops both
 * parameters before validating.
 */
function queryCredentialAllowed(req: Request): boolean {
  if (req.method !== "GET") return false;
  return isWebSocketUpgrade(req) || (req.headers.get("Accept") ?? "").includes("text/event-stream");
}

type Presented = { kind: "bearer" | "ticket" | "both"; value: string };

/**
 * The credential the request presents, with `value` "" when one was presented but is malformed
 * (or two were put in the URL), or null when none was. A presented credential is never silently
 * ignored in favour of a cookie.
 */
function presented(req: Request): Presented | null {
  const header = req.headers.get("Authorization");
  if (header !== null) return { kind: "bearer", value: /^bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? "" };
  if (!queryCredentialAllowed(req)) return null;
  const params = new URL(req.url).searchParams;
  const token = params.get("access_token");
  const ticket = params.get("ticket");
  if (token !== null && ticket !== null) return { kind: "both", value: "" };
  if (ticket !== null) return { kind: "ticket", value: ticket };
  return token === null ? null : { kind: "bearer", value: token };
}

/** The caller behind the request, or null if it carries no valid credential. */
export async function authenticate(req: Request, env: Env): Promise<Caller | null> {
  const credential = presented(req);
  if (credential) {
    if (!credential.value) return null;
    return credential.kind === "ticket"
      ? redeemTicket(env, credential.value)
      : lookupToken(env, credential.value);
  }
  const cookie = readSessionCookie(req);
  return cookie ? lookupSession(env, cookie) : null;
}

function refusal(req: Request): ApiError {
  const credential = presented(req);
  if (credential?.kind === "both") {
    return new ApiError(
      401,
      "unauthenticated",
      "Send one credential in the URL: ?ticket= or ?access_token=, not both.",
    );
  }
  if (credential?.kind === "ticket") {
    return new ApiError(
      401,
      "unauthenticated",
      "The stream ticket is not valid (unknown, malformed, already used, expired, or its credential has ended). Get a new one: POST /api/stream-tickets.",
    );
  }
  if (credential) {
    return new ApiError(
      401,
      "unauthenticated",
      "The API token is not valid (unknown, malformed or revoked). Send Authorization: Bearer bat_…",
    );
  }
  if (readSessionCookie(req)) {
    // Drop the dead cookie so the browser stops presenting it.
    return new ApiError(401, "unauthenticated", "Your session has ended; sign in again.", undefined, {
      "Set-Cookie": clearedSessionCookie(),
    });
  }
  return new ApiError(401, "unauthenticated", "Sign in first, or send Authorization: Bearer <API token>.");
}

/** Sets c.var.caller, or answers 401 {code:"unauthenticated"}. */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const caller = await authenticate(c.req.raw, c.env);
  if (!caller) throw refusal(c.req.raw);
  c.set("caller", caller);
  await next();
});

/** For actions that manage credentials: an API token must not be able to mint or replace them. */
export function requireSession(caller: Caller, action: string): void {
  if (caller.via !== "session") {
    throw new ApiError(
      403,
      "session_required",
      `${action} needs a signed-in browser session; API tokens can't do it.`,
    );
  }
}
