// The credential a stream was opened with, as a short key the objects keep beside each watcher, so
// that ending the credential (token revoked, logout, password change) can end its streams (§8).
// `token:<token id>` or `session:<SHA-256 of the session id>` — never a secret itself.
import type { Caller } from "../http/context";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "./sessions";

export type CredentialKey = `token:${string}` | `session:${string}`;

export const tokenCredential = (tokenId: string): CredentialKey => `token:${tokenId}`;
export const sessionCredential = (idHash: string): CredentialKey => `session:${idHash}`;

export function credentialOf(caller: Caller): CredentialKey {
  if (caller.via === "token" && caller.tokenId) return tokenCredential(caller.tokenId);
  if (caller.via === "session" && caller.sessionHash) return sessionCredential(caller.sessionHash);
  // Every authenticated caller carries one of the two; an unidentifiable one must not open streams.
  throw new Error("caller has no identifiable credential");
}

export function isCredentialKey(s: unknown): s is CredentialKey {
  return typeof s === "string" && /^(token|session):[A-Za-z0-9_-]{1,128}$/.test(s);
}

// The same tests the middleware applies (revoked_at, expiry, password change), without touching
// last-used stamps: a watcher's frames re-check liveness, they don't count as use.
const TOKEN_ALIVE = `SELECT 1 AS ok FROM api_tokens WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL`;
const SESSION_ALIVE = `SELECT 1 AS ok FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id_hash = ?1 AND s.user_id = ?2 AND s.expires_at > ?3 AND s.last_seen_at > ?3 - ?4
    AND s.created_at > ?3 - ?5 AND u.password_changed_at <= s.created_at`;

/**
 * The read that says whether `key` is still a valid credential of `userId` (one indexed read), to
 * run alone or in a batch with other reads (a socket send's admission); null for a malformed key.
 */
export function credentialStatement(
  env: Env,
  userId: string,
  key: string,
  now = Date.now(),
): D1PreparedStatement | null {
  if (!isCredentialKey(key)) return null;
  const [kind, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  return kind === "token"
    ? env.DB.prepare(TOKEN_ALIVE).bind(id, userId)
    : env.DB.prepare(SESSION_ALIVE).bind(id, userId, now, SESSION_IDLE_MS, SESSION_ABSOLUTE_MS);
}

/** Whether a credentialStatement's result found the credential valid. */
export const aliveIn = (result: D1Result | undefined): boolean =>
  (result?.results[0] as { ok?: number } | undefined)?.ok === 1;

/** Whether `key` is still a valid credential of `userId`, asked of D1. */
export async function credentialAlive(
  env: Env,
  userId: string,
  key: string,
  now = Date.now(),
): Promise<boolean> {
  const stmt = credentialStatement(env, userId, key, now);
  return stmt ? aliveIn(await stmt.all()) : false;
}
