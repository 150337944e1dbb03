// Replays that don't hold the object (issue 16): a WebSocket gets `ready` at once and its replay
// runs in slices (a newer resume supersedes it); an SSE replay is pulled by its reader, so a slow
// reader holds the history back instead of the object buffering all of it; live text already sent
// is logged before a transaction, so a rollback can't take it back.
import { runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../schema/events";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { allEvents, BASE, createOrchestrator, internals, makeUser } from "./helpers";
import { WsClient } from "./ws-client";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

/** Fills a fresh orchestrator's log with `n` small events. */
async function longLog(n: number): Promise<{ user: Awaited<ReturnType<typeof makeUser>>; id: string }> {
  const user = await makeUser();
  const id = await createOrchestrator(user);
  await runInDurableObject(orchestrator(id), (o: Orchestrator) => {
    for (let i = 0; i < n; i++)
      internals(o).emit({ type: "llm.retry", attempt: i, delayMs: 0, reason: "filler to replay" });
  });
  return { user, id };
}

describe("replays", () => {
  it("a resume during a replay supersedes it: after its ready, only the newer replay's events", async () => {
    const n = 12_000;
    const { user, id } = await longLog(n);
    const c = await WsClient.connect(user, `/api/orchestrators/${id}/ws`, 0);
    c.send({ type: "resume", after: n - 1000 });
    await c.until((x) => x.frames.filter((f) => f.type === "ready").length === 2 && x.lastSeq >= n);
    // Frames of the first replay may precede the second ready; none may follow it.
    const second = c.frames.findLastIndex((f) => f.type === "ready");
    expect(c.frames[0]!.type).toBe("ready");
    const after = c.frames
      .slice(second + 1)
      .flatMap((f) =>
        f.type === "events"
          ? (f.events as StreamEvent[])
          : f.type === "event"
            ? [f.event as StreamEvent]
            : [],
      )
      .map((e) => e.seq);
    expect(after).toEqual(Array.from({ length: 1000 }, (_, i) => n - 999 + i));
    c.close();
  });

  it("an SSE replay goes only as far as its reader reads, then goes live", async () => {
    const n = 12_000;
    const { user, id } = await longLog(n);
    const res = await SELF.fetch(`${BASE}/api/orchestrators/${id}/stream?access_token=${user.token}`, {
      headers: { Accept: "text/event-stream" },
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = decoder.decode((await reader.read()).value, { stream: true });
    await new Promise((r) => setTimeout(r, 300));
    // The reader took one chunk and stopped: the object has not read the whole log into the stream.
    const held = await runInDurableObject(
      orchestrator(id),
      (o: Orchestrator) => internals(o).watchers.sseReplaying,
    );
    expect(held).toBe(1);

    // Reading on gets every event once, in order, then live ones.
    const seqs: number[] = [];
    let emitted = false;
    while (seqs.length < n + 1) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      const whole = buf.lastIndexOf("\n\n") + 2;
      for (const m of buf.slice(0, whole).matchAll(/^id: (\d+)$/gm)) seqs.push(Number(m[1]));
      buf = buf.slice(whole);
      if (!emitted && seqs.at(-1) === n) {
        emitted = true;
        await runInDurableObject(orchestrator(id), (o: Orchestrator) => {
          expect(internals(o).watchers.sseReplaying).toBe(0);
          internals(o).emit({ type: "llm.retry", attempt: n, delayMs: 0, reason: "live" });
        });
      }
    }
    await reader.cancel();
    expect(seqs).toEqual(Array.from({ length: n + 1 }, (_, i) => i + 1));
  });

  it("live text sent before a transaction is logged first in it, and a rollback can't take it back", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await runInDurableObject(orchestrator(id), (o: Orchestrator) => {
      const live = internals(o).liveText;
      live.append("msg_x", "text", 0, "already on screen");
      expect(() =>
        o.store.transaction(() => {
          internals(o).emit({ type: "llm.retry", attempt: 1, delayMs: 0, reason: "rolled back" });
          throw new Error("boom");
        }),
      ).toThrow("boom");
      live.append("msg_x", "text", 0, ", and more");
      live.end("msg_x", 0);
      // The block's end waits for the next event, which takes its text into its own row.
      internals(o).emit({ type: "llm.retry", attempt: 2, delayMs: 0, reason: "kept" });
    });
    const log = await allEvents(orchestrator(id));
    const text = log.filter((e) => e.type === "text.delta");
    expect(text.map((e) => [e.offset, e.text])).toEqual([
      [0, "already on screen"],
      [17, ", and more"],
    ]);
    expect(log.filter((e) => e.type === "llm.retry").map((e) => e.reason)).toEqual(["kept"]);
    const rows = await runInDurableObject(orchestrator(id), (_o: Orchestrator, state: DurableObjectState) =>
      state.storage.sql.exec<{ type: string }>("SELECT type FROM events ORDER BY seq").toArray(),
    );
    expect(rows.map((r) => r.type)).toEqual(["text.delta", " text.delta llm.retry "]);
  });
});
