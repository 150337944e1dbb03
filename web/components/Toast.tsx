// A short-lived message at the bottom of the page, with one action (Undo). It stays while the
// pointer or keyboard focus is on it (nobody loses an Undo while reaching for it) and is announced
// politely; it never takes focus itself. A page holds one with useToast() and renders <Toast>.
import { useCallback, useEffect, useRef, useState } from "react";
import { Icon } from "./Icon";
import "../styles/toast.css";

export type ToastMessage = {
  id: number;
  text: string;
  tone?: "info" | "error";
  action?: { label: string; run: () => Promise<void> | void };
};

const SHOW_MS = 10_000;

/** A page's toast: `say` shows a message (replacing the one shown), `dismiss` takes it away. */
export function useToast() {
  const [toast, setToast] = useState<ToastMessage | null>(null);
  const next = useRef(0);
  const say = useCallback((t: Omit<ToastMessage, "id">) => setToast({ ...t, id: ++next.current }), []);
  const dismiss = useCallback(() => setToast(null), []);
  return { toast, say, dismiss };
}

export function Toast({ toast, onDismiss }: { toast: ToastMessage | null; onDismiss: () => void }) {
  const [held, setHeld] = useState(false);
  const [busy, setBusy] = useState(false);
  const dismiss = useRef(onDismiss);
  dismiss.current = onDismiss;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new toast (its id) restarts the clock.
  useEffect(() => {
    setBusy(false);
  }, [toast?.id]);
  useEffect(() => {
    if (!toast || held || busy) return;
    const t = setTimeout(() => dismiss.current(), SHOW_MS);
    return () => clearTimeout(t);
  }, [toast, held, busy]);

  return (
    <div className="toast-region" role="status" aria-live="polite">
      {toast && (
        // biome-ignore lint/a11y/noStaticElementInteractions: hovering or focusing only pauses the timer.
        <div
          className="toast"
          data-tone={toast.tone ?? "info"}
          onMouseEnter={() => setHeld(true)}
          onMouseLeave={() => setHeld(false)}
          onFocus={() => setHeld(true)}
          onBlur={() => setHeld(false)}
        >
          <span className="toast-text">{toast.text}</span>
          {toast.action && (
            <button
              type="button"
              className="btn btn-sm toast-action"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await toast.action?.run();
                } finally {
                  setBusy(false);
                }
              }}
            >
              {busy && <span className="spinner" aria-hidden="true" />}
              {toast.action.label}
            </button>
          )}
          <button
            type="button"
            className="btn btn-sm btn-ghost btn-icon"
            aria-label="Dismiss"
            onClick={onDismiss}
          >
            <Icon name="x" size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
