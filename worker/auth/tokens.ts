// Personal API tokens: `bat_` + 256 random bits. Only the SHA-256 is stored; the secret is shown
// once at creation. Revocation is a timestamp, checked on every request, so it bites at once.
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { ApiToken } from "../../schema/api";
import { apiTokens, users } from "../../schema/d1";
import type { Caller } from "../http/context";
import { ApiError } from "../http/errors";
import { randomBase64Url, sha256Hex } from "./crypto";

export const TOKEN_PREFIX = "bat_";
const TOKEN_SHAPE = /^bat_[A-Za-z0-9_-]{43}$/;
/** Characters of the secret kept in clear so listings can tell tokens apart (`bat_` + 8). */
export const TOKEN_PREFIX_CHARS = 12;
/** last_used_at is written at most this often per token, so busy scripts don't write D1 per call. */
export const TOKEN_TOUCH_MS = 60_000;
export const MAX_TOKENS_PER_USER = 50;

export const isTokenShaped = (s: string): boolean => TOKEN_SHAPE.test(s);

const listed = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
};

export async function listTokens(env: Env, userId: string): Promise<ApiToken[]> {
  return drizzle(env.DB)
    .select(listed)
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

export async function createToken(
  env: Env,
  userId: string,
  name: string,
  now = Date.now(),
): Promise<ApiToken & { secret: string }> {
  const db = drizzle(env.DB);
  const live = await db.$count(apiTokens, and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
  if (live >= MAX_TOKENS_PER_USER) {
    throw new ApiError(
      409,
      "too_many_tokens",
      `You already have ${MAX_TOKENS_PER_USER} API tokens; revoke one before creating another.`,
    );
  }
  const secret = TOKEN_PREFIX + randomBase64Url(32);
  const row = {
    id: crypto.randomUUID(),
    userId,
    name,
    prefix: secret.slice(0, TOKEN_PREFIX_CHARS),
    secretHash: await sha256Hex(secret),
    createdAt: now,
  };
  await db.insert(apiTokens).values(row);
  return { id: row.id, name, prefix: row.prefix, createdAt: now, lastUsedAt: null, secret };
}

/** False when the id is unknown, already revoked or someone else's: callers answer 404 either way. */
export async function revokeToken(env: Env, userId: string, id: string, now = Date.now()): Promise<boolean> {
  const gone = await drizzle(env.DB)
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return gone.length > 0;
}

/** Revokes every live token of a user (a password change), as a statement to batch; returns their ids. */
export function revokeAllTokens(db: DrizzleD1Database, userId: string, now: number) {
  return db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
}

/** The caller a bearer secret stands for, or null when it is malformed, unknown or revoked. */
export async function lookupToken(env: Env, secret: string, now = Date.now()): Promise<Caller | null> {
  if (!isTokenShaped(secret)) return null;
  const db = drizzle(env.DB);
  const secretHash = await sha256Hex(secret);
  const [row] = await db
    .select({
      id: apiTokens.id,
      userId: apiTokens.userId,
      lastUsedAt: apiTokens.lastUsedAt,
      email: users.email,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.secretHash, secretHash), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt >= TOKEN_TOUCH_MS) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, row.id),
          or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, now - TOKEN_TOUCH_MS + 1)),
        ),
      );
  }
  return { userId: row.userId, email: row.email, via: "token", tokenId: row.id };
}
