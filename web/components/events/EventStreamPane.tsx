// Every event of the stream, newest at the bottom: virtualised (50,000 rows stay smooth),
// auto-following unless scrolled up, filterable by agent, type, text, errors and tool calls.
// A row expands to show the raw event. The list is one tab stop (a roving tabindex): arrow keys,
// Page Up/Down, Home and End move between rows, Enter or Space opens one.
import { defaultRangeExtractor, type Range, useVirtualizer } from "@tanstack/react-virtual";
import {
  type KeyboardEvent,
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { StreamEvent } from "../../../schema/events";
import {
  CATEGORY_LABELS,
  categoryOf,
  type EventCategory,
  type EventFilter,
  emptyFilter,
  filterEvents,
  isFiltering,
  summarize,
} from "../../lib/eventText";
import { formatClock } from "../../lib/format";
import type { AgentView } from "../../lib/views/agents";
import { Icon } from "../Icon";
import "../../styles/events.css";

const ROW_PX = 28;

/** The row (index into `count` rows) holding `seq`, or -1; rows are in seq order. */
function rowOfSeq(count: number, seqAt: (row: number) => number, seq: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = seqAt(mid);
    if (at === seq) return mid;
    if (at < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function EventStreamPane({
  events,
  agents,
  names,
}: {
  events: readonly StreamEvent[];
  agents: readonly AgentView[];
  names: ReadonlyMap<string, string>;
}) {
  const [filter, setFilter] = useState<EventFilter>(emptyFilter);
  const deferredFilter = useDeferredValue(filter);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [showJump, setShowJump] = useState(false);

  const indices = useMemo(() => filterEvents(events, deferredFilter, names), [events, deferredFilter, names]);
  const count = indices ? indices.length : events.length;
  const eventAt = (row: number): StreamEvent => events[indices ? indices[row]! : row]!;

  // The one row in the tab order: the one last focused while it still passes the filters, else the
  // newest. It is always rendered (the range below includes it), so focus never falls out of the list.
  const [activeSeq, setActiveSeq] = useState<number | null>(null);
  const activeRow = activeSeq === null ? -1 : rowOfSeq(count, (r) => eventAt(r).seq, activeSeq);
  const tabRow = activeRow >= 0 ? activeRow : count - 1;
  const focusRow = useRef<number | null>(null);
  const tabRowRef = useRef(tabRow);
  tabRowRef.current = tabRow;
  const rangeExtractor = useCallback((range: Range) => {
    const rows = defaultRangeExtractor(range);
    const keep = tabRowRef.current;
    if (keep < 0 || keep >= range.count || rows.includes(keep)) return rows;
    return [...rows, keep].sort((a, b) => a - b);
  }, []);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 20,
    getItemKey: (row) => eventAt(row).seq,
    rangeExtractor,
  });

  // Focus the row a key moved to, once it is rendered.
  useLayoutEffect(() => {
    const row = focusRow.current;
    if (row === null) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-index="${row}"] > .ev-row`);
    if (el) {
      focusRow.current = null;
      el.focus({ preventScroll: true });
    }
  });

  const moveTo = (row: number) => {
    if (count === 0) return;
    const to = Math.max(0, Math.min(count - 1, row));
    focusRow.current = to;
    following.current = to === count - 1;
    setActiveSeq(eventAt(to).seq);
    virtualizer.scrollToIndex(to, { align: "auto" });
  };

  const onRowsKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!(e.target as HTMLElement).classList.contains("ev-row")) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_PX * 10) / ROW_PX) - 1);
    const from = tabRow;
    const to =
      e.key === "ArrowDown"
        ? from + 1
        : e.key === "ArrowUp"
          ? from - 1
          : e.key === "PageDown"
            ? from + page
            : e.key === "PageUp"
              ? from - page
              : e.key === "Home"
                ? 0
                : e.key === "End"
                  ? count - 1
                  : null;
    if (to === null) return;
    e.preventDefault();
    moveTo(to);
  };

  // Follow the tail while the reader is at the bottom.
  useLayoutEffect(() => {
    if (following.current && count > 0) virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [count, virtualizer]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Only scrolling up stops following; rows arriving between our scroll and its event don't.
    let last = el.scrollTop;
    const onScroll = () => {
      const top = el.scrollTop;
      if (el.scrollHeight - top - el.clientHeight < ROW_PX * 2) following.current = true;
      else if (top < last - 2) following.current = false;
      last = top;
      setShowJump(!following.current);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    // Shown after being hidden (a tab on a phone, an expanded pane): catch up with the tail.
    const resize =
      typeof ResizeObserver === "function"
        ? new ResizeObserver(() => {
            if (following.current && el.clientHeight > 0) el.scrollTop = el.scrollHeight;
          })
        : null;
    resize?.observe(el);
    return () => {
      el.removeEventListener("scroll", onScroll);
      resize?.disconnect();
    };
  }, []);

  const jump = () => {
    following.current = true;
    setShowJump(false);
    virtualizer.scrollToIndex(count - 1, { align: "end" });
  };

  const toggleRow = (seq: number) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });

  const set = (patch: Partial<EventFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const category = [...filter.categories][0] ?? "";

  return (
    <div className="events">
      <div className="events-toolbar">
        <div className="events-search">
          <Icon name="search" size={14} />
          <input
            className="input input-sm"
            type="search"
            placeholder="Search events"
            aria-label="Search events"
            value={filter.text}
            onChange={(e) => set({ text: e.target.value })}
          />
        </div>
        {agents.length > 0 && (
          <select
            className="select input-sm"
            aria-label="Filter by agent"
            value={filter.agentId}
            onChange={(e) => set({ agentId: e.target.value })}
          >
            <option value="">All agents</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        )}
        <select
          className="select input-sm"
          aria-label="Filter by type"
          value={category}
          onChange={(e) =>
            set({ categories: e.target.value ? new Set([e.target.value as EventCategory]) : new Set() })
          }
        >
          <option value="">All types</option>
          {(Object.keys(CATEGORY_LABELS) as EventCategory[]).map((c) => (
            <option key={c} value={c}>
              {CATEGORY_LABELS[c]}
            </option>
          ))}
        </select>
        <div className="events-quick">
          <button
            type="button"
            className="chip"
            aria-pressed={filter.errorsOnly}
            onClick={() => set({ errorsOnly: !filter.errorsOnly })}
          >
            Errors
          </button>
          <button
            type="button"
            className="chip"
            aria-pressed={filter.toolsOnly}
            onClick={() => set({ toolsOnly: !filter.toolsOnly })}
          >
            Tool calls
          </button>
          <button
            type="button"
            className="chip"
            aria-pressed={filter.hideDeltas}
            onClick={() => set({ hideDeltas: !filter.hideDeltas })}
            title="Hide text and thinking deltas"
          >
            No deltas
          </button>
          {isFiltering(filter) && (
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setFilter(emptyFilter())}>
              Clear
            </button>
          )}
        </div>
      </div>
      <div className="events-status faint num">
        {isFiltering(deferredFilter)
          ? `${count.toLocaleString()} of ${events.length.toLocaleString()} events`
          : `${events.length.toLocaleString()} events`}
      </div>
      {/* Filter results are announced; the stream itself isn't (a delta per token would drown a reader). */}
      <div className="sr-only" aria-live="polite">
        {isFiltering(deferredFilter) ? `${count.toLocaleString()} events match` : ""}
      </div>
      {/* The rows are the keyboard's way in (one of them is always tabbable); the region itself isn't a stop. */}
      <div
        className="events-scroll"
        ref={scroller}
        role="log"
        aria-live="off"
        aria-label="Event stream"
        aria-describedby="events-keys"
        onKeyDown={onRowsKeyDown}
      >
        <span id="events-keys" hidden>
          Up and down arrows move between events; Enter shows one in full.
        </span>
        {count === 0 ? (
          <div className="empty">{events.length ? "No events match the filters." : "No events yet."}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualizer.getVirtualItems().map((v) => {
              const ev = eventAt(v.index);
              const open = expanded.has(ev.seq);
              const cat = categoryOf(ev);
              return (
                <div
                  key={v.key}
                  data-index={v.index}
                  ref={virtualizer.measureElement}
                  className="ev-row-wrap"
                  style={{ transform: `translateY(${v.start}px)` }}
                >
                  <button
                    type="button"
                    className="ev-row"
                    data-cat={cat}
                    aria-expanded={open}
                    tabIndex={v.index === tabRow ? 0 : -1}
                    title={formatClock(ev.ts)}
                    onFocus={() => {
                      if (activeSeq !== ev.seq) setActiveSeq(ev.seq);
                    }}
                    onClick={() => toggleRow(ev.seq)}
                  >
                    <span className="ev-time num">{formatClock(ev.ts)}</span>
                    <span className="ev-seq num">#{ev.seq}</span>
                    <span className={`ev-type ev-cat-${cat}`}>{ev.type}</span>
                    <span className="ev-summary truncate">{summarize(ev, names)}</span>
                  </button>
                  {open && <pre className="ev-json">{JSON.stringify(ev, null, 2)}</pre>}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {showJump && count > 0 && (
        <button type="button" className="btn btn-sm jump-latest-events" onClick={jump}>
          <Icon name="arrowDown" size={14} /> Follow
        </button>
      )}
    </div>
  );
}
