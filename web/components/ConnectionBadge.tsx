// Always-visible state of the live connection, with a retry button when it's down.
import { useEffect, useState } from "react";
import type { ConnectionState } from "../lib/stream";

const TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};
const TONE: Record<ConnectionState, string> = {
  connecting: "",
  live: "badge-green",
  reconnecting: "badge-amber",
  offline: "badge-red",
};

export function ConnectionBadge({
  connection,
  retryAt,
  onRetry,
}: {
  connection: ConnectionState;
  retryAt: number | null;
  onRetry?: () => void;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!retryAt) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [retryAt]);
  const secs = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : null;
  return (
    <span className="row" style={{ gap: 6 }}>
      <span
        className={`badge ${TONE[connection]}`}
        role="status"
        aria-live="polite"
        data-connection={connection}
        title={connection === "live" ? "Receiving events live" : undefined}
      >
        {connection === "connecting" ? (
          <span className="spinner" aria-hidden="true" style={{ width: 9, height: 9, borderWidth: 1.5 }} />
        ) : (
          <span className={`dot${connection === "reconnecting" ? " dot-pulse" : ""}`} aria-hidden="true" />
        )}
        {TEXT[connection]}
        {connection === "reconnecting" && secs !== null && secs > 0 ? ` in ${secs}s` : ""}
      </span>
      {onRetry && (connection === "reconnecting" || connection === "offline") && (
        <button type="button" className="btn btn-sm btn-ghost" onClick={onRetry}>
          Retry now
        </button>
      )}
    </span>
  );
}
