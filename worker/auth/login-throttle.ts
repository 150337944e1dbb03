// Login throttling that bounds password guessing without letting anyone lock the owner out.
// A lock keyed by email alone (the old design) let anyone refuse the owner's logins by failing ten
// times. Limits are keyed by where attempts come from instead:
//   - per network, any email: one source can't spray many accounts;
//   - per email + network: one source can't grind one account; nobody else is affected;
//   - per email, attempts from networks this account hasn't signed in from within a day: bounds
//     a guesser spread over many addresses. Only such attempts count and only they are refused,
//     so the owner on a network they used recently always gets through.
// Every count lives in D1 rate_limits (one upsert per check), like the other limits.
import { refuse } from "../http/errors";
import { rateHit, rateSweep } from "../policy/rate-limit";

/** Per window of `sec` seconds; every attempt counts, successful or not. */
export const LOGIN_LIMITS = {
  perNetwork: { limit: 30, sec: 900 },
  perEmailNetwork: { limit: 10, sec: 900 },
  perEmailUntrusted: { limit: 50, sec: 900 },
} as const;

/** How long a successful sign-in makes its network trusted for that account. */
export const TRUST_MS = 86_400_000;

type HitRow = { count: number; window_start: number };

/**
 * The throttling identity of an address: an IPv4 address as is, an IPv6 address by its /64
 * (one subscriber commonly holds a whole /64, so per-address limits would be no limit at all).
 */
export function networkOf(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(":")) return ip;
  const halves = ip.toLowerCase().split("::");
  if (halves.length > 2) return ip;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return ip;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return ip;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

const trustKey = (email: string, network: string) => `login:ok:${email}|${network}`;

/** Before the body is read: counts the attempt against its network, refusing past the cap. */
export async function admitLoginFrom(env: Env, network: string): Promise<void> {
  const { perNetwork } = LOGIN_LIMITS;
  const hit = rateHit(env, `login:ip:${network}`, perNetwork.limit, perNetwork.sec);
  const row = await hit.statement.first<HitRow>();
  await rateSweep(env)?.run();
  refuse(hit.check(row));
}

/** Counts an attempt at `email` from `network`; throws 429 rate_limited once a limit is passed. */
export async function admitLogin(env: Env, email: string, network: string, now = Date.now()): Promise<void> {
  const { perEmailNetwork, perEmailUntrusted } = LOGIN_LIMITS;
  const own = rateHit(env, `login:email-ip:${email}|${network}`, perEmailNetwork.limit, perEmailNetwork.sec);
  const trusted = env.DB.prepare("SELECT 1 AS ok FROM rate_limits WHERE key = ?1 AND window_start > ?2").bind(
    trustKey(email, network),
    now - TRUST_MS,
  );
  const [ownRow, trust] = await env.DB.batch<HitRow & { ok: number }>([own.statement, trusted]);
  refuse(own.check(ownRow?.results[0]));
  if (trust?.results.length) return;
  // Reached only by attempts their own network's limit allowed, so one source can't use up this
  // account's shared allowance by hammering.
  const shared = rateHit(env, `login:email:${email}`, perEmailUntrusted.limit, perEmailUntrusted.sec);
  refuse(shared.check(await shared.statement.first<HitRow>()));
}

/** After a successful sign-in: this network is trusted for this account for the next TRUST_MS. */
export function trustNetwork(
  env: Env,
  email: string,
  network: string,
  now = Date.now(),
): D1PreparedStatement {
  return env.DB.prepare(
    `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
     ON CONFLICT(key) DO UPDATE SET window_start = excluded.window_start, count = rate_limits.count + 1`,
  ).bind(trustKey(email, network), now);
}
