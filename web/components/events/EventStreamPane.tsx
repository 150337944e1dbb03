// Every event of the stream, newest at the bottom: virtualised (50,000 rows stay smooth),
// auto-following unless scrolled up, filterable by agent, type, text, errors and tool calls.
// A row expands to show the raw event.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
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

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 20,
    getItemKey: (row) => eventAt(row).seq,
  });

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
      <div className="events-status faint num" aria-live="polite">
        {isFiltering(deferredFilter)
          ? `${count.toLocaleString()} of ${events.length.toLocaleString()} events`
          : `${events.length.toLocaleString()} events`}
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be keyboard-focusable to scroll. */}
      <div className="events-scroll" ref={scroller} role="log" aria-label="Event stream" tabIndex={0}>
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
