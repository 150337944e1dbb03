// Event rows without the stream name (DO migration 0002_events_without_stream): new rows leave it
// out, every read puts it back, and rows written before the migration read back the same before
// and after it strips them — byte for byte, through every read path (pages, replay, SSE). Events
// one transaction appends share a row (worker/db/event-log.ts), and read back one per seq.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import migrations from "../schema/do-migrations";
import type { StreamEvent } from "../schema/events";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { allEvents, api, createOrchestrator, makeUser, runsIdle, sim, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

type Row = { seq: number; type: string; body: string };
const storedRows = (id: string) =>
  runInDurableObject(orchestrator(id), (_o: Orchestrator, state: DurableObjectState) =>
    state.storage.sql.exec<Row>("SELECT seq, type, body FROM events ORDER BY seq").toArray(),
  );
/** Each event's stored JSON: a shared row (its type between spaces) holds one per line. */
const storedBodies = async (id: string) =>
  (await storedRows(id)).flatMap((r) => (r.type.startsWith(" ") ? r.body.split("\n") : [r.body]));

describe("event rows without the stream name", () => {
  it("stores each event without its stream and reads it back whole", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "stored lean" }]) });
    const events = await waitFor(orchestrator(id), runsIdle(1));
    const stream = `orchestrator:${id}`;
    expect(events.every((e) => e.stream === stream)).toBe(true);

    // One transaction takes the message in and starts its run; the checkpoint's logs the text the
    // log didn't have yet, the message's completion, the usage it brings and (a reply with no tool
    // calls) the run's end: one row each, keyed by the last seq.
    const rows = await storedRows(id);
    const shared = rows.filter((r) => r.type.startsWith(" "));
    expect(shared.map((r) => r.type)).toEqual([
      " message.user run.started ",
      " text.delta message.completed usage.updated run.completed ",
    ]);
    const last = (type: StreamEvent["type"]) => events.find((e) => e.type === type)!.seq;
    expect(shared.map((r) => r.seq)).toEqual([last("run.started"), last("run.completed")]);
    expect(rows).toHaveLength(events.length - 4);
    const bodies = await storedBodies(id);
    expect(bodies).toHaveLength(events.length);
    for (const [i, body] of bodies.entries()) {
      expect(body.startsWith('{"seq":')).toBe(true);
      expect(body).not.toContain(stream);
      // What is stored is the event minus its first field, nothing else.
      expect(`{"stream":${JSON.stringify(stream)},${body.slice(1)}`).toBe(JSON.stringify(events[i]));
    }
    // The HTTP page splices the same rows back in.
    const page = await api<{ events: StreamEvent[] }>(user, "GET", `/api/orchestrators/${id}/events?after=0`);
    expect(page.body.events).toEqual(events);
  });

  it("reads rows written before the migration as they were, and the same after it strips them", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "old and new" }]) });
    const before = await waitFor(orchestrator(id), runsIdle(1));
    // Rewrite the log the way the object stored it before the migration: a row per event, whole.
    await runInDurableObject(orchestrator(id), (_o: Orchestrator, state: DurableObjectState) => {
      state.storage.sql.exec("DELETE FROM events");
      for (const ev of before)
        state.storage.sql.exec(
          "INSERT INTO events (seq, ts, type, body) VALUES (?, ?, ?, ?)",
          ev.seq,
          ev.ts,
          ev.type,
          JSON.stringify(ev),
        );
    });
    expect((await storedBodies(id)).every((b) => b.startsWith('{"stream":'))).toBe(true);
    // A page mixing old rows with a new one reads back whole.
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "a new row" }]) });
    const mixed = await waitFor(orchestrator(id), runsIdle(2));
    expect(mixed.slice(0, before.length)).toEqual(before);
    expect(mixed.every((e) => e.stream === `orchestrator:${id}`)).toBe(true);

    // The migration strips the old rows; nothing a reader gets changes.
    await runInDurableObject(orchestrator(id), (_o: Orchestrator, state: DurableObjectState) => {
      state.storage.sql.exec(migrations.migrations.m0002);
    });
    const bodies = await storedBodies(id);
    expect(bodies.every((b) => b.startsWith('{"seq":'))).toBe(true);
    expect(await allEvents(orchestrator(id))).toEqual(mixed);
    const json = await runInDurableObject(orchestrator(id), (o: Orchestrator) => o.eventsJson(0, 1000));
    expect(JSON.parse(json).events).toEqual(mixed);
  });
});
