// How full a context window is: a thin bar with the numbers beside it.
import { contextShare, formatTokens } from "../lib/format";

export function ContextBar({
  tokens,
  window,
  compact,
}: {
  tokens: number;
  window: number;
  compact?: boolean;
}) {
  const share = contextShare(tokens, window);
  const level = share >= 0.9 ? "full" : share >= 0.7 ? "high" : "ok";
  const pct = Math.round(share * 100);
  return (
    <div
      className="context-bar"
      title={`Context: ${tokens.toLocaleString()} of ${window.toLocaleString()} tokens`}
    >
      {/* biome-ignore lint/a11y/useSemanticElements: a styled bar; <meter> can't be themed consistently across browsers. */}
      <div
        className="meter"
        data-level={level}
        role="meter"
        aria-label="Context window used"
        aria-valuemin={0}
        aria-valuemax={window}
        aria-valuenow={tokens}
        aria-valuetext={`${pct}% of the context window`}
      >
        <span style={{ width: `${Math.max(share * 100, tokens > 0 ? 1.5 : 0)}%` }} />
      </div>
      {!compact && (
        <span className="faint num context-bar-label">
          {formatTokens(tokens)} / {formatTokens(window)} · {pct}%
        </span>
      )}
    </div>
  );
}
