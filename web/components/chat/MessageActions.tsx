// The small controls under a message: when it was sent (the full date and time on hover, and for
// assistive technology in the element itself), copy, and the actions a page offers.
import { useEffect, useRef, useState } from "react";
import { Icon, type IconName } from "../Icon";

const sameDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** "14:05" today, "3 Mar, 14:05" another day. */
export function shortTime(ts: number, now = new Date()): string {
  const d = new Date(ts);
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (sameDay(d, now)) return time;
  const date = d.toLocaleDateString(undefined, {
    month: "short",
    day: "numeric",
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  });
  return `${date}, ${time}`;
}

/** "Tuesday, 3 March 2026 at 14:05:09". */
export function fullTime(ts: number): string {
  return new Date(ts).toLocaleString(undefined, { dateStyle: "full", timeStyle: "medium" });
}

/**
 * When a message was sent: the short time, and the full date on hover (title) or keyboard focus
 * (a tooltip from data-full; it is a tab stop for that), and in the element for screen readers.
 */
export function Timestamp({ ts }: { ts: number }) {
  const full = fullTime(ts);
  return (
    <time
      className="msg-time"
      dateTime={new Date(ts).toISOString()}
      title={full}
      data-full={full}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: focus is how keyboard users see the full date.
      tabIndex={0}
    >
      <span aria-hidden="true">{shortTime(ts)}</span>
      <span className="sr-only">{full}</span>
    </time>
  );
}

/** Copies `text`; says "Copied" for a moment (and to screen readers). */
export function CopyButton({ text, label = "Copy" }: { text: () => string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      setState("copied");
    } catch {
      setState("failed");
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 1500);
  };
  // The status is beside the button, not in it: the button's name stays what it does.
  return (
    <>
      <button type="button" className="msg-action" onClick={() => void copy()} title={label}>
        <Icon name={state === "copied" ? "check" : "copy"} size={13} />
        <span className="sr-only">{label}</span>
      </button>
      <span className="msg-action-text" aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : ""}
      </span>
    </>
  );
}

/** An action under a message: an icon and a word, busy while it runs. */
export function ActionButton({
  icon,
  label,
  onClick,
  busy = false,
  tone,
}: {
  icon: IconName;
  label: string;
  onClick: () => void;
  busy?: boolean;
  tone?: "danger";
}) {
  return (
    <button
      type="button"
      className={`msg-action msg-action-word${tone === "danger" ? " msg-action-danger" : ""}`}
      onClick={onClick}
      disabled={busy}
      aria-busy={busy}
    >
      <Icon name={icon} size={13} />
      <span>{label}</span>
    </button>
  );
}

/** Runs an action once at a time, reporting a failure through `fail`. */
export function useAction(fail: (what: string, err: unknown) => void) {
  const [busy, setBusy] = useState(false);
  const run = (what: string, fn: () => Promise<unknown>, done?: () => void) => {
    if (busy) return;
    setBusy(true);
    fn().then(
      () => {
        setBusy(false);
        done?.();
      },
      (err) => {
        setBusy(false);
        fail(what, err);
      },
    );
  };
  return { busy, run };
}
