// How often the log takes streamed text depends on who watches (DESIGN §11, LIVE_TEXT): every
// ~100 ms or 2 KB while a live watcher reads text only from the log (SSE `deltas=0` or absent, a
// socket whose resume didn't say `deltas: true`), every 10 s or 4 KB while every watcher renders
// delta frames or none watches — and at once when such a reader joins mid-block. Tests run with 1 s and 3 s
// (vitest.config.ts); a stalled attempt holds a block open until the 1.5 s idle timeout retries it,
// so whether its text reached the log before the retry says which window was used.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../schema/events";
import { ofType } from "./drills/kit";
import {
  allEvents,
  api,
  BASE,
  createOrchestrator,
  makeUser,
  runsIdle,
  sim,
  type TestUser,
  waitFor,
} from "./helpers";
import { WsClient } from "./ws-client";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const prose = (n: number) => "Logged when it must be, not before. ".repeat(n);

/** The stalled first attempt's text rows and its aborted end, from the log once the run is over. */
async function stalledAttempt(id: string) {
  const log = await waitFor(orchestrator(id), runsIdle(1), 30_000);
  const first = ofType(log, "message.started")[0]!;
  const text = ofType(log, "text.delta").filter((e) => e.messageId === first.messageId);
  const end = ofType(log, "message.completed").find((e) => e.messageId === first.messageId)!;
  return { log, text, end };
}

/** Starts a run whose first attempt streams a little text and stalls until the idle timeout. */
async function startStalled(user: TestUser, id: string): Promise<void> {
  await api(user, "POST", `/api/orchestrators/${id}/messages`, {
    text: sim([{ fault: "stall", times: 1 }, { text: prose(30) }]),
  });
}

/** A fresh orchestrator whose run stalls mid-block, watched by one socket, once it has sent text. */
async function stalledUnderSocket(rendersDeltas: boolean) {
  const user = await makeUser();
  const id = await createOrchestrator(user);
  const a = await WsClient.connect(user, `/api/orchestrators/${id}/ws`, 0, { rendersDeltas });
  await startStalled(user, id);
  await a.until((c) => c.text.frames >= 1);
  return { user, id, a };
}

/** The socket ends up showing exactly the logged text. */
async function rendersTheLog(a: WsClient, log: StreamEvent[]): Promise<void> {
  await a.until((c) => c.lastSeq >= log.length);
  expect(a.text.mismatches(log)).toEqual([]);
}

describe("the live text window follows the watchers", () => {
  it("with every watcher rendering deltas, a stalled block's text waits for its end", async () => {
    const { id, a } = await stalledUnderSocket(true);
    const { log, text, end } = await stalledAttempt(id);
    // One row, logged with the attempt's end (1.5 s in), not at the 1 s window a log reader gets.
    expect(text).toHaveLength(1);
    expect(end.seq).toBe(text[0]!.seq + 1);
    expect(end.ts - text[0]!.ts).toBeLessThan(100);
    await rendersTheLog(a, log);
    a.close();
  });

  it("a 3.6 KB answer is one text row under a rendering watcher, 2 KB rows under a log reader", async () => {
    const rows = async (rendersDeltas: boolean) => {
      const user = await makeUser();
      const id = await createOrchestrator(user);
      const a = await WsClient.connect(user, `/api/orchestrators/${id}/ws`, 0, { rendersDeltas });
      await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: prose(100) }]) });
      const log = await waitFor(orchestrator(id), runsIdle(1), 30_000);
      await rendersTheLog(a, log);
      a.close();
      const text = ofType(log, "text.delta");
      expect(text.reduce((n, e) => n + e.text.length, 0)).toBe(prose(100).length);
      return { text, end: ofType(log, "message.completed")[0]! };
    };
    // Rendering: under the 4 KB cap, so the whole text goes with the message's completion.
    const rendered = await rows(true);
    expect(rendered.text).toHaveLength(1);
    expect(rendered.end.seq).toBe(rendered.text[0]!.seq + 1);
    // A log reader: a row per 2 KB (the test pace streams it well inside the 1 s window).
    const read = await rows(false);
    expect(read.text.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...read.text.map((e) => e.text.length))).toBeLessThan(2048 + 64);
  });

  it("with a socket that reads text only from the log, it is logged at the short window", async () => {
    const { id, a } = await stalledUnderSocket(false);
    const { log, text, end } = await stalledAttempt(id);
    // Logged ~1 s in, while the attempt still stalled (it ends at ~1.5 s).
    expect(text.length).toBeGreaterThanOrEqual(1);
    expect(end.ts - text[0]!.ts).toBeGreaterThan(250);
    await rendersTheLog(a, log);
    a.close();
  });

  it("an SSE reader without deltas=1 joining mid-block gets the text logged at once", async () => {
    const { user, id, a } = await stalledUnderSocket(true);
    const before = await allEvents(orchestrator(id));
    expect(ofType(before, "text.delta")).toEqual([]);

    const res = await SELF.fetch(
      `${BASE}/api/orchestrators/${id}/stream?access_token=${user.token}&deltas=0`,
      {
        headers: { Accept: "text/event-stream" },
      },
    );
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let got = "";
    while (!got.includes("event: text.delta")) {
      const { value, done } = await reader.read();
      if (done) break;
      got += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    expect(got).toContain("event: text.delta");
    // …well before the stalled attempt ends: joining flushed it.
    const { log, text, end } = await stalledAttempt(id);
    expect(end.ts - text[0]!.ts).toBeGreaterThan(250);
    await rendersTheLog(a, log);
    expect(a.duplicates).toBe(0);
    a.close();
  });

  it("SSE with deltas=1 counts as rendering: the text waits for the block's end", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const res = await SELF.fetch(
      `${BASE}/api/orchestrators/${id}/stream?access_token=${user.token}&deltas=1`,
      {
        headers: { Accept: "text/event-stream" },
      },
    );
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let got = "";
    const reading = (async () => {
      while (!got.includes("event: run.completed")) {
        const { value, done } = await reader.read();
        if (done) break;
        got += decoder.decode(value, { stream: true });
      }
    })();
    await startStalled(user, id);
    const { text, end } = await stalledAttempt(id);
    await reading;
    await reader.cancel();
    expect(got).toContain("event: delta");
    expect(text).toHaveLength(1);
    expect(end.ts - text[0]!.ts).toBeLessThan(100);
    const seqs = [...got.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
