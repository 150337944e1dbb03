export function SimulatedBadge() {
  return (
    <span
      className="badge badge-amber"
      data-simulated="true"
      title="No Anthropic API key is configured: a built-in simulator answers, not Claude."
    >
      Simulated model — not Claude
    </span>
  );
}
