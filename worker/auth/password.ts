// Password hashing: PBKDF2-SHA256 through WebCrypto with a random per-user salt.
// Workers caps PBKDF2 at 100,000 iterations per deriveBits call, so that is the production
// default; tests lower it through PBKDF2_ITERATIONS. The iteration count is stored per user so
// it can be raised later and old hashes upgraded on the next successful login.
import { fromBase64Url, timingSafeEqual, toBase64Url } from "./crypto";

export const DEFAULT_ITERATIONS = 100_000;
const MAX_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export type PasswordHash = { hash: string; salt: string; iterations: number };

/** Iterations for new hashes: env.PBKDF2_ITERATIONS if it is a sane integer, else the default. */
export function passwordIterations(env: Pick<Env, "PBKDF2_ITERATIONS">): number {
  const n = Number(env.PBKDF2_ITERATIONS);
  if (!env.PBKDF2_ITERATIONS || !Number.isInteger(n) || n < 1) return DEFAULT_ITERATIONS;
  return Math.min(n, MAX_ITERATIONS);
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  // NFC so the same password typed on different keyboards/OSes (composed vs decomposed
  // accents) hashes identically.
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations: number): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return { hash: toBase64Url(hash), salt: toBase64Url(salt), iterations };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const iterations = Math.min(Math.max(1, stored.iterations), MAX_ITERATIONS);
  const actual = await derive(password, fromBase64Url(stored.salt), iterations);
  return timingSafeEqual(actual, fromBase64Url(stored.hash));
}

/**
 * Burns the same time as a real verification. Login calls it when the email is unknown, so
 * response time does not reveal which emails have accounts.
 */
export async function fakeVerify(password: string, iterations: number): Promise<false> {
  await derive(password, new Uint8Array(SALT_BYTES), iterations);
  return false;
}
