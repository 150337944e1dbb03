// Browser sessions: a random 256-bit id lives only in the visitor's cookie; D1 keeps its SHA-256.
// A session dies at the first of: idle for 14 days, 30 days after creation, logout, or a
// password change after it was created.
import { and, eq, lt, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { sessions, users } from "../../schema/d1";
import type { Caller } from "../http/context";
import { randomBase64Url, SECRET_256, sha256Hex } from "./crypto";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `__Host-` makes the browser refuse it unless Secure, Path=/ and no Domain: no subdomain can plant one. */
export const SESSION_COOKIE = "__Host-baton_session";
export const SESSION_IDLE_MS = 14 * DAY;
export const SESSION_ABSOLUTE_MS = 30 * DAY;
/** last_seen_at moves at most this often, so an active session costs one D1 write per hour, not per request. */
export const SESSION_SLIDE_MS = HOUR;

export type NewSession = { id: string; idHash: string; createdAt: number };

export async function createSession(
  env: Env,
  userId: string,
  userAgent: string | null,
  now = Date.now(),
): Promise<NewSession> {
  const id = randomBase64Url(32);
  const idHash = await sha256Hex(id);
  const db = drizzle(env.DB);
  await db.batch([
    // Housekeeping: the user's dead sessions go whenever a new one starts.
    db
      .delete(sessions)
      .where(
        and(
          eq(sessions.userId, userId),
          or(lt(sessions.expiresAt, now), lt(sessions.createdAt, now - SESSION_ABSOLUTE_MS)),
        ),
      ),
    db.insert(sessions).values({
      idHash,
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + SESSION_IDLE_MS,
      userAgent: userAgent?.slice(0, 300) ?? null,
    }),
  ]);
  return { id, idHash, createdAt: now };
}

/** The caller behind a cookie value, or null when it is malformed, unknown or expired. */
export async function lookupSession(env: Env, rawId: string, now = Date.now()): Promise<Caller | null> {
  if (!SECRET_256.test(rawId)) return null;
  const idHash = await sha256Hex(rawId);
  const db = drizzle(env.DB);
  const [row] = await db
    .select({
      userId: sessions.userId,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      email: users.email,
      passwordChangedAt: users.passwordChangedAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  if (!row) return null;

  const alive =
    now < row.expiresAt &&
    now < row.lastSeenAt + SESSION_IDLE_MS &&
    now < row.createdAt + SESSION_ABSOLUTE_MS &&
    row.passwordChangedAt <= row.createdAt;
  if (!alive) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }

  if (now - row.lastSeenAt >= SESSION_SLIDE_MS) {
    // Guarded on the old value so concurrent requests don't fight over the slide.
    await db
      .update(sessions)
      .set({
        lastSeenAt: now,
        expiresAt: Math.min(now + SESSION_IDLE_MS, row.createdAt + SESSION_ABSOLUTE_MS),
      })
      .where(and(eq(sessions.idHash, idHash), eq(sessions.lastSeenAt, row.lastSeenAt)));
  }
  return { userId: row.userId, email: row.email, via: "session", sessionHash: idHash };
}

/** Ends a session; returns whose it was (null if there was none), so its streams can end too. */
export async function revokeSession(env: Env, idHash: string): Promise<string | null> {
  const [gone] = await drizzle(env.DB)
    .delete(sessions)
    .where(eq(sessions.idHash, idHash))
    .returning({ userId: sessions.userId });
  return gone?.userId ?? null;
}

/** Hash of the raw cookie value, for revoking a session the request presented (valid or not). */
export const sessionHashOf = (rawId: string): Promise<string> => sha256Hex(rawId);

/** The raw session id from the Cookie header, if any. */
export function readSessionCookie(req: Request): string | null {
  const header = req.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

const COOKIE_FLAGS = "Path=/; HttpOnly; Secure; SameSite=Lax";

/** Lax keeps the cookie off cross-site subrequests and POSTs but still sends it on top-level links. */
export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Max-Age=${SESSION_ABSOLUTE_MS / 1000}; ${COOKIE_FLAGS}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Max-Age=0; ${COOKIE_FLAGS}`;
}
