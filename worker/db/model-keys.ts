// A user's own Anthropic API key (bring your own key) in D1. It goes in only through setModelKey,
// sealed with the deployment key (auth/secrets.ts) and bound to its user, so a sealed value copied to
// another row doesn't open; it comes out as plaintext only for that user's model calls
// (userModelKey), and to the API only as its last 4 characters. Nothing here logs the key.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../../schema/d1";
import { SecretBox } from "../auth/secrets";

const bound = (userId: string) => `user:${userId}:anthropic-key`;

export type ModelKeyInfo = { last4: string; setAt: number };

/** Seals and stores the key; throws SecretKeyMissing when the server has no BATON_SECRET_KEY. */
export async function setModelKey(env: Env, userId: string, key: string): Promise<ModelKeyInfo> {
  const sealed = await SecretBox.require(env).seal(key, bound(userId));
  const info = { last4: key.slice(-4), setAt: Date.now() };
  await drizzle(env.DB)
    .update(users)
    .set({ anthropicKeySealed: sealed, anthropicKeyLast4: info.last4, anthropicKeySetAt: info.setAt })
    .where(eq(users.id, userId));
  return info;
}

/** What the API shows of the user's key: its last 4 characters and when it was set, or null. */
export async function modelKeyInfo(env: Env, userId: string): Promise<ModelKeyInfo | null> {
  const [row] = await drizzle(env.DB)
    .select({ last4: users.anthropicKeyLast4, setAt: users.anthropicKeySetAt })
    .from(users)
    .where(eq(users.id, userId));
  return row?.last4 && row.setAt ? { last4: row.last4, setAt: row.setAt } : null;
}

export async function dropModelKey(env: Env, userId: string): Promise<void> {
  await drizzle(env.DB)
    .update(users)
    .set({ anthropicKeySealed: null, anthropicKeyLast4: null, anthropicKeySetAt: null })
    .where(eq(users.id, userId));
}

/** The statement that reads the user's sealed key (for batching with a run's other first reads). */
export function sealedModelKeyStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare("SELECT anthropic_key_sealed AS sealed FROM users WHERE id = ?1").bind(userId);
}

/**
 * The user's key for a model call, or null when they have none. A key that can't be opened (the
 * server's BATON_SECRET_KEY was removed or changed) counts as none: the call falls back to the
 * operator's key or the simulator, and the log says so (without the value).
 */
export async function userModelKey(env: Env, userId: string): Promise<string | null> {
  const row = await sealedModelKeyStatement(env.DB, userId).first<{ sealed: string | null }>();
  return openModelKey(env, userId, row?.sealed ?? null);
}

/** Opens a sealed key read by `sealedModelKeyStatement` (null: none, or one that can't be opened). */
export async function openModelKey(env: Env, userId: string, sealed: string | null): Promise<string | null> {
  if (!sealed) return null;
  const box = SecretBox.fromEnv(env);
  if (!box) {
    console.error(`user ${userId} has an Anthropic key, but BATON_SECRET_KEY is not set to open it`);
    return null;
  }
  try {
    return await box.open(sealed, bound(userId));
  } catch (err) {
    console.error(`user ${userId}'s Anthropic key could not be opened:`, (err as Error).message);
    return null;
  }
}
