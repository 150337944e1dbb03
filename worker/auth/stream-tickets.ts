// Stream tickets: what a client that can't set headers (EventSource, a browser WebSocket on another
// origin) puts in the URL instead of its API token. URLs are recorded by the platform whatever the
// app does (Workers Logs and `wrangler tail` keep the full request URL; so does local dev's trace
// store), so what lands there must be worthless: a ticket is good for one stream request, for
// TICKET_TTL_MS, and stands for the credential that minted it (revoking that ends its streams).
//
// Storage is the D1 rate_limits table, which already holds short-lived keyed rows and sweeps them:
// key `ticket:<SHA-256 of the ticket>:<JSON {userId, credential}>`, window_start = when minted.
// Only the hash rests; redeeming deletes the row in one statement (a range read on the primary
// key), so a ticket can be used once even by concurrent requests.
import type { Caller } from "../http/context";
import { refuse } from "../http/errors";
import { rateHit } from "../policy/rate-limit";
import { randomBase64Url, sha256Hex } from "./crypto";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "./sessions";

export const TICKET_PREFIX = "bst_";
const TICKET_SHAPE = /^bst_[A-Za-z0-9_-]{43}$/;
export const TICKET_TTL_MS = 60_000;
/** Minting is a D1 write: a caller gets this many a minute, plenty for reconnecting streams. */
export const TICKETS_PER_MINUTE = 60;

export const isTicketShaped = (s: string): boolean => TICKET_SHAPE.test(s);

/** The minting credential, as kept in the row: an API token by id, a session by its id hash. */
type Credential = { kind: "token"; id: string } | { kind: "session"; id: string };
type Stored = { userId: string; credential: Credential };

function credentialOfCaller(caller: Caller): Credential {
  if (caller.via === "token" && caller.tokenId) return { kind: "token", id: caller.tokenId };
  if (caller.via === "session" && caller.sessionHash) return { kind: "session", id: caller.sessionHash };
  throw new Error("caller has no identifiable credential");
}

const rowPrefix = (hash: string) => `ticket:${hash}:`;

/** A new ticket for `caller`; throws 429 rate_limited past TICKETS_PER_MINUTE. */
export async function mintTicket(
  env: Env,
  caller: Caller,
  now = Date.now(),
): Promise<{ ticket: string; expiresAt: number }> {
  const limit = rateHit(env, `stream-tickets:user:${caller.userId}`, TICKETS_PER_MINUTE, 60);
  refuse(limit.check(await limit.statement.first()));
  const ticket = TICKET_PREFIX + randomBase64Url(32);
  const stored: Stored = { userId: caller.userId, credential: credentialOfCaller(caller) };
  const key = rowPrefix(await sha256Hex(ticket)) + JSON.stringify(stored);
  await env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)")
    .bind(key, now)
    .run();
  return { ticket, expiresAt: now + TICKET_TTL_MS };
}

// The minting credential must still be good when the ticket is used: the same tests the
// middleware applies to a token (not revoked) or a session (expiry, idle, password change).
const TOKEN_CALLER = `SELECT u.email AS email FROM api_tokens t JOIN users u ON u.id = t.user_id
  WHERE t.id = ?1 AND t.user_id = ?2 AND t.revoked_at IS NULL`;
const SESSION_CALLER = `SELECT u.email AS email FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id_hash = ?1 AND s.user_id = ?2 AND s.expires_at > ?3 AND s.last_seen_at > ?3 - ?4
    AND s.created_at > ?3 - ?5 AND u.password_changed_at <= s.created_at`;

/**
 * The caller a ticket stands for, using it up; null when it is malformed, unknown, used, expired,
 * or its credential has ended since.
 */
export async function redeemTicket(env: Env, ticket: string, now = Date.now()): Promise<Caller | null> {
  if (!isTicketShaped(ticket)) return null;
  const prefix = rowPrefix(await sha256Hex(ticket));
  // ';' follows ':' in byte order: the range holds exactly the keys that start with the prefix.
  const used = await env.DB.prepare(
    "DELETE FROM rate_limits WHERE key > ?1 AND key < ?2 AND window_start > ?3 RETURNING key",
  )
    .bind(prefix, `${prefix.slice(0, -1)};`, now - TICKET_TTL_MS)
    .first<{ key: string }>();
  if (!used) return null;
  const { userId, credential } = JSON.parse(used.key.slice(prefix.length)) as Stored;
  const check =
    credential.kind === "token"
      ? env.DB.prepare(TOKEN_CALLER).bind(credential.id, userId)
      : env.DB.prepare(SESSION_CALLER).bind(credential.id, userId, now, SESSION_IDLE_MS, SESSION_ABSOLUTE_MS);
  const row = await check.first<{ email: string }>();
  if (!row) return null;
  return credential.kind === "token"
    ? { userId, email: row.email, via: "token", tokenId: credential.id }
    : { userId, email: row.email, via: "session", sessionHash: credential.id };
}
