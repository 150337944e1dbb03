// The live text overlay on the client (DESIGN §11). Token text arrives twice: at once as unlogged
// `delta` frames, and a little later in the log's coalesced text.delta / thinking.delta events, both
// placed by `offset` in their block. The transcript folds only the log; this module keeps the live
// text beyond it and merges the two at render time, so every character shows once:
//   shown = logged text + the live text past its end (when the two touch; a hole waits for the log).
// When a message is logged as completed its logged text is the whole of it: live text beyond it is
// dropped (after a crash, the text that never reached the log is retracted). Nothing here changes
// the log or the transcript.
import type { DeltaFrame, StreamEvent } from "../../../schema/events";
import type { Block, TextBlock } from "./transcript";

type Kind = "text" | "thinking";
/** A block's live text: `text` sits `start` characters into the block. */
export type LiveSegment = { kind: Kind; index: number; start: number; text: string };
/** One message's live text, by block (`kind:index`). Replaced, never mutated, when it changes. */
export type LiveMessage = ReadonlyMap<string, LiveSegment>;

const keyOf = (kind: Kind, index: number) => `${kind}:${index}`;

/**
 * Adds `text` at `offset` to a block's live segment: appends what goes past its end, takes nothing
 * it already has, and starts over past a hole (the log fills the hole, and the text before it is in
 * the log or on its way there).
 */
export function addLive(
  seg: LiveSegment | undefined,
  kind: Kind,
  index: number,
  offset: number,
  text: string,
) {
  if (!seg) return { kind, index, start: offset, text };
  const end = seg.start + seg.text.length;
  const last = offset + text.length;
  if (offset > end) return { kind, index, start: offset, text };
  if (last <= end && offset >= seg.start) return seg; // nothing new
  if (offset >= seg.start) return { ...seg, text: seg.text + text.slice(end - offset) };
  // Starts before the segment (a resend after a reconnect): it reaches back to `offset`.
  if (last >= end) return { kind, index, start: offset, text };
  if (last < seg.start) return seg; // entirely before, and not touching: older text, logged already
  return { ...seg, start: offset, text: text.slice(0, seg.start - offset) + seg.text };
}

/** What a block shows: its logged text, then the live text past the logged end if the two touch. */
export function renderText(logged: string, seg: LiveSegment | undefined): string {
  if (!seg) return logged;
  const end = seg.start + seg.text.length;
  if (seg.start > logged.length || end <= logged.length) return logged;
  return logged + seg.text.slice(logged.length - seg.start);
}

/**
 * A streaming message's blocks with its live text merged in: text and thinking blocks grow past
 * their logged text, and a block the log hasn't reached yet (its first ~100 ms) is added after the
 * logged ones, in index order.
 */
export function mergeLive(blocks: readonly Block[], live: LiveMessage | undefined): readonly Block[] {
  if (!live?.size) return blocks;
  const seen = new Set<string>();
  let changed = false;
  const out: Block[] = blocks.map((b) => {
    if (b.kind === "tool") return b;
    const key = keyOf(b.kind, b.index);
    seen.add(key);
    const text = renderText(b.text, live.get(key));
    if (text === b.text) return b;
    changed = true;
    return { ...b, text };
  });
  const fresh: TextBlock[] = [];
  for (const [key, seg] of live) {
    if (seen.has(key)) continue;
    const text = renderText("", seg);
    if (text) fresh.push({ kind: seg.kind, index: seg.index, text });
  }
  if (!fresh.length) return changed ? out : blocks;
  fresh.sort((a, b) => a.index - b.index);
  return [...out, ...fresh];
}

const ENDED_KEPT = 256;

/**
 * Live text per message, fed by delta frames and trimmed by the log. A subscriber reads one
 * message's text (`get`), which keeps its identity until that message changes, so only the message
 * that is streaming re-renders. `notify` is called once per batch by the stream client.
 */
export class LiveTextStore {
  private messages = new Map<string, LiveMessage>();
  /** Messages logged as completed: a late frame of one is ignored. */
  private readonly ended = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private dirty = false;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  get = (messageId: string): LiveMessage | undefined => this.messages.get(messageId);

  /** Every message with live text (for tests and debugging). */
  get size(): number {
    return this.messages.size;
  }

  /** A delta frame; true when it changed what shows. */
  push(f: Pick<DeltaFrame, "messageId" | "index" | "kind" | "offset" | "text">): boolean {
    if (!f.text || this.ended.has(f.messageId)) return false;
    const m = this.messages.get(f.messageId);
    const key = keyOf(f.kind, f.index);
    const seg = m?.get(key);
    const next = addLive(seg, f.kind, f.index, f.offset, f.text);
    if (next === seg) return false;
    this.messages.set(f.messageId, new Map(m).set(key, next));
    this.dirty = true;
    return true;
  }

  /**
   * Logged events: a segment the log has caught up with goes (the transcript shows that text now),
   * and a completed message's live text goes with it — what the log holds then is the whole message.
   */
  logged(events: readonly StreamEvent[]): void {
    for (const ev of events) {
      if (ev.type === "message.completed") {
        if (this.messages.delete(ev.messageId)) this.dirty = true;
        this.ended.add(ev.messageId);
        if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.values().next().value as string);
      } else if ((ev.type === "text.delta" || ev.type === "thinking.delta") && ev.offset !== undefined) {
        const m = this.messages.get(ev.messageId);
        const key = keyOf(ev.type === "text.delta" ? "text" : "thinking", ev.index);
        const seg = m?.get(key);
        if (!m || !seg || seg.start + seg.text.length > ev.offset + ev.text.length) continue;
        const next = new Map(m);
        next.delete(key);
        if (next.size) this.messages.set(ev.messageId, next);
        else this.messages.delete(ev.messageId);
        this.dirty = true;
      }
    }
  }

  /** Tells subscribers, once, if anything changed since the last call. */
  notify(): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (const fn of this.listeners) fn();
  }

  clear(): void {
    this.messages = new Map();
    this.ended.clear();
    this.dirty = true;
  }
}
