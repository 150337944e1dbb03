// The client half of the live text overlay (DESIGN §11): live segments placed by offset, merged
// with the logged text so each character shows once, trimmed as the log catches up, and retracted
// when a message is logged as completed.
import { describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "../../../schema/events";
import { makeStream } from "../fixtures";
import { addLive, LiveTextStore, mergeLive, renderText } from "./liveText";
import { buildTranscript } from "./transcript";

const frame = (
  messageId: string,
  offset: number,
  text: string,
  index = 0,
  kind: "text" | "thinking" = "text",
) => ({
  messageId,
  index,
  kind,
  offset,
  text,
});

describe("addLive and renderText", () => {
  it("appends what goes past a segment's end, takes nothing twice, and restarts past a hole", () => {
    let seg = addLive(undefined, "text", 0, 0, "Hel");
    seg = addLive(seg, "text", 0, 3, "lo");
    expect(seg).toEqual({ kind: "text", index: 0, start: 0, text: "Hello" });
    // The same text again (a resend after a reconnect): nothing changes, same object.
    expect(addLive(seg, "text", 0, 1, "ell")).toBe(seg);
    // Overlapping and going further: only the new part is added.
    seg = addLive(seg, "text", 0, 3, "lo, world");
    expect(seg.text).toBe("Hello, world");
    // A resend that starts before the segment reaches back.
    expect(addLive({ kind: "text", index: 0, start: 5, text: "!" }, "text", 0, 2, "llo!")).toMatchObject({
      start: 2,
      text: "llo!",
    });
    // Past a hole: starts over there (the log fills the hole).
    expect(addLive(seg, "text", 0, 20, "later")).toMatchObject({ start: 20, text: "later" });
  });

  it("shows the logged text, then the live text past its end when the two touch", () => {
    const seg = { kind: "text" as const, index: 0, start: 3, text: "lo, world" };
    expect(renderText("Hel", seg)).toBe("Hello, world");
    expect(renderText("Hello", seg)).toBe("Hello, world");
    // The log already has all of it: the logged text alone.
    expect(renderText("Hello, world", seg)).toBe("Hello, world");
    // A hole between them: only what is certain.
    expect(renderText("H", seg)).toBe("H");
    expect(renderText("Hel", undefined)).toBe("Hel");
  });

  it("merges live text into a message's blocks, adding blocks the log hasn't reached", () => {
    const blocks = [{ kind: "thinking" as const, index: 0, text: "Hmm" }];
    const live = new Map([
      ["thinking:0", { kind: "thinking" as const, index: 0, start: 3, text: "m, yes" }],
      ["text:1", { kind: "text" as const, index: 1, start: 0, text: "Answer" }],
    ]);
    expect(mergeLive(blocks, live)).toEqual([
      { kind: "thinking", index: 0, text: "Hmmm, yes" },
      { kind: "text", index: 1, text: "Answer" },
    ]);
    expect(mergeLive(blocks, undefined)).toBe(blocks);
  });
});

describe("LiveTextStore", () => {
  it("keeps live text until the log catches up, then lets the transcript show it", () => {
    const store = new LiveTextStore();
    const ev = makeStream();
    const heard = vi.fn();
    store.subscribe(heard);
    expect(store.push(frame("m1", 0, "Hello"))).toBe(true);
    expect(store.push(frame("m1", 0, "Hello"))).toBe(false);
    store.notify();
    store.notify();
    expect(heard).toHaveBeenCalledTimes(1);
    const before = store.get("m1");
    // Logged up to 3 of 5 characters: the live segment stays (it still has more).
    store.logged([ev({ type: "text.delta", messageId: "m1", index: 0, text: "Hel", offset: 0 })]);
    expect(store.get("m1")).toBe(before);
    store.logged([ev({ type: "text.delta", messageId: "m1", index: 0, text: "lo", offset: 3 })]);
    expect(store.get("m1")).toBeUndefined();
  });

  it("drops a message's live text when it is logged as completed, and ignores late frames of it", () => {
    const store = new LiveTextStore();
    const ev = makeStream();
    store.push(frame("m1", 0, "sent but never logged"));
    store.logged([
      ev({
        type: "message.completed",
        messageId: "m1",
        stopReason: "aborted",
        usage: { inputTokens: 1, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
        costUsd: 0,
      }),
    ]);
    expect(store.get("m1")).toBeUndefined();
    expect(store.push(frame("m1", 21, "late"))).toBe(false);
    expect(store.size).toBe(0);
  });

  it("renders every character once whatever order the two sources arrive in", () => {
    const full = "The quick brown fox jumps over the lazy dog, twice over.";
    const chunks: [number, string][] = [];
    for (let i = 0; i < full.length; i += 7) chunks.push([i, full.slice(i, i + 7)]);
    // The log coalesces: 3 events over the same text.
    const logged: [number, string][] = [
      [0, full.slice(0, 20)],
      [20, full.slice(20, 41)],
      [41, full.slice(41)],
    ];
    for (let lag = 0; lag < chunks.length; lag++) {
      const store = new LiveTextStore();
      const ev = makeStream();
      const events: StreamEvent[] = [ev({ type: "message.started", messageId: "m1", model: "x" })];
      const shown = () => {
        const t = buildTranscript(events);
        const item = t.items.find((i) => i.kind === "assistant");
        const blocks = item?.kind === "assistant" ? mergeLive(item.blocks, store.get("m1")) : [];
        return blocks.map((b) => (b.kind === "tool" ? "" : b.text)).join("");
      };
      let next = 0;
      chunks.forEach(([offset, text], i) => {
        store.push(frame("m1", offset, text));
        // Each logged event lands `lag` chunks after the last text it covers was sent.
        const behind = chunks[i - lag];
        const sentEnd = behind ? behind[0] + behind[1].length : 0;
        while (next < logged.length && logged[next]![0] + logged[next]![1].length <= sentEnd) {
          const [o, t] = logged[next++]!;
          const e = ev({ type: "text.delta", messageId: "m1", index: 0, text: t, offset: o });
          events.push(e);
          store.logged([e]);
        }
        expect(full.startsWith(shown()), `lag ${lag}, chunk ${i}: ${shown()}`).toBe(true);
        expect(shown().length).toBe(Math.min(full.length, offset + text.length));
      });
      while (next < logged.length) {
        const [o, t] = logged[next++]!;
        const e = ev({ type: "text.delta", messageId: "m1", index: 0, text: t, offset: o });
        events.push(e);
        store.logged([e]);
      }
      expect(shown()).toBe(full);
    }
  });

  it("the transcript places logged text by offset: a repeated range shows once", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "message.started", messageId: "m1", model: "x" }),
      ev({ type: "text.delta", messageId: "m1", index: 0, text: "Hello", offset: 0 }),
      ev({ type: "text.delta", messageId: "m1", index: 0, text: "llo, world", offset: 2 }),
      ev({ type: "text.delta", messageId: "m1", index: 0, text: "world", offset: 7 }),
      // Logs written before offsets existed simply follow on.
      ev({ type: "text.delta", messageId: "m1", index: 0, text: "!" }),
    ]);
    const item = t.items.find((i) => i.kind === "assistant");
    expect(item?.kind === "assistant" && item.blocks).toEqual([
      { kind: "text", index: 0, text: "Hello, world!" },
    ]);
  });
});
