// The client's copy of one event stream: sorted by seq, deduped by (stream, seq), aware of gaps.
// Pure: every function returns a new log (or the same one when nothing changed), so React can
// compare by reference. Appending in order — the common case — costs one array concat per batch;
// an out-of-order batch costs one merge.
import type { StreamEvent } from "../../schema/events";

export type EventLog = {
  /** `orchestrator:<id>` or `agent:<id>`; null until the first event or explicitly set. */
  readonly stream: string | null;
  readonly events: readonly StreamEvent[];
  /** Every seq in 1..contiguous is present. The resume point and the end of what is safe to show. */
  readonly contiguous: number;
  /** Highest seq seen, or announced by the server (`ready.lastSeq`, `events.lastSeq`). */
  readonly maxSeq: number;
  /** Bumped whenever events were inserted before the end, so incremental consumers start over. */
  readonly epoch: number;
};

export const emptyLog = (stream: string | null = null): EventLog => ({
  stream,
  events: [],
  contiguous: 0,
  maxSeq: 0,
  epoch: 0,
});

const bySeq = (a: StreamEvent, b: StreamEvent) => a.seq - b.seq;

/** Index of the event with this seq, or -1. Binary search: the log is sorted. */
export function indexOfSeq(events: readonly StreamEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = events[mid]!.seq;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Advances `contiguous` over the events present after it. `from` is a hint: the index to start at. */
function advanceContiguous(events: readonly StreamEvent[], contiguous: number): number {
  // Events at or below `contiguous` are all present, so the next one sits at index `contiguous`
  // when the log starts at seq 1; when it doesn't (history trimmed), search for it.
  let i = events[contiguous]?.seq === contiguous + 1 ? contiguous : indexOfSeq(events, contiguous + 1);
  if (i < 0) return contiguous;
  let c = contiguous;
  while (i < events.length && events[i]!.seq === c + 1) {
    c++;
    i++;
  }
  return c;
}

/**
 * Adds a batch (any order, duplicates and overlap with what is held allowed). Events of another
 * stream are ignored: one log is one stream.
 */
export function applyEvents(log: EventLog, batch: readonly StreamEvent[]): EventLog {
  if (batch.length === 0) return log;
  const stream = log.stream ?? batch[0]!.stream;
  const last = log.events.length ? log.events[log.events.length - 1]!.seq : 0;

  // Keep this stream's events that aren't held yet, sorted and unique within the batch.
  let fresh: StreamEvent[] = [];
  let sorted = true;
  for (const ev of batch) {
    if (ev.stream !== stream) continue;
    if (ev.seq <= last && indexOfSeq(log.events, ev.seq) >= 0) continue;
    if (fresh.length && ev.seq <= fresh[fresh.length - 1]!.seq) sorted = false;
    fresh.push(ev);
  }
  if (fresh.length === 0) return log.stream === stream ? log : { ...log, stream };
  if (!sorted) {
    fresh.sort(bySeq);
    fresh = fresh.filter((ev, i) => i === 0 || ev.seq !== fresh[i - 1]!.seq);
  }

  let events: StreamEvent[];
  let epoch = log.epoch;
  if (fresh[0]!.seq > last) {
    events = log.events.length ? log.events.concat(fresh) : fresh;
  } else {
    events = merge(log.events, fresh);
    epoch++;
  }
  const maxSeq = Math.max(log.maxSeq, events[events.length - 1]!.seq);
  return { stream, events, contiguous: advanceContiguous(events, log.contiguous), maxSeq, epoch };
}

function merge(a: readonly StreamEvent[], b: readonly StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.seq <= b[j]!.seq ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** The server told us how far its log goes (ready frame, events page): a gap may be known before any event shows it. */
export function noteServerSeq(log: EventLog, lastSeq: number): EventLog {
  return lastSeq > log.maxSeq ? { ...log, maxSeq: lastSeq } : log;
}

/** Missing seqs: there is a gap when something beyond `contiguous` exists or is announced. */
export const hasGap = (log: EventLog): boolean => log.maxSeq > log.contiguous;

/** The missing ranges, inclusive, for display and tests. */
export function gaps(log: EventLog): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  let expected = 1;
  for (const ev of log.events) {
    if (ev.seq > expected) out.push({ from: expected, to: ev.seq - 1 });
    expected = ev.seq + 1;
  }
  if (log.maxSeq >= expected) out.push({ from: expected, to: log.maxSeq });
  return out;
}
