// The page's own "not Claude" badge; on narrow screens its short form, as the top bar's.
export function SimulatedBadge() {
  return (
    <span
      className="badge badge-amber"
      data-simulated="true"
      title="No Anthropic API key is configured: a built-in simulator answers, not Claude."
    >
      <span className="sim-long">Simulated model — not Claude</span>
      <span className="sim-short">
        Simulated<span className="sr-only"> model — not Claude</span>
      </span>
    </span>
  );
}
