// The live text overlay (DESIGN §11) through the real stack: token text goes out at once as
// unlogged `delta` frames (WebSocket) or `event: delta` messages without an id (SSE), the log gets
// it in coalesced text.delta / thinking.delta events at the same offsets, and a client that renders
// both shows every character once — also when it reconnects mid-block, and after a crash, when text
// that never reached the log is retracted. (Tests run with LIVE_TEXT_FLUSH_MS=1000, vitest.config.ts,
// so text stays unlogged long enough to crash or reconnect in between.)
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../schema/events";
import { crashObject, ofType, wakeByAlarm } from "./drills/kit";
import { allEvents, api, BASE, createOrchestrator, makeUser, runsIdle, sim, waitFor } from "./helpers";
import { RenderedText } from "./rendered-text";
import { WsClient } from "./ws-client";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const prose = (n: number) => "Every character is shown once, from either source. ".repeat(n);
const textEvents = (events: StreamEvent[]) =>
  events.filter(
    (e): e is Extract<StreamEvent, { type: "text.delta" | "thinking.delta" }> =>
      e.type === "text.delta" || e.type === "thinking.delta",
  );

type SseMessage = { event: string; id: string | undefined; data: string };

/** Reads an SSE response until `done` holds for what arrived. */
async function readSse(res: Response, done: (msgs: SseMessage[]) => boolean): Promise<SseMessage[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const out: SseMessage[] = [];
  let buf = "";
  try {
    while (!done(out)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buf += decoder.decode(value, { stream: true });
      for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        out.push({
          event: /^event: (.*)$/m.exec(block)?.[1] ?? "message",
          id: /^id: (.*)$/m.exec(block)?.[1],
          data,
        });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return out;
}

describe("live deltas (DESIGN §11)", () => {
  it("sends text at once as delta frames and logs it coalesced, at the same offsets", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const client = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    await client.until((c) => c.frames.some((f) => f.type === "ready"));
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ thinking: prose(20), text: prose(180) }]),
    });
    const log = await waitFor(orchestrator(id), runsIdle(1));
    await client.until((c) => c.lastSeq >= log.length);

    const deltas = client.frames.filter((f) => f.type === "delta");
    const logged = textEvents(log);
    const text = logged.filter((e) => e.type === "text.delta");
    expect(text.map((e) => e.text).join("")).toBe(prose(180));
    // Coalesced: a few rows for ~9 KB of text (2 KB each at most), against hundreds of frames.
    expect(deltas.length).toBeGreaterThan(100);
    expect(text.length).toBeLessThanOrEqual(6);
    for (const e of logged) expect(e.text.length).toBeLessThan(2048 + 64);
    expect(deltas.every((f) => f.stream === `orchestrator:${id}` && typeof f.offset === "number")).toBe(true);
    // Sent before it was logged: every logged range was covered by delta frames that came earlier.
    for (const e of logged) {
      const at = client.frames.findIndex((f) => f.type === "event" && (f.event as StreamEvent).seq === e.seq);
      const before = client.frames
        .slice(0, at)
        .filter((f) => f.type === "delta" && f.messageId === e.messageId);
      const covered = Math.max(
        0,
        ...before
          .filter((f) => f.index === e.index)
          .map((f) => (f.offset as number) + (f.text as string).length),
      );
      expect(covered, `seq ${e.seq} was sent live first`).toBeGreaterThanOrEqual(
        (e.offset ?? 0) + e.text.length,
      );
    }
    expect(client.text.mismatches(log)).toEqual([]);
    expect(client.text.retracted(log)).toBe(0);
    client.close();
  });

  it("SSE carries delta messages without an id; ?deltas=0 leaves them out; both end with the logged text", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const url = (q: string) => `${BASE}/api/orchestrators/${id}/stream?access_token=${user.token}${q}`;
    const completed = (m: SseMessage[]) => m.some((x) => x.event === "run.completed");
    const [withDeltas, without] = await Promise.all([
      SELF.fetch(url(""), { headers: { Accept: "text/event-stream" } }),
      SELF.fetch(url("&deltas=0"), { headers: { Accept: "text/event-stream" } }),
    ]);
    const reading = [readSse(withDeltas, completed), readSse(without, completed)];
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: prose(80) }]) });
    const [a, b] = await Promise.all(reading);
    const log = await allEvents(orchestrator(id));

    const live = a!.filter((m) => m.event === "delta");
    expect(live.length).toBeGreaterThan(20);
    expect(live.every((m) => m.id === undefined)).toBe(true);
    expect(b!.some((m) => m.event === "delta")).toBe(false);
    // The seq'd events are the same on both, and each is the log's.
    const events = (ms: SseMessage[]) => ms.filter((m) => m.event !== "delta");
    expect(events(a!).map((m) => JSON.parse(m.data))).toEqual(log);
    expect(events(b!).map((m) => JSON.parse(m.data))).toEqual(log);
    expect(events(a!).every((m) => m.id === String(JSON.parse(m.data).seq))).toBe(true);
    // Rendering both sources shows the logged text, once.
    const r = new RenderedText("sse");
    for (const m of a!) {
      if (m.event === "delta") r.delta(JSON.parse(m.data));
      else r.event(JSON.parse(m.data));
    }
    expect(r.mismatches(log)).toEqual([]);

    const bad = await SELF.fetch(url("&deltas=yes"), { headers: { Accept: "text/event-stream" } });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { message: string } }>()).error.message).toMatch(/deltas/);
  });

  it("a client that connects or reconnects mid-block gets the unlogged text once, then the rest", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const path = `/api/orchestrators/${id}/ws`;
    const a = await WsClient.connect(user, path, 0, { rendersDeltas: true });
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      // The first attempt streams a few deltas and stalls (the idle timeout retries it).
      text: sim([{ fault: "stall", times: 1 }, { text: prose(60) }]),
    });
    await a.until((c) => c.text.frames >= 1);
    const started = ofType(await allEvents(orchestrator(id)), "message.started")[0]!;
    // Mid-block: sent, not logged.
    expect(textEvents(await allEvents(orchestrator(id)))).toEqual([]);
    const shown = a.text.rendered(started.messageId, "text", 0);
    expect(shown.length).toBeGreaterThan(0);

    // A new client gets the log, then the unlogged text as delta frames from the log's end…
    const b = await WsClient.connect(user, path, 0, { rendersDeltas: true });
    await b.until((c) => c.text.rendered(started.messageId, "text", 0) === shown);
    // …and one that drops and resumes from its last seq gets it again, shown once.
    await a.reconnect();
    const resumedAt = a.frames.length;
    await a.until((c) => c.frames.slice(resumedAt).some((f) => f.type === "delta"));
    expect(a.text.rendered(started.messageId, "text", 0)).toBe(shown);

    const log = await waitFor(orchestrator(id), runsIdle(1), 30_000);
    for (const c of [a, b]) {
      await c.until((x) => x.lastSeq >= log.length);
      expect(c.text.mismatches(log)).toEqual([]);
      // The stalled attempt was retried, not crashed: its text reached the log before it ended.
      expect(c.text.retracted(log)).toBe(0);
      c.close();
    }
  });

  it("after a crash mid-block, text that never reached the log is retracted on every client", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const path = `/api/orchestrators/${id}/ws`;
    const a = await WsClient.connect(user, path, 0, { rendersDeltas: true });
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ fault: "stall", times: 1 }, { text: prose(40) }]),
    });
    await a.until((c) => c.text.frames >= 1);
    expect(textEvents(await allEvents(orchestrator(id)))).toEqual([]);
    const [first] = ofType(await allEvents(orchestrator(id)), "message.started");
    expect(a.text.rendered(first!.messageId, "text", 0).length).toBeGreaterThan(0);

    await crashObject(orchestrator(id));
    await wakeByAlarm(() => orchestrator(id));
    const log = await waitFor(orchestrator(id), runsIdle(1), 30_000);
    const aborted = ofType(log, "message.completed").find((e) => e.messageId === first!.messageId);
    expect(aborted?.stopReason).toBe("aborted");
    // The client saw the text live; the log never got it; on screen it is gone.
    await a.until((c) => c.lastSeq >= log.length);
    expect(a.text.rendered(first!.messageId, "text", 0)).toBe("");
    expect(a.text.retracted(log)).toBeGreaterThan(0);
    expect(a.text.mismatches(log)).toEqual([]);
    // The answer after the restart is whole, and a client that arrives now renders the same.
    const later = await WsClient.connect(user, path);
    await later.until((c) => c.lastSeq >= log.length);
    expect(later.text.mismatches(log)).toEqual([]);
    expect(
      textEvents(log)
        .map((e) => e.text)
        .join(""),
    ).toBe(prose(40));
    a.close();
    later.close();
  });
});
