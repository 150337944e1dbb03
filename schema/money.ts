// One way to write money and token usage, shared by the Worker (messages, tool results), the web
// app and the CLI, so every surface shows the same figure for the same amount (DESIGN §8).
import type { Usage } from "./events";

/**
 * $0.00 for nothing; four decimals under a dollar (a turn costs fractions of a cent); two up to
 * $1,000; whole dollars above. Amounts under a hundredth of a cent keep two significant digits,
 * so a tiny budget or reservation never reads as $0.0000.
 */
export function formatUsd(usd: number): string {
  if (usd === 0) return "$0.00";
  const a = Math.abs(usd);
  const sign = usd < 0 ? "-" : "";
  if (a < 0.0001) return `${sign}$${a.toFixed(10).replace(/^0\.(0*\d{2})\d*$/, "0.$1")}`;
  if (a < 1) return `${sign}$${a.toFixed(4)}`;
  if (a < 1000) return `${sign}$${a.toFixed(2)}`;
  return `${sign}$${Math.round(a).toLocaleString("en")}`;
}

/**
 * A budget: the app sets them in whole cents, so those show in cents ($0.01, $1.25, $5.00) where
 * formatUsd would give a spend's four decimals ($0.0100). One set finer through the API, and
 * $1,000 or more, show as formatUsd does.
 */
export function formatBudget(usd: number): string {
  const wholeCents = Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-9;
  return wholeCents && Math.abs(usd) < 1000 ? `$${usd.toFixed(2)}` : formatUsd(usd);
}

/** Kept for the Worker's sentences; the same text as formatUsd. */
export const usdText = formatUsd;

/**
 * The four token counts every surface shows, in this order and under these names: what the API
 * calls inputTokens is prompt input that was neither written to nor read from the cache.
 */
export const USAGE_FIELDS = [
  { key: "inputTokens", label: "uncached input", short: "in" },
  { key: "cacheWriteTokens", label: "cache write", short: "cache write" },
  { key: "cacheReadTokens", label: "cache read", short: "cache read" },
  { key: "outputTokens", label: "output", short: "out" },
] as const satisfies readonly { key: keyof Usage; label: string; short: string }[];

/** Every token billed: the four counts summed. */
export const totalTokens = (u: Usage): number =>
  u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;

/** Adds b to a, server-tool counts included (they stay absent while both lack them). */
export function addUsage<T extends Usage>(a: T, b: Usage): T {
  const sum: T = {
    ...a,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
  for (const k of ["webSearchRequests", "webFetchRequests", "codeExecutionSeconds"] as const) {
    if (a[k] !== undefined || b[k] !== undefined) sum[k] = (a[k] ?? 0) + (b[k] ?? 0);
  }
  return sum;
}

/** Micro-dollar precision keeps sums of many rows stable. */
export const roundUsd = (usd: number): number => Math.round(usd * 1e6) / 1e6;
