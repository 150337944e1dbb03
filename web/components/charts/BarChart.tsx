// A vertical (optionally stacked) bar chart in plain SVG: axis ticks, a label every few bars,
// a tooltip per bar via <title>, and a visually hidden data table for screen readers.
import { niceTicks } from "../../lib/usageSeries";

export type Series = { key: string; label: string; color: string };
export type Datum = { label: string; values: Record<string, number> };

export function BarChart({
  data,
  series,
  format,
  height = 200,
  title,
}: {
  data: readonly Datum[];
  series: readonly Series[];
  format: (v: number) => string;
  height?: number;
  title: string;
}) {
  const totals = data.map((d) => series.reduce((s, k) => s + (d.values[k.key] ?? 0), 0));
  const ticks = niceTicks(Math.max(0, ...totals));
  const top = ticks[ticks.length - 1] || 1;
  const W = 640;
  const padL = 52;
  const padB = 22;
  const padT = 8;
  const plotW = W - padL - 6;
  const plotH = height - padB - padT;
  const slot = plotW / Math.max(1, data.length);
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const labelEvery = Math.ceil(data.length / 8);
  const y = (v: number) => padT + plotH - (v / top) * plotH;

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={padL} x2={W - 6} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={padL - 8} y={y(t)} className="chart-tick" textAnchor="end" dominantBaseline="middle">
              {format(t)}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          const x = padL + i * slot + (slot - barW) / 2;
          let acc = 0;
          return (
            <g key={d.label}>
              <title>
                {`${d.label}\n${series.map((s) => `${s.label}: ${format(d.values[s.key] ?? 0)}`).join("\n")}`}
              </title>
              <rect x={padL + i * slot} y={padT} width={slot} height={plotH} className="chart-hover" />
              {series.map((s) => {
                const v = d.values[s.key] ?? 0;
                if (v <= 0) return null;
                const y0 = y(acc);
                acc += v;
                const y1 = y(acc);
                return (
                  <rect
                    key={s.key}
                    x={x}
                    y={y1}
                    width={barW}
                    height={Math.max(0.5, y0 - y1)}
                    rx={2}
                    fill={s.color}
                  />
                );
              })}
              {i % labelEvery === 0 && (
                <text x={x + barW / 2} y={height - 6} className="chart-tick" textAnchor="middle">
                  {d.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <figcaption className="chart-legend">
          {series.map((s) => (
            <span key={s.key}>
              <i style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
        </figcaption>
      )}
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th>Label</th>
            {series.map((s) => (
              <th key={s.key}>{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}>
              <td>{d.label}</td>
              {series.map((s) => (
                <td key={s.key}>{format(d.values[s.key] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Ranked horizontal bars: one row per item, bar length by value, with a secondary note. */
export function RankedBars({
  rows,
  format,
  empty,
}: {
  rows: readonly { key: string; label: string; value: number; note?: string }[];
  format: (v: number) => string;
  empty: string;
}) {
  if (rows.length === 0) return <p className="faint chart-empty">{empty}</p>;
  const max = Math.max(...rows.map((r) => r.value)) || 1;
  return (
    <ul className="ranked">
      {rows.map((r) => (
        <li key={r.key}>
          <div className="ranked-top">
            <span className="truncate">{r.label}</span>
            <span className="num">{format(r.value)}</span>
          </div>
          <div className="meter ranked-bar" aria-hidden="true">
            <span style={{ width: `${(r.value / max) * 100}%` }} />
          </div>
          {r.note && <div className="faint ranked-note num">{r.note}</div>}
        </li>
      ))}
    </ul>
  );
}
