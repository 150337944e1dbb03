// Cross-site request defences. Cookies ride along on cross-site requests; bearer tokens don't,
// so only cookie-style writes (and every WebSocket upgrade, which CORS never guards) need
// proof that the page making them is ours: a matching Origin header.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function allowedOrigins(req: Request, env: Env): Set<string> {
  const allowed = new Set([new URL(req.url).origin]);
  for (const entry of (env.ALLOWED_ORIGINS ?? "").split(",")) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    try {
      allowed.add(new URL(trimmed).origin);
    } catch {
      // A typo in ALLOWED_ORIGINS must not open anything up; skip it.
    }
  }
  return allowed;
}

/** Throws 403 {code:"bad_origin"} unless Origin is the request's own origin or in ALLOWED_ORIGINS. */
export function checkOrigin(req: Request, env: Env): void {
  const origin = req.headers.get("Origin");
  if (!origin) {
    throw new ApiError(
      403,
      "bad_origin",
      "Origin header is missing; browser writes must come from this site. Scripts should send Authorization: Bearer <API token>.",
    );
  }
  let normalised: string | null = null;
  try {
    normalised = new URL(origin).origin;
  } catch {
    // "null" (sandboxed frames, file://) and garbage fall through to the refusal.
  }
  if (!normalised || normalised === "null" || !allowedOrigins(req, env).has(normalised)) {
    throw new ApiError(
      403,
      "bad_origin",
      `Origin ${JSON.stringify(origin)} is not allowed to make this request.`,
    );
  }
}

export const hasBearer = (req: Request): boolean => /^bearer\s/i.test(req.headers.get("Authorization") ?? "");
export const isWebSocketUpgrade = (req: Request): boolean =>
  (req.headers.get("Upgrade") ?? "").toLowerCase() === "websocket";

/**
 * Whether the request names its credential itself (a bearer header, or for streams
 * `?access_token=`/`?ticket=`): then no ambient cookie is what authenticates it, and a foreign page
 * can't borrow one — cross-site request forgery (and WebSocket hijacking) is about cookies.
 */
const namesItsCredential = (req: Request): boolean => {
  if (hasBearer(req)) return true;
  const q = new URL(req.url).searchParams;
  return q.has("access_token") || q.has("ticket");
};

/**
 * CSRF guard for /api/*: state-changing requests and WebSocket upgrades that rely on the session
 * cookie (and login/sign-up, which set one) must carry an allowed Origin. Scripts with an API token
 * need none — `ws`, Node's WebSocket and curl send no Origin at all.
 */
export const csrfGuard = createMiddleware<AppEnv>(async (c, next) => {
  const req = c.req.raw;
  if ((isWebSocketUpgrade(req) || STATE_CHANGING.has(req.method)) && !namesItsCredential(req)) {
    checkOrigin(req, c.env);
  }
  await next();
});
