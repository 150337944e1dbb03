// Shapes usage reports for charts: a complete day-by-day series (missing days as zero), nice axis
// ticks, and date ranges.
import type { UsageReport } from "../../schema/api";
import { zeroTotals } from "../../schema/events";

export type UsageRow = UsageReport["rows"][number];

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The last `days` days ending today (UTC), as inclusive YYYY-MM-DD bounds. */
export function lastDays(days: number, now: Date = new Date()): { from: string; to: string } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return { from: isoDay(from), to: isoDay(to) };
}

export function fillDays(rows: readonly UsageRow[], from: string, to: string): UsageRow[] {
  const byDay = new Map(rows.map((r) => [r.key.slice(0, 10), r]));
  const out: UsageRow[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) {
    const key = isoDay(new Date(t));
    out.push(byDay.get(key) ?? { ...zeroTotals(), key, calls: 0 });
  }
  return out;
}

/** 0 and up to `count` round steps covering max (1, 2, 2.5, 5 × 10^n). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function cacheHitRate(t: {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}): number {
  const input = t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens;
  return input > 0 ? t.cacheReadTokens / input : 0;
}
