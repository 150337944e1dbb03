// Number, money, size and time formatting used across the app: compact, consistent, locale-aware.
import type { Totals, Usage } from "../../schema/events";
import { formatBudget, formatUsd, totalTokens, USAGE_FIELDS } from "../../schema/money";

export { formatBudget, formatUsd, totalTokens, USAGE_FIELDS };

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat("en");

export function formatTokens(n: number): string {
  return n < 10_000 ? integer.format(n) : compact.format(n);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m ${s}s`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then a date. */
export function formatRelative(ts: number, now: number = Date.now()): string {
  const d = Math.max(0, now - ts);
  if (d < 45_000) return "just now";
  if (d < 3_600_000) return `${Math.round(d / 60_000)} min ago`;
  if (d < 86_400_000) return `${Math.round(d / 3_600_000)} h ago`;
  if (d < 7 * 86_400_000) return `${Math.round(d / 86_400_000)} d ago`;
  return new Date(ts).toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" });
}

export function formatClock(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDateTime(ts: number): string {
  return new Date(ts).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/**
 * "12 in · 600 cache write · 8k cache read · 456 out": the four counts every surface shows, in the
 * same order and words (in = uncached input, as the API's inputTokens).
 */
export function formatUsage(u: Usage): string {
  return USAGE_FIELDS.map((f) => `${formatTokens(u[f.key])} ${f.short}`).join(" · ");
}

/** The same four counts with their full names, one per line (tooltips). */
export function describeUsage(u: Usage): string {
  return USAGE_FIELDS.map((f) => `${f.label}: ${u[f.key].toLocaleString("en")}`).join("\n");
}

export function formatTotals(t: Totals): string {
  return `${formatTokens(totalTokens(t))} tokens · ${formatUsd(t.costUsd)}`;
}

/** Share of the context window in use, 0..1. */
export const contextShare = (tokens: number, window: number): number =>
  window > 0 ? Math.min(1, Math.max(0, tokens / window)) : 0;
