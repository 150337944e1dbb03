// Live client for one event stream over the WebSocket protocol of DESIGN §4. It resumes from the
// last contiguous seq on every (re)connect, fills gaps over HTTP, reconnects with exponential
// backoff and jitter, pings to detect dead sockets, and batches incoming events so a burst of
// deltas costs one React render. Subscribers get an immutable snapshot.
import { SOCKET_ERRORS } from "../../schema/errors";
import type { ApprovalDecision, ServerFrame, StreamEvent, StreamState } from "../../schema/events";
import { ApiError } from "./api";
import { applyEvents, emptyLog, hasGap, noteServerSeq } from "./eventLog";
import { PendingApprovals } from "./streamApprovals";
import {
  defaultDeps,
  type SocketLike,
  type StreamDeps,
  type StreamSnapshot,
  type StreamTarget,
} from "./streamDeps";
import {
  backoffDelay,
  closeHandling,
  handshakeTimeout,
  ON_ERROR_FRAME,
  PING_INTERVAL_MS,
  PONG_TIMEOUT_MS,
  READY_CATCHUP_MS,
  wsUrl,
} from "./streamPolicy";
import { PendingSends, type SendResult } from "./streamSends";
import { StreamTimers } from "./streamTimers";
import { LiveTextStore } from "./views/liveText";

export type { ConnectionState, StreamDeps, StreamSnapshot, StreamTarget } from "./streamDeps";
export { backoffDelay, HANDSHAKE_TIMEOUT_MS, PING_INTERVAL_MS, wsUrl } from "./streamPolicy";

export class StreamClient {
  /**
   * Token text ahead of the log (`delta` frames, DESIGN §11), kept apart from the log and merged
   * in when a message is drawn (views/liveText.ts); the log trims it as it catches up.
   */
  readonly live = new LiveTextStore();
  private snap: StreamSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly deps: StreamDeps;
  private socket: SocketLike | null = null;
  private queue: StreamEvent[] = [];
  private flushScheduled = false;
  private readonly timers: StreamTimers;
  private gapFetching = false;
  private stopped = true;
  private readonly sends: PendingSends;
  private readonly approvals: PendingApprovals;
  private readonly onOnline = () => this.handleOnline();
  private readonly onOffline = () => this.handleOffline();

  constructor(
    readonly target: StreamTarget,
    deps: Partial<StreamDeps> = {},
  ) {
    this.deps = { ...defaultDeps(), ...deps };
    this.timers = new StreamTimers(this.deps);
    this.sends = new PendingSends(this.deps, (text, clientId) => target.sendOverHttp(text, clientId));
    this.approvals = new PendingApprovals(this.deps, target.approveOverHttp);
    this.snap = {
      log: emptyLog(),
      state: null,
      connection: "connecting",
      fatal: null,
      lastError: null,
      attempt: 0,
      retryAt: null,
    };
  }

  // ---- store interface (useSyncExternalStore) ----

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = (): StreamSnapshot => this.snap;

  private update(patch: Partial<StreamSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const fn of this.listeners) fn();
  }

  // ---- lifecycle ----

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.onOnline);
      window.addEventListener("offline", this.onOffline);
    }
    if (!this.deps.online()) this.update({ connection: "offline" });
    else this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.onOnline);
      window.removeEventListener("offline", this.onOffline);
    }
    this.timers.clearAll();
    this.closeSocket();
    this.sends.clear();
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = null;
    if (!s) return;
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      s.close(1000, "client closing");
    } catch {
      // already closed
    }
  }

  private connect(): void {
    if (this.stopped) return;
    this.closeSocket();
    this.timers.clear("reconnect");
    const first = this.snap.log.contiguous === 0 && this.snap.state === null && this.snap.attempt === 0;
    const connection = !this.deps.online() ? "offline" : first ? "connecting" : "reconnecting";
    this.update({ connection, retryAt: null });
    let socket: SocketLike;
    try {
      socket = this.deps.openSocket(wsUrl(this.target.path));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.timers.set("handshake", handshakeTimeout(this.snap.attempt), () => {
      if (this.socket !== socket) return;
      this.closeSocket();
      this.handleClose(1006);
    });
    socket.onopen = () => {
      // Resume first: the server replays everything after what we hold contiguously. We render
      // delta frames, so the server may log text less often while we watch (DESIGN §11).
      this.sendFrame({ type: "resume", after: this.snap.log.contiguous, deltas: true });
      this.armPing();
    };
    socket.onmessage = (ev) => this.handleFrame(ev.data);
    socket.onclose = (ev) => this.handleClose(ev.code);
    socket.onerror = () => {
      // onclose follows and decides what to do.
    };
  }

  private handleClose(code: number): void {
    this.socket = null;
    if (this.stopped) return;
    this.timers.clearAll();
    // Whatever the close means, what waited on this socket goes over HTTP.
    this.sends.retryOverHttp();
    this.approvals.retryOverHttp();
    if (closeHandling(code) === "credential_ended") {
      this.handleCredentialEnded();
      return;
    }
    this.scheduleReconnect();
  }

  /**
   * The credential this socket was opened with has ended (logout, a revoked token, a password
   * change). A sign-in or password change in this browser has already renewed the cookie, so ask over
   * HTTP before giving up: if that works, reconnect with the new credential; if it answers 401, the
   * app signs out (request() tells onUnauthorized) and fillGap stops this client for good.
   */
  private handleCredentialEnded(): void {
    this.update({ connection: "reconnecting", retryAt: null });
    void this.fillGap(true).then(() => this.scheduleReconnect());
  }

  private fail(error: ApiError): void {
    this.stop();
    this.update({ fatal: error, connection: "offline", retryAt: null });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    // Offline we still retry (the `online` event can fire before the network is really back),
    // just without hammering: the backoff keeps growing.
    const offline = !this.deps.online();
    const attempt = this.snap.attempt;
    const delay = backoffDelay(attempt, this.deps.random);
    this.update({
      connection: offline ? "offline" : "reconnecting",
      attempt: attempt + 1,
      retryAt: offline ? null : this.deps.now() + delay,
    });
    this.timers.set("reconnect", delay, () => this.connect());
    // While the socket is down keep up over HTTP; this also surfaces 401/404 as fatal.
    if (attempt >= 1) void this.fillGap(true);
  }

  private handleOnline(): void {
    if (this.stopped) return;
    this.timers.clear("reconnect");
    this.update({ attempt: 0 });
    this.connect();
  }

  private handleOffline(): void {
    if (this.stopped) return;
    // Chromium keeps a socket "open" while offline; drop it so resume happens cleanly on return.
    this.timers.clearAll();
    this.closeSocket();
    this.update({ connection: "offline", retryAt: null, attempt: 0 });
    // Chromium sometimes reports "online" late or not at all after a flap: keep a slow poll.
    this.timers.set("reconnect", 5_000, () => this.connect());
  }

  /** Reconnect now (the "retry" button), resetting backoff. */
  reconnectNow(): void {
    if (this.snap.fatal) return;
    if (this.stopped) {
      this.start();
      return;
    }
    this.handleOnline();
  }

  // ---- frames ----

  private sendFrame(frame: object): boolean {
    const s = this.socket;
    if (s?.readyState !== 1) return false;
    try {
      s.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  private armPing(): void {
    this.timers.set("ping", PING_INTERVAL_MS, () => {
      if (!this.sendFrame({ type: "ping" })) return;
      this.timers.set("pong", PONG_TIMEOUT_MS, () => {
        // Nothing came back: treat as a dropped connection.
        this.closeSocket();
        this.handleClose(1006);
      });
      this.armPing();
    });
  }

  private handleFrame(data: unknown): void {
    if (typeof data !== "string") return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    // Any frame proves the socket alive.
    this.timers.clear("pong");
    switch (frame.type) {
      case "ready":
        this.handleReady(frame.state, frame.lastSeq);
        break;
      case "event":
        this.enqueue([frame.event]);
        break;
      case "events":
        this.enqueue(frame.events);
        break;
      case "delta":
        // Shown with the next batch; the log's coalesced events bring the same text later.
        if (this.snap.log.stream && frame.stream !== this.snap.log.stream) break;
        if (this.live.push(frame)) this.scheduleFlush();
        break;
      case "sent":
        this.sends.resolve(frame.clientId, { messageId: frame.messageId, runId: frame.runId });
        break;
      case "approval":
        this.approvals.answered(frame.approval);
        break;
      case "error":
        this.handleErrorFrame(frame);
        break;
      case "pong":
        break;
    }
  }

  private handleReady(state: StreamState, lastSeq: number): void {
    const log = noteServerSeq(
      this.snap.log.stream ? this.snap.log : { ...this.snap.log, stream: state.stream },
      lastSeq,
    );
    this.timers.clear("handshake");
    this.update({ state, log, connection: "live", attempt: 0, retryAt: null, fatal: null });
    // Sends made while disconnected went over HTTP; those still unacknowledged are retried there.
    this.timers.set("catchup", READY_CATCHUP_MS, () => {
      if (hasGap(this.snap.log)) void this.fillGap();
    });
  }

  private handleErrorFrame({ code, message, frame }: Extract<ServerFrame, { type: "error" }>): void {
    if (ON_ERROR_FRAME[code] === "closing") return;
    const error = new ApiError(SOCKET_ERRORS[code].status, code, message);
    // A refusal of the frame it names (a decision's card shows it); naming none, of the send waiting.
    if (frame === "approve") this.approvals.refused(error);
    else if (frame === undefined || frame === "send") this.sends.rejectOldest(error);
    this.update({ lastError: { code, message, at: this.deps.now() } });
  }

  private enqueue(events: readonly StreamEvent[]): void {
    if (!Array.isArray(events) || events.length === 0) return;
    for (const ev of events) this.queue.push(ev);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.deps.schedule(() => this.flush());
  }

  /** Applies queued events and live text in one batch; exposed for tests. */
  flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) {
      this.live.notify();
      return;
    }
    const batch = this.queue;
    this.queue = [];
    const log = applyEvents(this.snap.log, batch);
    this.live.logged(batch);
    if (log !== this.snap.log) this.update({ log });
    this.live.notify();
    for (const ev of batch) {
      if (ev.type === "message.user" && ev.clientId)
        this.sends.resolve(ev.clientId, { messageId: ev.messageId, runId: null });
    }
    // A hole below what we've seen: fill it now rather than wait for the server to notice.
    if (log.events.length && log.events[log.events.length - 1]!.seq > log.contiguous) void this.fillGap();
  }

  /**
   * Fetches everything after our contiguous point over HTTP, paging until `hasMore` is false.
   * One at a time; `quietNetwork` while the socket is down so a failed poll is not an error.
   */
  async fillGap(quietNetwork = false): Promise<void> {
    if (this.gapFetching || this.stopped) return;
    this.gapFetching = true;
    try {
      for (let page = 0; page < 1000; page++) {
        const after = this.snap.log.contiguous;
        const res = await this.deps.fetchEvents(this.target.path, after);
        if (this.stopped) return;
        let log = applyEvents(this.snap.log, res.events);
        log = noteServerSeq(log, res.lastSeq);
        this.live.logged(res.events);
        if (log !== this.snap.log) this.update({ log });
        this.live.notify();
        if (!res.hasMore || log.contiguous === after) break;
      }
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) {
        this.fail(e);
      } else if (!quietNetwork && e instanceof ApiError) {
        this.update({ lastError: { code: e.code, message: e.message, at: this.deps.now() } });
      }
    } finally {
      this.gapFetching = false;
    }
  }

  // ---- commands ----

  /**
   * Sends a user message: over the socket when live, else — or if no ack comes — over HTTP with
   * the same clientId (streamSends.ts), so a retry never makes a second message.
   */
  send(text: string, clientId: string = crypto.randomUUID()): Promise<SendResult> {
    return this.sends.send(text, clientId, (frame) => this.sendFrame(frame));
  }

  /** Decides an approval: over the socket when live, else (or without an answer) over HTTP. */
  approve = (approvalId: string, decision: ApprovalDecision, note?: string) =>
    this.approvals.decide(approvalId, decision, note, (frame) => this.sendFrame(frame));

  /** Stops the running turn. Over HTTP for an answer we can report; the socket carries the outcome. */
  async interrupt(): Promise<void> {
    if (this.sendFrame({ type: "interrupt" })) return;
    await this.target.interruptOverHttp();
  }
}
