// Find in the conversation: a box above the chat that highlights every occurrence of its text in
// the messages, tool cards and reports on screen (lib/findInPage.ts), counts them, and steps
// through them (Enter, Shift+Enter, the arrows), opening folded cards and scrolling each into view.
// While it is open the chat shows its whole history, so "on screen" is the whole conversation.

import { type KeyboardEvent, type RefObject, useEffect, useRef, useState } from "react";
import { INPUT_LIMITS } from "../../../schema/api";
import { clearHighlights, findRanges, paintHighlights, reveal } from "../../lib/findInPage";
import { Icon } from "../Icon";

/** Re-finding waits this long after the chat changes (markdown renders lazily, deltas stream). */
const SETTLE_MS = 120;

export function FindBar({
  container,
  query,
  onQuery,
  onClose,
}: {
  container: RefObject<HTMLElement | null>;
  query: string;
  onQuery: (q: string) => void;
  onClose: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [ranges, setRanges] = useState<Range[]>([]);
  const [current, setCurrent] = useState(0);
  // Set when the query changes: the first match is scrolled to once found.
  const jump = useRef(true);

  useEffect(() => {
    input.current?.focus();
    return clearHighlights;
  }, []);

  // Find now, and again whenever the chat's content changes (new events, lazily rendered markdown).
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    jump.current = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const find = () => {
      const found = findRanges(root, query);
      setRanges(found);
      setCurrent((c) => (jump.current ? 0 : Math.min(c, Math.max(0, found.length - 1))));
    };
    const later = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(find, SETTLE_MS);
    };
    find();
    const watch = new MutationObserver(later);
    watch.observe(root, { childList: true, subtree: true, characterData: true });
    return () => {
      watch.disconnect();
      if (timer) clearTimeout(timer);
    };
  }, [container, query]);

  const at = ranges.length ? Math.min(current, ranges.length - 1) : -1;
  useEffect(() => {
    const range = at >= 0 ? ranges[at] : undefined;
    paintHighlights(ranges, range ?? null);
    if (range && jump.current) {
      jump.current = false;
      reveal(range);
    }
  }, [ranges, at]);

  const step = (by: number) => {
    if (!ranges.length) return;
    jump.current = true;
    const next = (at + by + ranges.length) % ranges.length;
    setCurrent(next);
    // Same index again (one match): the effect won't run, so reveal here.
    if (next === at && ranges[next]) {
      jump.current = false;
      reveal(ranges[next]);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    }
  };

  const q = query.trim();
  return (
    <search className="find-bar">
      <Icon name="search" size={14} />
      <input
        ref={input}
        type="search"
        className="find-input"
        aria-label="Find in conversation"
        placeholder="Find in conversation"
        value={query}
        onChange={(e) => onQuery(e.target.value)}
        onKeyDown={onKeyDown}
        maxLength={INPUT_LIMITS.searchChars}
      />
      <span className="find-count num" role="status" aria-live="polite">
        {q ? (ranges.length ? `${at + 1} of ${ranges.length}` : "No matches") : ""}
      </span>
      <button
        type="button"
        className="btn btn-sm btn-ghost btn-icon"
        onClick={() => step(-1)}
        disabled={!ranges.length}
        aria-label="Previous match"
        title="Previous (Shift+Enter)"
      >
        <Icon name="chevronLeft" size={14} />
      </button>
      <button
        type="button"
        className="btn btn-sm btn-ghost btn-icon"
        onClick={() => step(1)}
        disabled={!ranges.length}
        aria-label="Next match"
        title="Next (Enter)"
      >
        <Icon name="chevronRight" size={14} />
      </button>
      <button
        type="button"
        className="btn btn-sm btn-ghost btn-icon"
        onClick={onClose}
        aria-label="Close find"
        title="Close (Esc)"
      >
        <Icon name="x" size={14} />
      </button>
    </search>
  );
}
