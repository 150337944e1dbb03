// Who is calling: a browser session cookie, or a personal API token as a bearer credential.
import { createMiddleware } from "hono/factory";
import type { AppEnv, Caller } from "../api/context";
import { ApiError } from "../api/errors";
import { isWebSocketUpgrade } from "./origin";
import { clearedSessionCookie, lookupSession, readSessionCookie } from "./sessions";
import { lookupToken } from "./tokens";

/**
 * Browsers can't put headers on a WebSocket upgrade, and EventSource can't set any either, so
 * for exactly those two request kinds a token may come as `?access_token=bat_…`. Nowhere else:
 * URLs end up in logs and histories. readQuery() drops the parameter before validating.
 */
function queryTokenAllowed(req: Request): boolean {
  if (req.method !== "GET") return false;
  return isWebSocketUpgrade(req) || (req.headers.get("Accept") ?? "").includes("text/event-stream");
}

/**
 * The bearer credential the request presents: the token string, "" when one was presented but
 * is malformed, or null when none was. A presented credential is never silently ignored in
 * favour of a cookie.
 */
function presentedBearer(req: Request): string | null {
  const header = req.headers.get("Authorization");
  if (header !== null) return /^bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? "";
  if (queryTokenAllowed(req)) return new URL(req.url).searchParams.get("access_token");
  return null;
}

/** The caller behind the request, or null if it carries no valid credential. */
export async function authenticate(req: Request, env: Env): Promise<Caller | null> {
  const bearer = presentedBearer(req);
  if (bearer !== null) return bearer ? lookupToken(env, bearer) : null;
  const cookie = readSessionCookie(req);
  return cookie ? lookupSession(env, cookie) : null;
}

function refusal(req: Request): ApiError {
  if (presentedBearer(req) !== null) {
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
