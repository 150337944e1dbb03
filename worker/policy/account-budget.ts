// The user's account budget, held per model call (DESIGN §8). Each call inserts a reservation row
// only if spend + live reservations + its worst case fit — one conditional statement, which D1
// runs atomically, so calls racing across all of a user's orchestrators and agents cannot together
// overspend by more than one call's reservation. The row is deleted in the same D1 batch that
// records the call's billed message (the spend replaces the hold), or lapses at expires_at.
import { inArray, lt, or } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { accountReservations } from "../../schema/d1";
import { formatBudget, usdText } from "../../schema/money";

/** Longer than any one model call can take (retries included): then a reservation lapses. */
export const RESERVATION_TTL_MS = 15 * 60_000;

const RESERVE = `INSERT INTO account_reservations (id, user_id, usd, expires_at)
SELECT ?1, ?2, ?3, ?4 FROM users u
WHERE u.id = ?2 AND (u.budget_usd IS NULL OR u.spent_usd
  + COALESCE((SELECT SUM(usd) FROM account_reservations WHERE user_id = ?2 AND expires_at > ?5), 0)
  + ?3 <= u.budget_usd)
ON CONFLICT (id) DO NOTHING`;

const STANDING = `SELECT u.budget_usd AS budget, u.spent_usd AS spent,
  COALESCE((SELECT SUM(usd) FROM account_reservations WHERE user_id = ?1 AND expires_at > ?2), 0) AS reserved
FROM users u WHERE u.id = ?1`;

type Standing = { budget: number | null; spent: number; reserved: number };

/**
 * Holds `usd` of the user's account budget for one call. Returns null when held (or when the user
 * has no account budget), else the sentence that refuses the call.
 */
export async function reserveAccount(
  db: D1Database,
  userId: string,
  reservationId: string,
  usd: number,
  now = Date.now(),
): Promise<string | null> {
  const res = await db
    .prepare(RESERVE)
    .bind(reservationId, userId, usd, now + RESERVATION_TTL_MS, now)
    .run();
  if (res.meta.changes === 1) return null;
  const standing = await db.prepare(STANDING).bind(userId, now).first<Standing>();
  // The user is gone, the budget was lifted meanwhile, or this id was already held: nothing to refuse.
  if (!standing || standing.budget === null) return null;
  if (standing.spent + standing.reserved + usd <= standing.budget) return null;
  return `Your account budget of ${formatBudget(standing.budget)} would be exceeded: ${usdText(standing.spent)} spent, ${usdText(standing.reserved)} reserved by running calls, and this call may cost up to ${usdText(usd)}. Raise it in Settings.`;
}

/** Releases reservations (calls that ended without billing, or whose billing is in this batch). */
export function releaseReservations(db: DrizzleD1Database, ids: string[], now = Date.now()) {
  // Lapsed rows of anyone go too: they no longer count and nothing else sweeps them.
  return db
    .delete(accountReservations)
    .where(or(inArray(accountReservations.id, ids), lt(accountReservations.expiresAt, now)));
}

/** Whether the user has an account budget (the objects skip the per-call statement when not). */
export async function hasAccountBudget(db: D1Database, userId: string): Promise<boolean> {
  const row = await db.prepare("SELECT budget_usd AS budget FROM users WHERE id = ?").bind(userId).first<{
    budget: number | null;
  }>();
  return row?.budget !== null && row?.budget !== undefined;
}
