// The "not Claude" badge, in the top bar and in an orchestrator's header; on narrow screens its
// short form, which still says "not Claude" to screen readers.
const PAGE_TITLE = "No Anthropic API key is configured: a built-in simulator answers, not Claude.";

export function SimulatedBadge({ title = PAGE_TITLE }: { title?: string }) {
  return (
    <span className="badge badge-amber" data-simulated="true" title={title}>
      <span className="sim-long">Simulated model — not Claude</span>
      <span className="sim-short">
        Simulated<span className="sr-only"> model — not Claude</span>
      </span>
    </span>
  );
}
