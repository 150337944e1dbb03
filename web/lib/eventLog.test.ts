import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../schema/events";
import { applyEvents, emptyLog, gaps, hasGap, indexOfSeq, noteServerSeq } from "./eventLog";
import { makeStream } from "./fixtures";

function seqs(events: readonly StreamEvent[]) {
  return events.map((e) => e.seq);
}

function events(n: number, stream = "orchestrator:o1"): StreamEvent[] {
  const ev = makeStream(stream);
  return Array.from({ length: n }, (_, i) =>
    ev({ type: "text.delta", messageId: "m", index: 0, text: String(i) }),
  );
}

describe("applyEvents", () => {
  it("appends in-order events and tracks contiguous and max seq", () => {
    const all = events(5);
    const log = applyEvents(emptyLog(), all);
    expect(seqs(log.events)).toEqual([1, 2, 3, 4, 5]);
    expect(log.contiguous).toBe(5);
    expect(log.maxSeq).toBe(5);
    expect(log.stream).toBe("orchestrator:o1");
    expect(hasGap(log)).toBe(false);
  });

  it("dedups repeats within a batch and against what is held", () => {
    const all = events(4);
    let log = applyEvents(emptyLog(), [all[0]!, all[1]!, all[1]!]);
    expect(seqs(log.events)).toEqual([1, 2]);
    const again = applyEvents(log, [all[0]!, all[1]!]);
    expect(again).toBe(log); // nothing new: same reference, no re-render
    log = applyEvents(log, [all[1]!, all[2]!, all[3]!, all[2]!]);
    expect(seqs(log.events)).toEqual([1, 2, 3, 4]);
  });

  it("sorts out-of-order batches and inserts late events in place", () => {
    const all = events(6);
    let log = applyEvents(emptyLog(), [all[3]!, all[0]!, all[1]!]);
    expect(seqs(log.events)).toEqual([1, 2, 4]);
    expect(log.contiguous).toBe(2);
    expect(hasGap(log)).toBe(true);
    expect(gaps(log)).toEqual([{ from: 3, to: 3 }]);
    const epoch = log.epoch;
    log = applyEvents(log, [all[5]!, all[2]!]);
    expect(seqs(log.events)).toEqual([1, 2, 3, 4, 6]);
    expect(log.contiguous).toBe(4);
    expect(log.epoch).toBe(epoch + 1); // an insert before the end restarts incremental folds
    expect(gaps(log)).toEqual([{ from: 5, to: 5 }]);
  });

  it("handles a replay that overlaps what the client already has", () => {
    const all = events(10);
    let log = applyEvents(emptyLog(), all.slice(0, 7));
    const epoch = log.epoch;
    // The server replays from an older point (e.g. resume raced with live events).
    log = applyEvents(log, all.slice(4, 10));
    expect(seqs(log.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log.contiguous).toBe(10);
    expect(log.epoch).toBe(epoch); // pure append after dedup
  });

  it("ignores events of another stream", () => {
    const mine = events(2);
    const other = events(3, "agent:a1");
    const log = applyEvents(emptyLog("orchestrator:o1"), [...mine, ...other]);
    expect(log.events).toHaveLength(2);
    expect(log.events.every((e) => e.stream === "orchestrator:o1")).toBe(true);
  });

  it("knows about gaps the server announced before any event shows them", () => {
    const all = events(3);
    let log = applyEvents(emptyLog(), all);
    log = noteServerSeq(log, 8);
    expect(hasGap(log)).toBe(true);
    expect(gaps(log)).toEqual([{ from: 4, to: 8 }]);
    expect(noteServerSeq(log, 2)).toBe(log);
  });

  it("reports a leading gap when the first events are missing", () => {
    const all = events(5);
    const log = applyEvents(emptyLog(), all.slice(2));
    expect(log.contiguous).toBe(0);
    expect(gaps(log)).toEqual([{ from: 1, to: 2 }]);
    const filled = applyEvents(log, all.slice(0, 2));
    expect(filled.contiguous).toBe(5);
  });

  it("finds events by seq with binary search", () => {
    const log = applyEvents(
      emptyLog(),
      events(100).filter((e) => e.seq % 3 !== 0),
    );
    expect(indexOfSeq(log.events, 1)).toBe(0);
    expect(indexOfSeq(log.events, 3)).toBe(-1);
    expect(log.events[indexOfSeq(log.events, 100)]!.seq).toBe(100);
  });

  it("stays fast with 50,000 events, in batches and one by one, with shuffled gap fills", () => {
    const all = events(50_000);
    let t = performance.now();
    let log = emptyLog();
    for (let i = 0; i < all.length; i += 100) log = applyEvents(log, all.slice(i, i + 100));
    expect(log.events).toHaveLength(50_000);
    expect(log.contiguous).toBe(50_000);
    const batched = performance.now() - t;

    // Live tail one event at a time on top of a large log.
    t = performance.now();
    for (let i = 0; i < 2000; i++) log = applyEvents(log, [all[49_999 - (i % 10)]!]);
    const dupes = performance.now() - t;
    expect(log.events).toHaveLength(50_000);

    // Every 10th event missing, then filled in one shuffled batch.
    t = performance.now();
    let holey = applyEvents(
      emptyLog(),
      all.filter((e) => e.seq % 10 !== 0),
    );
    expect(holey.contiguous).toBe(9);
    const missing = all.filter((e) => e.seq % 10 === 0).reverse();
    holey = applyEvents(holey, missing);
    expect(holey.contiguous).toBe(50_000);
    expect(seqs(holey.events).every((s, i) => s === i + 1)).toBe(true);
    const fill = performance.now() - t;

    // Generous bounds: this guards against accidental O(n²), not a benchmark.
    expect(batched).toBeLessThan(1500);
    expect(dupes).toBeLessThan(500);
    expect(fill).toBeLessThan(1000);
  });
});
