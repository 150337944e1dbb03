// The live text coalescer (DESIGN §11) with fake timers: text goes out at once, the log gets one
// event per block every ~100 ms or 2 KB, at block end and before any other event, and the two
// sources agree character for character at the same offsets.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventBody } from "../../schema/events";
import { type LiveChunk, LiveText, type LiveWindow } from "./live-text";

type Logged = Extract<EventBody, { type: "text.delta" | "thinking.delta" }>;

function setup(opts: { window?: LiveWindow | (() => LiveWindow) } = {}) {
  const sent: LiveChunk[] = [];
  const logged: Logged[] = [];
  const live = new LiveText(
    { send: (c) => sent.push(c), log: (b) => logged.push(b as Logged) },
    { window: { ms: 100, chars: 2048 }, ...opts },
  );
  return { live, sent, logged };
}

/** Each block's text as the log has it, checking every logged event starts where the last ended. */
function loggedText(logged: Logged[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of logged) {
    const key = `${e.messageId}:${e.index}:${e.type}`;
    const before = out.get(key) ?? "";
    expect(e.offset, `${key} logged contiguously`).toBe(before.length);
    out.set(key, before + e.text);
  }
  return out;
}

describe("LiveText (the coalescer)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends each chunk at once and logs them coalesced ~100 ms after the first", () => {
    const { live, sent, logged } = setup();
    live.append("m1", "text", 0, "Hel");
    live.append("m1", "text", 0, "lo, ");
    expect(sent).toEqual([
      { messageId: "m1", index: 0, kind: "text", offset: 0, text: "Hel" },
      { messageId: "m1", index: 0, kind: "text", offset: 3, text: "lo, " },
    ]);
    expect(logged).toEqual([]);
    vi.advanceTimersByTime(60);
    live.append("m1", "text", 0, "world");
    vi.advanceTimersByTime(39);
    expect(logged).toEqual([]);
    expect(live.pending).toBe(true);
    vi.advanceTimersByTime(1);
    expect(logged).toEqual([
      { type: "text.delta", messageId: "m1", index: 0, text: "Hello, world", offset: 0 },
    ]);
    expect(live.pending).toBe(false);
    // The next window starts with the next chunk, and its offset goes on from the logged end.
    vi.advanceTimersByTime(500);
    live.append("m1", "text", 0, "!");
    expect(sent.at(-1)).toMatchObject({ offset: 12, text: "!" });
    vi.advanceTimersByTime(100);
    expect(logged.at(-1)).toEqual({ type: "text.delta", messageId: "m1", index: 0, text: "!", offset: 12 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("arms one timer per window, not one per chunk", () => {
    const { live } = setup();
    for (let i = 0; i < 50; i++) live.append("m1", "text", 0, "x");
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("asks for the window each time one opens: who is watching decides it (LIVE_TEXT)", () => {
    let window = 1000;
    const { live, logged } = setup({ window: () => ({ ms: window, chars: 2048 }) });
    live.append("m1", "text", 0, "slow ");
    vi.advanceTimersByTime(999);
    expect(logged).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(logged.map((e) => e.text)).toEqual(["slow "]);
    // A watcher that reads text only from the log came: the next window is the short one.
    window = 100;
    live.append("m1", "text", 0, "fast");
    vi.advanceTimersByTime(100);
    expect(logged.map((e) => e.text)).toEqual(["slow ", "fast"]);
  });

  it("logs at once when a block's unlogged text reaches 2 KB", () => {
    const { live, logged } = setup();
    live.append("m1", "text", 0, "a".repeat(2000));
    expect(logged).toHaveLength(0);
    live.append("m1", "text", 0, "b".repeat(100));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.text).toBe(`${"a".repeat(2000)}${"b".repeat(100)}`);
    // Nothing left, so no timer either.
    expect(vi.getTimerCount()).toBe(0);
    live.append("m1", "text", 0, "c");
    vi.advanceTimersByTime(100);
    expect(logged.at(-1)).toMatchObject({ offset: 2100, text: "c" });
  });

  it("asks for the size cap as a window opens: 4 KB while every watcher renders, 2 KB with a log reader", () => {
    let chars = 4096;
    let asked = 0;
    const { live, logged } = setup({
      window: () => {
        asked++;
        return { ms: 100, chars };
      },
    });
    for (let i = 0; i < 30; i++) live.append("m1", "text", 0, "a".repeat(100));
    // Once per window, not per chunk (who watches is a walk over the sockets).
    expect(asked).toBe(1);
    live.append("m1", "text", 0, "b".repeat(1096));
    expect(logged.map((e) => e.text.length)).toEqual([4096]);
    // A reader of the log only joined (the object logs what waits then): the next window's cap.
    chars = 2048;
    live.append("m1", "text", 0, "c".repeat(2047));
    expect(logged).toHaveLength(1);
    live.append("m1", "text", 0, "d");
    expect(logged.at(-1)).toMatchObject({ offset: 4096, text: `${"c".repeat(2047)}d` });
  });

  it("a block's end waits for the next event (flush) or the window; flush() logs every block in order", () => {
    const { live, logged } = setup();
    live.append("m1", "thinking", 0, "Let me ");
    live.append("m1", "thinking", 0, "think.");
    live.end("m1", 0);
    // Not on its own: the event right behind a block's end takes its text into its row.
    expect(logged).toEqual([]);
    expect(live.tails()).toEqual([
      { messageId: "m1", index: 0, kind: "thinking", offset: 0, text: "Let me think." },
    ]);
    live.append("m1", "text", 1, "Answer");
    live.flush();
    expect(logged).toEqual([
      { type: "thinking.delta", messageId: "m1", index: 0, text: "Let me think.", offset: 0 },
      { type: "text.delta", messageId: "m1", index: 1, text: "Answer", offset: 0 },
    ]);
    live.flush(); // nothing pending: nothing logged
    expect(logged).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    // The ended block is forgotten once logged; a block that ends with nothing pending, at once.
    live.end("m1", 1);
    expect(live.tails()).toEqual([]);
  });

  it("an ended block's text is logged by the window when no event follows", () => {
    const { live, logged } = setup();
    live.append("m1", "text", 0, "Tail");
    live.end("m1", 0);
    vi.advanceTimersByTime(100);
    expect(logged).toEqual([{ type: "text.delta", messageId: "m1", index: 0, text: "Tail", offset: 0 }]);
    expect(live.tails()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("tails() is what a watcher that just caught up lacks: unlogged text from each block's logged end", () => {
    const { live, logged } = setup();
    expect(live.tails()).toEqual([]);
    live.append("m1", "text", 0, "abc");
    live.flush();
    live.append("m1", "text", 0, "def");
    live.append("m1", "text", 0, "gh");
    expect(live.tails()).toEqual([{ messageId: "m1", index: 0, kind: "text", offset: 3, text: "defgh" }]);
    expect(logged).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(live.tails()).toEqual([]);
  });

  it("forget() logs what is left of a message and drops its blocks; reset() drops everything", () => {
    const { live, logged, sent } = setup();
    live.append("m1", "text", 0, "one");
    live.append("m2", "text", 0, "two");
    live.forget("m1");
    expect(logged).toEqual([{ type: "text.delta", messageId: "m1", index: 0, text: "one", offset: 0 }]);
    expect(live.tails()).toEqual([{ messageId: "m2", index: 0, kind: "text", offset: 0, text: "two" }]);
    live.reset();
    expect(live.tails()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    // A block seen again after reset starts over (a new instance after a crash knows nothing either).
    live.append("m3", "text", 0, "x");
    expect(sent.at(-1)).toMatchObject({ messageId: "m3", offset: 0 });
  });

  it("the log and the live frames carry the same text at the same offsets, whatever the timing", () => {
    const { live, sent, logged } = setup({ window: { ms: 100, chars: 64 } });
    const rand = (() => {
      let a = 7;
      return () => {
        a = (a * 1103515245 + 12345) % 2 ** 31;
        return a / 2 ** 31;
      };
    })();
    const truth = new Map<string, string>();
    for (let step = 0; step < 2000; step++) {
      const index = Math.floor(rand() * 3);
      const kind = index === 0 ? "thinking" : "text";
      const text = "abcdefghijklmnopqrstuvwxyz".slice(0, 1 + Math.floor(rand() * 12));
      live.append("m", kind, index, text);
      const key = `m:${index}:${kind}.delta`;
      truth.set(key, (truth.get(key) ?? "") + text);
      if (rand() < 0.05) live.flush();
      vi.advanceTimersByTime(Math.floor(rand() * 40));
    }
    live.flush();
    expect(loggedText(logged)).toEqual(truth);
    // Every live chunk sits at its offset in the logged text.
    for (const c of sent) {
      const full = truth.get(`m:${c.index}:${c.kind}.delta`)!;
      expect(full.slice(c.offset, c.offset + c.text.length)).toBe(c.text);
    }
    // Coalesced: fewer rows than chunks, even with three blocks interleaved chunk by chunk.
    expect(logged.length).toBeLessThan(sent.length / 1.5);
  });
});
