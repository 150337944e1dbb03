// DESIGN §4: the WebSocket protocol (resume, send, interrupt, ping, error frames) and SSE.
import { runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { api, BASE, createOrchestrator, internals, makeUser, runsIdle, sim, waitFor } from "./helpers";
import { WsClient } from "./ws-client";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

describe("WebSocket protocol", () => {
  it("serves history pages as spliced stored JSON, equal to the parsed page", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "One two three." }]) });
    const events = await waitFor(orchestrator(id), runsIdle(1));
    const last = events[events.length - 1]!.seq;
    await runInDurableObject(orchestrator(id), (o: Orchestrator) => {
      for (const [after, limit] of [
        [0, 3],
        [2, 1000],
        [last - 1, 5],
        [last, 5],
        [last + 10, 5],
      ] as const) {
        expect(JSON.parse(o.eventsJson(after, limit))).toEqual(o.events(after, limit));
      }
    });
  });

  it("never sends an event whose transaction rolled back, and leaves no hole in the log", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const c = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    await c.until((x) => x.frames.some((f) => f.type === "ready"));
    await runInDurableObject(orchestrator(id), (o: Orchestrator) => {
      internals(o).emit({ type: "llm.retry", attempt: 1, delayMs: 0, reason: "kept" });
      expect(() =>
        o.store.transaction(() => {
          internals(o).emit({ type: "llm.retry", attempt: 2, delayMs: 0, reason: "rolled back" });
          throw new Error("boom");
        }),
      ).toThrow("boom");
      internals(o).emit({ type: "llm.retry", attempt: 3, delayMs: 0, reason: "after" });
      // A nested transaction rolled back inside one that catches it and commits.
      o.store.transaction(() => {
        internals(o).emit({ type: "llm.retry", attempt: 4, delayMs: 0, reason: "outer" });
        try {
          o.store.transaction(() => {
            internals(o).emit({ type: "llm.retry", attempt: 5, delayMs: 0, reason: "rolled back" });
            throw new Error("inner");
          });
        } catch {
          // the outer transaction goes on
        }
        internals(o).emit({ type: "llm.retry", attempt: 6, delayMs: 0, reason: "outer again" });
      });
    });
    await c.until((x) => x.events.size >= 4);
    const reasons = c.ordered().map((e) => (e.type === "llm.retry" ? e.reason : e.type));
    expect(reasons).toEqual(["kept", "after", "outer", "outer again"]);
    expect(c.ordered().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(c.frames)).not.toContain("rolled back");
    expect(c.duplicates).toBe(0);
    const page = await api<{ events: { seq: number }[] }>(
      user,
      "GET",
      `/api/orchestrators/${id}/events?after=0`,
    );
    expect(page.body.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    c.close();
  });

  it("answers ready with a snapshot, replays, sends and pongs; bad frames get error frames and the socket lives", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const c = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    await c.until((x) => x.frames.some((f) => f.type === "ready"));
    const ready = c.frames.find((f) => f.type === "ready")!;
    expect(ready).toMatchObject({
      lastSeq: 0,
      state: { kind: "orchestrator", status: "idle", simulated: true, agents: [] },
    });

    for (const bad of [
      "not json",
      JSON.stringify({ type: "nope" }),
      JSON.stringify({ type: "send", text: "" }),
      JSON.stringify({ type: "resume", after: -1 }),
    ]) {
      c.send(bad);
    }
    await c.until((x) => x.frames.filter((f) => f.type === "error").length >= 4);
    const errors = c.frames.filter((f) => f.type === "error");
    expect(errors.every((e) => e.code === "bad_frame")).toBe(true);
    expect(String(errors[2]!.message)).toMatch(/text/);

    c.send({ type: "ping" });
    await c.until((x) => x.frames.some((f) => f.type === "pong"));
    c.send({ type: "send", text: sim([{ text: "hi over ws" }]), clientId: "c-1" });
    await c.until((x) => [...x.events.values()].some((e) => e.type === "run.completed"));
    const sent = c.frames.find((f) => f.type === "sent")!;
    expect(sent).toMatchObject({ clientId: "c-1", messageId: expect.stringMatching(/^msg_/) });
    // Idempotent per clientId: a retried send doesn't start another run.
    c.send({ type: "send", text: sim([{ text: "hi over ws" }]), clientId: "c-1" });
    await c.until((x) => x.frames.filter((f) => f.type === "sent").length === 2);
    const again = c.frames.filter((f) => f.type === "sent")[1]!;
    expect(again.messageId).toBe(sent.messageId);
    const events = await waitFor(orchestrator(id), runsIdle(1));
    expect(events.filter((e) => e.type === "run.started")).toHaveLength(1);
    c.close();
  });

  it("applies the HTTP send checks to socket sends: an archived orchestrator refuses", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    expect((await api(user, "PATCH", `/api/orchestrators/${id}`, { status: "archived" })).status).toBe(200);
    const c = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    c.send({ type: "send", text: "hello?" });
    await c.until((x) => x.frames.some((f) => f.type === "error"));
    expect(c.frames.find((f) => f.type === "error")).toMatchObject({
      code: "archived",
      message: expect.stringMatching(/archived/),
    });
    expect([...c.events.values()].some((e) => e.type === "message.user")).toBe(false);
    c.close();
  });

  it("takes token upgrades without Origin, and refuses foreign users", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const id = await createOrchestrator(owner);
    // A script (ws, Node's WebSocket) sends no Origin; its token is what authenticates it.
    const script = await SELF.fetch(`${BASE}/api/orchestrators/${id}/ws`, {
      headers: { Upgrade: "websocket", Authorization: `Bearer ${owner.token}` },
    });
    expect(script.status).toBe(101);
    script.webSocket?.accept();
    script.webSocket?.close();
    const foreignUser = await SELF.fetch(`${BASE}/api/orchestrators/${id}/ws`, {
      headers: { Upgrade: "websocket", Origin: BASE, Authorization: `Bearer ${other.token}` },
    });
    expect(foreignUser.status).toBe(404);
  });
});

describe("HTTP history and SSE", () => {
  it("pages events and streams SSE from a seq, honouring Last-Event-ID", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ text: "one two three four five six" }]),
    });
    const all = await waitFor(orchestrator(id), runsIdle(1));
    const page = await api<{ events: { seq: number }[]; lastSeq: number; hasMore: boolean }>(
      user,
      "GET",
      `/api/orchestrators/${id}/events?after=2&limit=3`,
    );
    expect(page.body.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(page.body).toMatchObject({ lastSeq: all.length, hasMore: true });
    const bad = await api<{ error: { message: string } }>(
      user,
      "GET",
      `/api/orchestrators/${id}/events?after=x`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/after/);

    const read = async (headers: Record<string, string>, query = "") => {
      const ctl = new AbortController();
      const res = await SELF.fetch(`${BASE}/api/orchestrators/${id}/stream${query}`, {
        headers: { Authorization: `Bearer ${user.token}`, ...headers },
        signal: ctl.signal,
      });
      expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      let text = "";
      const decoder = new TextDecoder();
      while (!text.includes(`id: ${all.length}\n`)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      ctl.abort();
      return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    };
    expect(await read({}, "?after=4")).toEqual(all.slice(4).map((e) => e.seq));
    expect(await read({ "Last-Event-ID": String(all.length - 2) })).toEqual([all.length - 1, all.length]);
  });
});
