// Fixed-window rate limits kept in D1 (table rate_limits): one row per key, one statement per
// check. D1 is the one store every isolate and region sees, so limits hold across machines.
import { type Refusal, refuse } from "../http/errors";

/** Stale rows are swept occasionally; windows longer than this would be cut short by the sweep. */
const MAX_WINDOW_SEC = 86_400;
const SWEEP_PROBABILITY = 0.01;

// Counts the hit in the current window, or starts a new window, and returns the new count.
// In an UPDATE every right-hand side sees the old row, so the two CASEs agree.
const HIT = `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
ON CONFLICT(key) DO UPDATE SET
  count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
  window_start = excluded.window_start
RETURNING count, window_start`;

type HitRow = { count: number; window_start: number };

/**
 * One hit for `key`, as a statement to run (alone or in a batch with other checks) and the check
 * of its result: a 429 refusal {code:"rate_limited", retryAfterSec} once more than `limit` hits
 * land in the current `windowSec`-second window.
 */
export function rateHit(
  env: Env,
  key: string,
  limit: number,
  windowSec: number,
): { statement: D1PreparedStatement; check: (row: HitRow | null | undefined) => Refusal | null } {
  if (!(windowSec > 0 && windowSec <= MAX_WINDOW_SEC)) {
    throw new Error(`rateLimit window must be 1..${MAX_WINDOW_SEC} s, got ${windowSec}`);
  }
  const windowMs = Math.round(windowSec * 1000);
  const now = Date.now();
  const statement = env.DB.prepare(HIT).bind(key, now - (now % windowMs));
  // An operator knob (e.g. for load tests on a private deployment); never below the coded limit.
  const scaled = limit * Math.max(1, Number(env.RATE_LIMIT_MULTIPLIER || 1));
  const check = (row: HitRow | null | undefined): Refusal | null => {
    if (!row || row.count <= scaled) return null;
    const retryAfter = Math.max(1, Math.ceil((row.window_start + windowMs - now) / 1000));
    return {
      status: 429,
      code: "rate_limited",
      message: `Too many requests; try again in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.`,
      retryAfterSec: retryAfter,
    };
  };
  return { statement, check };
}

/** Now and then, a statement that deletes rows of windows long gone; usually null. */
export function rateSweep(env: Env): D1PreparedStatement | null {
  if (Math.random() >= SWEEP_PROBABILITY) return null;
  return env.DB.prepare("DELETE FROM rate_limits WHERE window_start < ?1").bind(
    Date.now() - MAX_WINDOW_SEC * 1000,
  );
}

/**
 * Records one hit for `key` and throws 429 once the window's limit is passed. Every call counts,
 * refused ones too, so hammering doesn't help. Keys are namespaced by the caller, e.g.
 * `login:ip:1.2.3.4`.
 */
export async function rateLimit(env: Env, key: string, limit: number, windowSec: number): Promise<void> {
  const hit = rateHit(env, key, limit, windowSec);
  const row = await hit.statement.first<HitRow>();
  await rateSweep(env)?.run();
  refuse(hit.check(row));
}

/** The client's address as Cloudflare saw it (the edge overwrites this header; clients can't). */
export function clientIp(req: Request): string {
  return req.headers.get("CF-Connecting-IP") ?? "unknown";
}
