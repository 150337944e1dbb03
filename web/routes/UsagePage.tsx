// Tokens and USD over time, by model and by orchestrator.
import { useEffect } from "react";
import { useLoaderData, useNavigation, useSearchParams } from "react-router";
import { BarChart, RankedBars } from "../components/charts/BarChart";
import { formatTokens, formatUsd, totalTokens, USAGE_FIELDS } from "../lib/format";
import type { DataOf } from "../lib/loaders";
import { modelLabel } from "../lib/models";
import { cacheHitRate, fillDays } from "../lib/usageSeries";
import { DEFAULT_RANGE, type loader, RANGES, type Range, rangeOf } from "./UsagePage.loader";
import "../styles/usage.css";

const SERIES_COLORS: Record<(typeof USAGE_FIELDS)[number]["key"], string> = {
  inputTokens: "var(--accent)",
  cacheWriteTokens: "color-mix(in srgb, var(--accent) 55%, var(--bg))",
  cacheReadTokens: "color-mix(in srgb, var(--accent) 25%, var(--bg))",
  outputTokens: "var(--green)",
};
// The four counts under the names every surface uses.
const TOKEN_SERIES = USAGE_FIELDS.map((f) => ({
  key: f.key,
  label: f.label[0]!.toUpperCase() + f.label.slice(1),
  color: SERIES_COLORS[f.key],
}));

export default function UsagePage() {
  // The range lives in the URL (`?days=`), so the loader fetches it; the page shows the range asked
  // for at once and the previous report until the new one is in.
  const { days: loadedDays, from, to, report } = useLoaderData<DataOf<typeof loader>>();
  const [, setParams] = useSearchParams();
  const pending = useNavigation().location;
  const loading = pending?.pathname === "/usage";
  const days = loading ? rangeOf(new URLSearchParams(pending.search)) : loadedDays;
  const setDays = (r: Range) =>
    setParams(
      (p) => {
        const q = new URLSearchParams(p);
        if (r === DEFAULT_RANGE) q.delete("days");
        else q.set("days", String(r));
        return q;
      },
      { replace: true, preventScrollReset: true },
    );

  useEffect(() => {
    document.title = "Usage · Baton";
  }, []);

  const data = report.data;
  const series = data ? fillDays(data.byDay.rows, from, to) : [];
  const label = (key: string) =>
    new Date(`${key}T00:00:00Z`).toLocaleDateString(undefined, {
      month: "short",
      day: "numeric",
      timeZone: "UTC",
    });
  const t = data?.byDay.totals;
  const calls = data?.byDay.rows.reduce((s, r) => s + r.calls, 0) ?? 0;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Usage</h1>
          <p>Tokens and spend across all your orchestrators and agents.</p>
        </div>
        <div className="spacer" />
        <div className="segmented">
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={days === r} onClick={() => setDays(r)}>
              {r} days
            </button>
          ))}
        </div>
      </div>

      {report.error && (
        <div className="notice notice-error" role="alert">
          {report.error.message}
        </div>
      )}

      <div className="stat-grid" aria-busy={loading}>
        <Stat label="Spend" value={t ? formatUsd(t.costUsd) : "—"} />
        <Stat label="Tokens" value={t ? formatTokens(totalTokens(t)) : "—"} />
        <Stat label="Model calls" value={data ? calls.toLocaleString() : "—"} />
        <Stat
          label="Cache hit rate"
          value={t ? `${Math.round(cacheHitRate(t) * 100)}%` : "—"}
          hint="Share of input tokens read from the prompt cache"
        />
      </div>

      <div className="usage-grid">
        <section className="card card-pad usage-wide">
          <h2>Spend per day</h2>
          <BarChart
            title="Spend per day in USD"
            data={series.map((r) => ({ label: label(r.key), values: { costUsd: r.costUsd } }))}
            series={[{ key: "costUsd", label: "Spend", color: "var(--accent)" }]}
            format={formatUsd}
          />
        </section>
        <section className="card card-pad usage-wide">
          <h2>Tokens per day</h2>
          <BarChart
            title="Tokens per day by kind"
            data={series.map((r) => ({
              label: label(r.key),
              values: {
                inputTokens: r.inputTokens,
                cacheWriteTokens: r.cacheWriteTokens,
                cacheReadTokens: r.cacheReadTokens,
                outputTokens: r.outputTokens,
              },
            }))}
            series={TOKEN_SERIES}
            format={formatTokens}
          />
        </section>
        <section className="card card-pad">
          <h2>By model</h2>
          <RankedBars
            empty="No usage in this range."
            format={formatUsd}
            rows={(data?.byModel.rows ?? [])
              .slice()
              .sort((a, b) => b.costUsd - a.costUsd)
              .map((r) => ({
                key: r.key,
                label: modelLabel(r.label ?? r.key),
                value: r.costUsd,
                note: `${formatTokens(totalTokens(r))} tokens · ${r.calls.toLocaleString()} calls`,
              }))}
          />
        </section>
        <section className="card card-pad">
          <h2>By orchestrator</h2>
          <RankedBars
            empty="No usage in this range."
            format={formatUsd}
            rows={(data?.byOrch.rows ?? [])
              .slice()
              .sort((a, b) => b.costUsd - a.costUsd)
              .map((r) => ({
                key: r.key,
                label: r.label ?? r.key,
                value: r.costUsd,
                note: `${formatTokens(totalTokens(r))} tokens · ${r.calls.toLocaleString()} calls`,
              }))}
          />
        </section>
      </div>
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="card stat" title={hint}>
      <div className="label">{label}</div>
      <div className="stat-value num">{value}</div>
    </div>
  );
}
