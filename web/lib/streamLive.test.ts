// The stream client and the live text overlay (DESIGN §11): delta frames show at once, the log's
// coalesced events take over without showing anything twice, a reconnect's resent tail is taken
// once, a crashed message's unlogged text is retracted when it is logged as aborted, and a frame of
// another stream is ignored.
import { describe, expect, it } from "vitest";
import type { DeltaFrame, StreamEvent, StreamState } from "../../schema/events";
import { makeStream, usage } from "./fixtures";
import { StreamClient } from "./stream";
import { mergeLive } from "./views/liveText";
import { buildTranscript } from "./views/transcript";

class FakeSocket {
  readyState: 0 | 1 | 2 | 3 = 0;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  send() {}
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  frame(f: object) {
    this.onmessage?.({ data: JSON.stringify(f) } as MessageEvent);
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 } as CloseEvent);
  }
}

const STREAM = "orchestrator:o1";
const state = { stream: STREAM, name: "Ops" } as StreamState;
const delta = (messageId: string, offset: number, text: string, stream = STREAM): DeltaFrame => ({
  type: "delta",
  stream,
  messageId,
  index: 0,
  kind: "text",
  offset,
  text,
});

function setup() {
  const sockets: FakeSocket[] = [];
  const client = new StreamClient(
    { path: "/api/orchestrators/o1", sendOverHttp: async () => ({}), interruptOverHttp: async () => ({}) },
    {
      openSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      fetchEvents: async () => ({ events: [], lastSeq: 0, hasMore: false }),
      setTimeout: () => 0,
      clearTimeout: () => {},
      schedule: (fn) => fn(),
      online: () => true,
      random: () => 0.5,
    },
  );
  client.start();
  sockets[0]!.open();
  sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
  /** What the chat shows of message `m`: the transcript of the log with the live text merged in. */
  const shown = (m: string) => {
    const t = buildTranscript(client.getSnapshot().log.events);
    const item = t.items.find((i) => i.kind === "assistant" && i.messageId === m);
    const blocks = item?.kind === "assistant" ? item.blocks : [];
    return mergeLive(blocks, client.live.get(m))
      .map((b) => (b.kind === "tool" ? "" : b.text))
      .join("");
  };
  return { client, sockets, shown };
}

describe("StreamClient with live text", () => {
  it("shows delta frames at once and hands over to the logged events without repeating a character", () => {
    const { client, sockets, shown } = setup();
    const s = sockets[0]!;
    const ev = makeStream();
    let heard = 0;
    client.live.subscribe(() => heard++);
    s.frame({ type: "event", event: ev({ type: "message.started", messageId: "m1", model: "x" }) });
    s.frame(delta("m1", 0, "Hello"));
    s.frame(delta("m1", 5, ", wor"));
    expect(shown("m1")).toBe("Hello, wor");
    expect(heard).toBe(2);
    // The coalesced event repeats the first 8 characters: nothing shows twice.
    s.frame({
      type: "event",
      event: ev({ type: "text.delta", messageId: "m1", index: 0, text: "Hello, w", offset: 0 }),
    });
    expect(shown("m1")).toBe("Hello, wor");
    s.frame(delta("m1", 10, "ld"));
    s.frame({
      type: "event",
      event: ev({ type: "text.delta", messageId: "m1", index: 0, text: "orld", offset: 8 }),
    });
    expect(shown("m1")).toBe("Hello, world");
    expect(client.live.get("m1")).toBeUndefined();
    client.stop();
  });

  it("takes a reconnect's resent tail once", () => {
    const { client, sockets, shown } = setup();
    const ev = makeStream();
    const started = ev({ type: "message.started", messageId: "m1", model: "x" });
    const logged = ev({ type: "text.delta", messageId: "m1", index: 0, text: "One ", offset: 0 });
    sockets[0]!.frame({ type: "events", events: [started, logged] });
    sockets[0]!.frame(delta("m1", 4, "two "));
    sockets[0]!.drop();
    client.reconnectNow();
    const s = sockets[1]!;
    s.open();
    s.frame({ type: "ready", state, lastSeq: 2 });
    // The server sends what it has not logged from the log's end: "two " again, and more.
    s.frame(delta("m1", 4, "two three"));
    expect(shown("m1")).toBe("One two three");
    client.stop();
  });

  it("retracts text that never reached the log when the message is logged as aborted", () => {
    const { client, sockets, shown } = setup();
    const s = sockets[0]!;
    const ev = makeStream();
    const events: StreamEvent[] = [
      ev({ type: "message.started", messageId: "m1", model: "x" }),
      ev({ type: "text.delta", messageId: "m1", index: 0, text: "Kept ", offset: 0 }),
    ];
    s.frame({ type: "events", events });
    s.frame(delta("m1", 5, "but this was cut off"));
    expect(shown("m1")).toBe("Kept but this was cut off");
    // The object crashed; on restart it logs the message as aborted: the log has all there is.
    s.frame({
      type: "event",
      event: ev({
        type: "message.completed",
        messageId: "m1",
        stopReason: "aborted",
        usage: usage(),
        costUsd: 0,
      }),
    });
    expect(shown("m1")).toBe("Kept ");
    s.frame(delta("m1", 25, " (late)"));
    expect(shown("m1")).toBe("Kept ");
    client.stop();
  });

  it("ignores a delta frame of another stream", () => {
    const { client, sockets } = setup();
    sockets[0]!.frame(delta("m9", 0, "not ours", "agent:a1"));
    expect(client.live.size).toBe(0);
    client.stop();
  });
});
