// The live text overlay's coalescer (DESIGN §11). Token text goes out at once as unlogged `delta`
// frames, offset-positioned in its block; the log gets one coalesced `text.delta` /
// `thinking.delta` per block every window (~100 ms or 2 KB while someone reads text only from the
// log, 10 s or 4 KB otherwise: LIVE_TEXT), and before any other event the object logs — so the log
// holds everything in the order it was sent, with a fraction of the rows. A block's end doesn't log
// on its own: what it left goes with the event that follows (the message's completion, a tool call:
// the object writes the two in one row) or with the window, whichever comes first.
// Seq'd events keep every guarantee (gapless, written before sent); only text not yet logged can be
// lost in a crash, and the message's `aborted` completion tells clients to cut it back.
import type { EventBody } from "../../schema/events";
import { LIVE_TEXT } from "../limits";

export type TextKind = "text" | "thinking";

/** Text ahead of the log: `offset` characters of the block come before `text`. */
export type LiveChunk = { messageId: string; index: number; kind: TextKind; offset: number; text: string };

export type LiveTextSink = {
  /** Sends a chunk to every watcher now, unlogged. */
  send(chunk: LiveChunk): void;
  /** Logs a coalesced event (straight to the log: it must not flush this coalescer again). */
  log(body: EventBody): void;
};

/** How long, and how much of a block, streamed text may wait for the log. */
export type LiveWindow = { ms: number; chars: number };

export type LiveTextOptions = {
  /** The window, asked each time one opens (it depends on who is watching). */
  window?: LiveWindow | (() => LiveWindow);
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
};

type Block = {
  messageId: string;
  index: number;
  kind: TextKind;
  /** Characters of the block already in the log. */
  logged: number;
  /** Sent, not yet logged. */
  pending: string;
  /** Its content_block_stop came: forgotten once what it holds is logged. */
  ended: boolean;
};

export class LiveText {
  /** Blocks by `messageId:index`, in the order they began (Map order): flushes keep that order. */
  private readonly blocks = new Map<string, Block>();
  /** Blocks with pending text (usually one: a message streams one block at a time). */
  private dirty = 0;
  private timer: unknown = null;
  /** The size cap of the window open now, asked as it opened (who watches is not asked per chunk). */
  private cap = 0;
  private readonly window: () => LiveWindow;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;

  constructor(
    private readonly sink: LiveTextSink,
    opts: LiveTextOptions = {},
  ) {
    const w = opts.window ?? { ms: LIVE_TEXT.flushMs, chars: LIVE_TEXT.flushChars };
    this.window = typeof w === "function" ? w : () => w;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  /** Whether any sent text still waits for the log. */
  get pending(): boolean {
    return this.dirty > 0;
  }

  /** Streams `text` of a block: sent now, logged with the block's next coalesced event. */
  append(messageId: string, kind: TextKind, index: number, text: string): void {
    if (!text) return;
    const key = `${messageId}:${index}`;
    let b = this.blocks.get(key);
    if (!b) {
      b = { messageId, index, kind, logged: 0, pending: "", ended: false };
      this.blocks.set(key, b);
    }
    this.sink.send({ messageId, index, kind, offset: b.logged + b.pending.length, text });
    if (this.timer === null) {
      // A window opens: its length and size cap depend on who watches, asked now, once.
      const w = this.window();
      this.timer = this.setTimer(() => this.onTimer(), w.ms);
      this.cap = w.chars;
    }
    if (!b.pending) this.dirty++;
    b.pending += text;
    if (b.pending.length >= this.cap) this.flushBlock(b);
  }

  /**
   * The block ended (content_block_stop). What it holds waits for the next event or the window:
   * the event that follows a block's end is usually right behind it, and takes the text into its
   * row instead of a row of the text's own.
   */
  end(messageId: string, index: number): void {
    const key = `${messageId}:${index}`;
    const b = this.blocks.get(key);
    if (!b) return;
    b.ended = true;
    if (!b.pending) this.blocks.delete(key);
  }

  /** Logs every block's pending text, oldest block first. Called before any other event is logged. */
  flush(): void {
    if (!this.dirty) return;
    for (const [key, b] of this.blocks) {
      this.flushBlock(b);
      if (b.ended) this.blocks.delete(key);
    }
  }

  /** A message is over (logged as completed): nothing more of it streams. */
  forget(messageId: string): void {
    for (const [key, b] of this.blocks) {
      if (b.messageId !== messageId) continue;
      this.flushBlock(b);
      this.blocks.delete(key);
    }
  }

  /**
   * What a watcher that has just caught up with the log lacks: each block's text sent but not yet
   * logged, from the block's logged end. Sent to it as delta frames, so it has the whole text now.
   */
  tails(): LiveChunk[] {
    const out: LiveChunk[] = [];
    if (!this.dirty) return out;
    for (const b of this.blocks.values()) {
      if (b.pending)
        out.push({ messageId: b.messageId, index: b.index, kind: b.kind, offset: b.logged, text: b.pending });
    }
    return out;
  }

  /** Drops everything (the object's state went away); no timer survives. */
  reset(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.blocks.clear();
    this.dirty = 0;
  }

  private onTimer(): void {
    this.timer = null;
    this.flush();
  }

  private flushBlock(b: Block): void {
    if (!b.pending) return;
    const text = b.pending;
    const offset = b.logged;
    b.pending = "";
    b.logged += text.length;
    if (--this.dirty === 0 && this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    this.sink.log({
      type: b.kind === "text" ? "text.delta" : "thinking.delta",
      messageId: b.messageId,
      index: b.index,
      text,
      offset,
    });
  }
}
