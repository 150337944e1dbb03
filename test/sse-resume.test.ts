// SSE resumption (DESIGN §4): an EventSource reconnects to the URL it was opened with, `?after=`
// included, and says where it got to in Last-Event-ID. The header must win, or every reconnect
// replays from the start.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../schema/events";
import { allEvents, api, BASE, createOrchestrator, makeUser, runsIdle, sim, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

type Received = { id: string; event: StreamEvent };

/**
 * One connection the way EventSource makes it: a fixed URL, `Last-Event-ID` once an id was seen,
 * events dispatched as their blank line arrives. `hangUp` says when the connection "drops": the
 * fetch is aborted there and anything received but not yet dispatched is lost, as on a real drop.
 */
async function connectOnce(
  url: string,
  lastEventId: string,
  hangUp: (received: Received[]) => boolean,
): Promise<Received[]> {
  const ctl = new AbortController();
  const res = await SELF.fetch(url, {
    headers: { Accept: "text/event-stream", ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}) },
    signal: ctl.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const received: Received[] = [];
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return received;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id !== undefined && data !== undefined) {
          received.push({ id, event: JSON.parse(data) as StreamEvent });
          if (hangUp(received)) return received;
        }
        end = buffer.indexOf("\n\n");
      }
    }
  } finally {
    ctl.abort();
  }
}

describe("SSE with both ?after= and Last-Event-ID", () => {
  it("resumes from Last-Event-ID, not from after", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ text: "one two three four" }]),
    });
    const log = await waitFor(orchestrator(id), runsIdle(1));
    const n = log.length;
    const url = (after: number) =>
      `${BASE}/api/orchestrators/${id}/stream?after=${after}&access_token=${user.token}`;
    const upTo = (last: number) => (r: Received[]) => Number(r[r.length - 1]!.id) >= last;
    // Lower or higher than after, the header decides.
    const a = await connectOnce(url(0), String(n - 2), upTo(n));
    expect(a.map((r) => r.event.seq)).toEqual([n - 1, n]);
    const b = await connectOnce(url(n - 1), "2", upTo(n));
    expect(b.map((r) => r.event.seq)).toEqual(log.slice(2).map((e) => e.seq));
    // Without the header, after places the connection.
    const c = await connectOnce(url(n - 3), "", upTo(n));
    expect(c.map((r) => r.event.seq)).toEqual([n - 2, n - 1, n]);

    const bad = await SELF.fetch(url(0), {
      headers: { Accept: "text/event-stream", "Last-Event-ID": "12abc" },
    });
    expect(bad.status).toBe(400);
    const body = await bad.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/Last-Event-ID/);
  });

  it("a client that drops twice mid-stream and reconnects like EventSource ends with exactly the log", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const words = (k: number) => Array.from({ length: k }, (_, i) => `word${i}`).join(" ");
    // ?after=0 stays in the URL for good, as with `new EventSource(url)`. Opened before the send,
    // so the first connection gets its events live and the drops land while the run streams.
    const url = `${BASE}/api/orchestrators/${id}/stream?after=0&access_token=${user.token}`;
    const got: Received[] = [];
    const lastId = () => got[got.length - 1]?.id ?? "";
    const first = connectOnce(url, lastId(), (r) => r.length >= 5);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ text: words(60), tools: [{ name: "list_agents", input: {} }] }, { text: words(60) }]),
    });
    got.push(...(await first));
    // Text is logged coalesced (DESIGN §11), so the run is ~15 events: drop again 4 events on.
    got.push(...(await connectOnce(url, lastId(), (r) => r.length >= 4)));
    const done = (r: Received[]) =>
      r.some((x) => x.event.type === "run.completed" || x.event.type === "run.failed");
    got.push(...(await connectOnce(url, lastId(), done)));

    const log = await allEvents(orchestrator(id));
    expect(log.length).toBeGreaterThan(10);
    expect(got.map((r) => Number(r.id))).toEqual(log.map((e) => e.seq));
    expect(got.map((r) => r.event)).toEqual(log);
  });
});
