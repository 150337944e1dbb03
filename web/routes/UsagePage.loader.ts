// Usage (routes/UsagePage.tsx) over the range in `?days=` (30 by default): per day, per model and
// per orchestrator, in parallel.
import type { LoaderFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { settle } from "../lib/loaders";
import { lastDays } from "../lib/usageSeries";

export const RANGES = [7, 30, 90] as const;
export type Range = (typeof RANGES)[number];
export const DEFAULT_RANGE: Range = 30;

export function rangeOf(params: URLSearchParams): Range {
  const days = Number(params.get("days"));
  return RANGES.find((r) => r === days) ?? DEFAULT_RANGE;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const days = rangeOf(new URL(request.url).searchParams);
  const { from, to } = lastDays(days);
  const report = await settle(request, async () => {
    const [byDay, byModel, byOrch] = await Promise.all([
      api.usage({ from, to, groupBy: "day" }),
      api.usage({ from, to, groupBy: "model" }),
      api.usage({ from, to, groupBy: "orchestrator" }),
    ]);
    return { byDay, byModel, byOrch };
  });
  return { days, from, to, report };
}
