import { afterEach, describe, expect, it, vi } from "vitest";
import type { EventsPage } from "../../schema/api";
import { SOCKET_ERRORS, type SocketErrorCode, WS_CLOSE } from "../../schema/errors";
import type { ApprovalInfo, StreamEvent, StreamState } from "../../schema/events";
import { ApiError } from "./api";
import { makeStream } from "./fixtures";
import {
  backoffDelay,
  HANDSHAKE_TIMEOUT_MS,
  PING_INTERVAL_MS,
  StreamClient,
  type StreamDeps,
} from "./stream";
import { ON_ERROR_FRAME } from "./streamPolicy";

class FakeSocket {
  readyState: 0 | 1 | 2 | 3 = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  frame(f: object) {
    this.onmessage?.({ data: JSON.stringify(f) } as MessageEvent);
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

const state: StreamState = {
  stream: "orchestrator:o1",
  kind: "orchestrator",
  name: "Ops",
  model: "claude-sonnet-5-5",
  simulated: true,
  status: "idle",
  activeRunId: null,
  queued: 0,
  totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
  contextTokens: 0,
  contextWindow: 200_000,
};

/** The approval as the server answers a decision. */
const decided = (approvalId: string, decision: "approve" | "deny", note?: string): ApprovalInfo => ({
  approvalId,
  toolUseId: `tu_${approvalId}`,
  name: "write_file",
  input: {},
  status: decision === "approve" ? "approved" : "denied",
  requestedAt: 1,
  expiresAt: 2,
  decidedAt: 3,
  by: "user",
  ...(note ? { note } : {}),
  runId: "r1",
});

function setup(over: Partial<StreamDeps> = {}, history: StreamEvent[] = []) {
  const sockets: FakeSocket[] = [];
  const fetches: number[] = [];
  const send = vi.fn(async () => ({ messageId: "mh", runId: "rh", queued: false }));
  const interrupt = vi.fn(async () => ({}));
  const approve = vi.fn(
    async (approvalId: string, decision: "approve" | "deny", note?: string): Promise<ApprovalInfo> =>
      decided(approvalId, decision, note),
  );
  let online = true;
  const client = new StreamClient(
    {
      path: "/api/orchestrators/o1",
      sendOverHttp: send,
      interruptOverHttp: interrupt,
      approveOverHttp: approve,
    },
    {
      openSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      fetchEvents: async (_path, after): Promise<EventsPage> => {
        fetches.push(after);
        const page = history.filter((e) => e.seq > after).slice(0, 3);
        const lastSeq = history.length ? history[history.length - 1]!.seq : 0;
        return { events: page, lastSeq, hasMore: page.length > 0 && page[page.length - 1]!.seq < lastSeq };
      },
      random: () => 0.5,
      schedule: (fn) => fn(),
      online: () => online,
      ...over,
    },
  );
  return { client, sockets, fetches, send, interrupt, approve, setOnline: (v: boolean) => (online = v) };
}

/** The same, on vitest's fake clock, so timers (backoff, ping, handshake) can be stepped through. */
function setupWithFakeTimers() {
  vi.useFakeTimers();
  return setup({
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("StreamClient", () => {
  it("resumes from 0, goes live on ready, and applies replay and live events", () => {
    const { client, sockets } = setup();
    client.start();
    expect(client.getSnapshot().connection).toBe("connecting");
    const s = sockets[0]!;
    expect(s.url).toMatch(/^ws:\/\/.*\/api\/orchestrators\/o1\/ws$/);
    s.open();
    expect(s.sent[0]).toEqual({ type: "resume", after: 0, deltas: true });
    s.frame({ type: "ready", state, lastSeq: 3 });
    expect(client.getSnapshot().connection).toBe("live");
    expect(client.getSnapshot().state?.name).toBe("Ops");
    const ev = makeStream();
    const [e1, e2, e3, e4] = [1, 2, 3, 4].map(() => ev({ type: "run.started", runId: "r", trigger: "user" }));
    s.frame({ type: "events", events: [e1, e2, e3] });
    s.frame({ type: "event", event: e4 });
    s.frame({ type: "event", event: e4 });
    expect(client.getSnapshot().log.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    client.stop();
  });

  it("fills a gap over HTTP, paging until hasMore is false", async () => {
    const ev = makeStream();
    const history = Array.from({ length: 10 }, () =>
      ev({ type: "run.started", runId: "r", trigger: "user" }),
    );
    const { client, sockets, fetches } = setup({}, history);
    client.start();
    const s = sockets[0]!;
    s.open();
    s.frame({ type: "ready", state, lastSeq: 10 });
    s.frame({ type: "events", events: history.slice(0, 2) });
    s.frame({ type: "event", event: history[9] }); // seq 10 after 2: a gap
    await vi.waitFor(() => expect(client.getSnapshot().log.contiguous).toBe(10));
    expect(fetches).toEqual([2, 5, 8]);
    expect(client.getSnapshot().log.events).toHaveLength(10);
    client.stop();
  });

  it("reconnects with backoff after a drop and resumes from the last contiguous seq", () => {
    const { client, sockets } = setupWithFakeTimers();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 2 });
    const ev = makeStream();
    sockets[0]!.frame({
      type: "events",
      events: [
        ev({ type: "run.started", runId: "r", trigger: "user" }),
        ev({ type: "run.interrupted", runId: "r" }),
      ],
    });
    sockets[0]!.drop();
    expect(client.getSnapshot().connection).toBe("reconnecting");
    expect(client.getSnapshot().attempt).toBe(1);
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    expect(sockets[1]!.sent[0]).toEqual({ type: "resume", after: 2, deltas: true });
    sockets[1]!.frame({ type: "ready", state, lastSeq: 2 });
    expect(client.getSnapshot().connection).toBe("live");
    expect(client.getSnapshot().attempt).toBe(0);
    client.stop();
  });

  it("backoff grows exponentially with jitter and is capped", () => {
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
    expect(backoffDelay(5, () => 0)).toBe(250);
    const samples = new Set(Array.from({ length: 20 }, (_, i) => backoffDelay(4, () => i / 20)));
    expect(samples.size).toBeGreaterThan(10);
  });

  it("pings every 25 s and treats a silent socket as dropped", () => {
    const { client, sockets } = setupWithFakeTimers();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(sockets[0]!.sent).toContainEqual({ type: "ping" });
    sockets[0]!.frame({ type: "pong" });
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(sockets[0]!.sent.filter((f) => (f as { type: string }).type === "ping")).toHaveLength(2);
    // No pong this time.
    vi.advanceTimersByTime(10_000);
    expect(client.getSnapshot().connection).toBe("reconnecting");
    client.stop();
  });

  it("abandons a socket that never delivers ready and connects again", () => {
    const { client, sockets } = setupWithFakeTimers();
    client.start();
    // Opened and resumed, but the server's answer never reaches us.
    sockets[0]!.open();
    vi.advanceTimersByTime(HANDSHAKE_TIMEOUT_MS - 1);
    expect(sockets[0]!.closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(sockets[0]!.closed).toBe(true);
    expect(client.getSnapshot().connection).toBe("reconnecting");
    // Stuck before even opening: the same, after a longer wait on this second attempt.
    vi.advanceTimersByTime(client.getSnapshot().retryAt! - Date.now());
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(HANDSHAKE_TIMEOUT_MS);
    expect(sockets[1]!.closed).toBe(false);
    vi.advanceTimersByTime(HANDSHAKE_TIMEOUT_MS);
    expect(sockets[1]!.closed).toBe(true);
    vi.advanceTimersByTime(client.getSnapshot().retryAt! - Date.now());
    expect(sockets).toHaveLength(3);
    // A socket that gets to ready is kept.
    sockets[2]!.open();
    sockets[2]!.frame({ type: "ready", state, lastSeq: 0 });
    vi.advanceTimersByTime(HANDSHAKE_TIMEOUT_MS * 2);
    expect(sockets[2]!.closed).toBe(false);
    expect(client.getSnapshot().connection).toBe("live");
    client.stop();
  });

  it("goes offline with the browser and resumes immediately when back online", () => {
    const { client, sockets, setOnline } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    setOnline(false);
    window.dispatchEvent(new Event("offline"));
    expect(client.getSnapshot().connection).toBe("offline");
    expect(sockets[0]!.closed).toBe(true);
    setOnline(true);
    window.dispatchEvent(new Event("online"));
    expect(sockets).toHaveLength(2);
    expect(client.getSnapshot().connection).toBe("reconnecting");
    client.stop();
  });

  it("sends over the socket and resolves on the sent frame", async () => {
    const { client, sockets, send } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    const p = client.send("hello", "c1");
    expect(sockets[0]!.sent).toContainEqual({ type: "send", text: "hello", clientId: "c1" });
    sockets[0]!.frame({ type: "sent", messageId: "m1", runId: "r1", clientId: "c1" });
    await expect(p).resolves.toEqual({ messageId: "m1", runId: "r1" });
    expect(send).not.toHaveBeenCalled();
    client.stop();
  });

  it("falls back to HTTP with the same clientId when the socket is down", async () => {
    const { client, send } = setup();
    client.start(); // never opened
    await expect(client.send("hi", "c2")).resolves.toEqual({ messageId: "mh", runId: "rh" });
    expect(send).toHaveBeenCalledWith("hi", "c2");
    client.stop();
  });

  it("retries an unacknowledged socket send over HTTP when the socket drops", async () => {
    const { client, sockets, send } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    const p = client.send("again", "c3");
    sockets[0]!.drop();
    await expect(p).resolves.toEqual({ messageId: "mh", runId: "rh" });
    expect(send).toHaveBeenCalledWith("again", "c3");
    client.stop();
  });

  it("rejects a send with the server's error frame", async () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    const p = client.send("too much", "c4");
    sockets[0]!.frame({ type: "error", code: "rate_limited", message: "Slow down." });
    await expect(p).rejects.toMatchObject({ code: "rate_limited" });
    expect(client.getSnapshot().lastError?.code).toBe("rate_limited");
    client.stop();
  });

  it("every refusal frame fails the waiting send with its code and the status it stands for", async () => {
    for (const [code, { status }] of Object.entries(SOCKET_ERRORS) as [
      SocketErrorCode,
      { status: number },
    ][]) {
      if (ON_ERROR_FRAME[code] !== "refusal") continue;
      const { client, sockets, send } = setup();
      client.start();
      sockets[0]!.open();
      sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
      const p = client.send("hi", `c-${code}`);
      sockets[0]!.frame({ type: "error", code, message: "No." });
      await expect(p, code).rejects.toMatchObject({ code, status });
      expect(client.getSnapshot().lastError?.code).toBe(code);
      expect(send).not.toHaveBeenCalled();
      client.stop();
    }
  });

  it("an unauthenticated frame leaves a waiting send to the 4401 close, which retries it over HTTP", async () => {
    const { client, sockets, send } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    const p = client.send("hello", "c10");
    sockets[0]!.frame({ type: "error", code: "unauthenticated", message: "Ended.", frame: "send" });
    expect(client.getSnapshot().lastError).toBeNull();
    sockets[0]!.drop(WS_CLOSE.unauthenticated);
    await expect(p).resolves.toEqual({ messageId: "mh", runId: "rh" });
    expect(send).toHaveBeenCalledWith("hello", "c10");
    client.stop();
  });

  it("any other close code is a dropped connection: it reconnects", async () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    sockets[0]!.drop(4404);
    expect(client.getSnapshot().connection).toBe("reconnecting");
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(client.getSnapshot().fatal).toBeNull();
    client.stop();
  });

  it("stops for good on a 404 from the gap fetch", async () => {
    const { client, sockets } = setup({
      fetchEvents: async () => {
        throw new ApiError(404, "not_found", "Orchestrator was not found.");
      },
    });
    client.start();
    sockets[0]!.open();
    const ev = makeStream("orchestrator:o1", 5);
    sockets[0]!.frame({ type: "event", event: ev({ type: "run.started", runId: "r", trigger: "user" }) });
    await vi.waitFor(() => expect(client.getSnapshot().fatal?.status).toBe(404));
    expect(client.getSnapshot().connection).toBe("offline");
  });

  it("a refused resume does not fail a send waiting for its answer", async () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    const p = client.send("hello", "c9");
    sockets[0]!.frame({ type: "error", code: "rate_limited", message: "Too many resumes.", frame: "resume" });
    sockets[0]!.frame({ type: "sent", messageId: "m9", runId: "r9", queued: false, clientId: "c9" });
    await expect(p).resolves.toEqual({ messageId: "m9", runId: "r9" });
    expect(client.getSnapshot().lastError?.code).toBe("rate_limited");
    client.stop();
  });

  it("on 4401 carries on with a renewed credential: HTTP still works, so it reconnects", async () => {
    const { client, sockets, fetches } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    sockets[0]!.drop(4401);
    expect(client.getSnapshot().connection).toBe("reconnecting");
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(fetches).toEqual([0]);
    expect(client.getSnapshot().fatal).toBeNull();
    client.stop();
  });

  it("on 4401 stops for good when HTTP answers 401 too (signed out)", async () => {
    const { client, sockets } = setup({
      fetchEvents: async () => {
        throw new ApiError(401, "unauthenticated", "Your session has ended; sign in again.");
      },
    });
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    sockets[0]!.drop(4401);
    await vi.waitFor(() => expect(client.getSnapshot().fatal?.status).toBe(401));
    expect(client.getSnapshot().connection).toBe("offline");
    await new Promise((r) => setTimeout(r, 400));
    expect(sockets).toHaveLength(1);
  });

  it("interrupts over the socket when live, else over HTTP", async () => {
    const { client, sockets, interrupt } = setup();
    client.start();
    await client.interrupt();
    expect(interrupt).toHaveBeenCalledTimes(1);
    sockets[0]!.open();
    await client.interrupt();
    expect(sockets[0]!.sent).toContainEqual({ type: "interrupt" });
    expect(interrupt).toHaveBeenCalledTimes(1);
    client.stop();
  });

  it("ignores malformed frames", () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.onmessage?.({ data: "not json" } as MessageEvent);
    sockets[0]!.frame({ type: "events", events: "nope" });
    expect(client.getSnapshot().log.events).toHaveLength(0);
    client.stop();
  });
});

describe("StreamClient approvals", () => {
  function live() {
    const t = setup();
    t.client.start();
    t.sockets[0]!.open();
    t.sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    return { ...t, s: t.sockets[0]! };
  }

  it("decides over the socket when live and resolves with the approval frame", async () => {
    const { client, s, approve } = live();
    const p = client.approve("apr_1", "deny", "use drafts/");
    expect(s.sent).toContainEqual({
      type: "approve",
      approvalId: "apr_1",
      decision: "deny",
      note: "use drafts/",
    });
    s.frame({ type: "approval", approval: decided("apr_2", "approve") }); // someone else's answer
    s.frame({ type: "approval", approval: decided("apr_1", "deny", "use drafts/") });
    await expect(p).resolves.toMatchObject({ approvalId: "apr_1", status: "denied", note: "use drafts/" });
    expect(approve).not.toHaveBeenCalled();
    client.stop();
  });

  it("fails the waiting decision with an error frame naming approve, and a send is unaffected", async () => {
    const { client, s, send } = live();
    const sending = client.send("hello", "c1");
    const p = client.approve("apr_1", "approve");
    expect(s.sent).toContainEqual({ type: "approve", approvalId: "apr_1", decision: "approve" });
    s.frame({ type: "error", code: "already_decided", message: "decided", frame: "approve" });
    await expect(p).rejects.toMatchObject({ code: "already_decided", status: 409 });
    s.frame({ type: "sent", messageId: "m1", runId: "r1", clientId: "c1" });
    await expect(sending).resolves.toEqual({ messageId: "m1", runId: "r1" });
    expect(send).not.toHaveBeenCalled();
    client.stop();
  });

  it("decides over HTTP when the socket is down", async () => {
    const { client, approve } = setup();
    client.start(); // never opened
    await expect(client.approve("apr_1", "approve")).resolves.toMatchObject({ status: "approved" });
    expect(approve).toHaveBeenCalledWith("apr_1", "approve", undefined);
    client.stop();
  });

  it("retries over HTTP when the socket drops before answering; already_decided then means ours landed", async () => {
    const { client, s, approve } = live();
    approve.mockRejectedValueOnce(new ApiError(409, "already_decided", "decided"));
    const p = client.approve("apr_1", "approve");
    s.drop();
    await expect(p).resolves.toBeNull();
    expect(approve).toHaveBeenCalledWith("apr_1", "approve", undefined);
    client.stop();
  });

  it("goes over HTTP when no answer comes in time", async () => {
    const { client, sockets, approve } = setupWithFakeTimers();
    client.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: "ready", state, lastSeq: 0 });
    const p = client.approve("apr_1", "deny");
    await vi.advanceTimersByTimeAsync(8_000);
    await expect(p).resolves.toMatchObject({ status: "denied" });
    expect(approve).toHaveBeenCalledTimes(1);
    client.stop();
  });

  it("refuses a second decision on the same approval while the first is on its way", async () => {
    const { client, s } = live();
    const first = client.approve("apr_1", "approve");
    await expect(client.approve("apr_1", "deny")).rejects.toMatchObject({ code: "already_decided" });
    expect(s.sent.filter((f) => (f as { type: string }).type === "approve")).toHaveLength(1);
    s.frame({ type: "approval", approval: decided("apr_1", "approve") });
    await expect(first).resolves.toMatchObject({ status: "approved" });
    client.stop();
  });
});
