// Live client for one event stream over the WebSocket protocol of DESIGN §4. It resumes from the
// last contiguous seq on every (re)connect, fills gaps over HTTP, reconnects with exponential
// backoff and jitter, pings to detect dead sockets, and batches incoming events so a burst of
// deltas costs one React render. Subscribers get an immutable snapshot.
import { type ServerFrame, type StreamEvent, type StreamState, WS_CLOSE } from "../../schema/events";
import { ApiError, api } from "./api";
import { applyEvents, type EventLog, emptyLog, hasGap, noteServerSeq } from "./eventLog";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export type StreamSnapshot = {
  log: EventLog;
  state: StreamState | null;
  connection: ConnectionState;
  /** A fatal problem (not found, signed out): the client has stopped trying. */
  fatal: ApiError | null;
  /** The latest non-fatal error frame or send failure, for a notice. */
  lastError: { code: string; message: string; at: number } | null;
  /** Reconnect attempts since the last `ready`. */
  attempt: number;
  /** When the next reconnect attempt is due (ms epoch), while reconnecting. */
  retryAt: number | null;
};

export type StreamTarget = {
  /** API path of the stream, e.g. `/api/orchestrators/o1` or `…/agents/a1`. */
  path: string;
  /** HTTP fallback for send; null when the stream has no message endpoint semantics for clientId. */
  sendOverHttp: (text: string, clientId: string) => Promise<unknown>;
  interruptOverHttp: () => Promise<unknown>;
};

type SocketLike = Pick<WebSocket, "send" | "close" | "readyState"> & {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
};

export type StreamDeps = {
  openSocket: (url: string) => SocketLike;
  fetchEvents: (path: string, after: number) => ReturnType<typeof api.events>;
  now: () => number;
  random: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (id: unknown) => void;
  /** Flush scheduling for batched events; tests pass a synchronous one. */
  schedule: (fn: () => void) => void;
  online: () => boolean;
};

export const PING_INTERVAL_MS = 25_000;
/** No frame at all for this long after a ping: the socket is dead even if the browser hasn't noticed. */
const PONG_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** After `ready`, replay should bring us to its lastSeq; if it hasn't after this long, fetch over HTTP. */
const READY_CATCHUP_MS = 3_000;
const SEND_ACK_TIMEOUT_MS = 8_000;
/**
 * A socket that hasn't delivered `ready` this long after it was opened is stuck (seen in Chromium
 * right after an offline flap: the server answered 101, the page never heard): start over. The
 * wait grows with each attempt (5, 10, 15 … 30 s), so a merely slow network still gets through.
 */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
const handshakeTimeout = (attempt: number) => HANDSHAKE_TIMEOUT_MS * Math.min(1 + attempt, 6);

/** Full jitter: uniformly random in [0, min(max, base·2^attempt)], never below a small floor. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.max(250, Math.round(cap * random()));
}

export function wsUrl(path: string, loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${path}/ws`;
}

const defaultDeps = (): StreamDeps => ({
  openSocket: (url) => new WebSocket(url),
  fetchEvents: (path, after) => api.events(path, after, 1000),
  now: () => Date.now(),
  random: Math.random,
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
  schedule: (fn) =>
    typeof requestAnimationFrame === "function"
      ? requestAnimationFrame(() => fn())
      : globalThis.setTimeout(fn, 16),
  online: () => (typeof navigator === "undefined" ? true : navigator.onLine !== false),
});

type PendingSend = {
  clientId: string;
  text: string;
  resolve: (v: { messageId: string; runId: string | null }) => void;
  reject: (e: unknown) => void;
  timer: unknown;
};

export class StreamClient {
  private snap: StreamSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly deps: StreamDeps;
  private socket: SocketLike | null = null;
  private queue: StreamEvent[] = [];
  private flushScheduled = false;
  private reconnectTimer: unknown = null;
  private pingTimer: unknown = null;
  private pongTimer: unknown = null;
  private catchupTimer: unknown = null;
  private handshakeTimer: unknown = null;
  private gapFetching = false;
  private stopped = true;
  private readonly pendingSends = new Map<string, PendingSend>();
  private readonly onOnline = () => this.handleOnline();
  private readonly onOffline = () => this.handleOffline();

  constructor(
    readonly target: StreamTarget,
    deps: Partial<StreamDeps> = {},
  ) {
    this.deps = { ...defaultDeps(), ...deps };
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
    this.clearTimers();
    this.closeSocket();
    for (const p of this.pendingSends.values()) this.deps.clearTimeout(p.timer);
    this.pendingSends.clear();
  }

  private clearTimers(): void {
    for (const t of [
      this.reconnectTimer,
      this.pingTimer,
      this.pongTimer,
      this.catchupTimer,
      this.handshakeTimer,
    ]) {
      if (t !== null) this.deps.clearTimeout(t);
    }
    this.reconnectTimer = this.pingTimer = this.pongTimer = this.catchupTimer = this.handshakeTimer = null;
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
    this.reconnectTimer = null;
    const first = this.snap.log.contiguous === 0 && this.snap.state === null && this.snap.attempt === 0;
    const connection = !this.deps.online() ? "offline" : first ? "connecting" : "reconnecting";
    this.update({ connection, retryAt: null });
    let socket: SocketLike;
    try {
      socket = this.deps.openSocket(wsUrl(this.target.path, this.locationLike()));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    if (this.handshakeTimer !== null) this.deps.clearTimeout(this.handshakeTimer);
    this.handshakeTimer = this.deps.setTimeout(() => {
      this.handshakeTimer = null;
      if (this.socket !== socket) return;
      this.closeSocket();
      this.handleClose(1006);
    }, handshakeTimeout(this.snap.attempt));
    socket.onopen = () => {
      // Resume first: the server replays everything after what we hold contiguously.
      this.sendFrame({ type: "resume", after: this.snap.log.contiguous });
      this.armPing();
    };
    socket.onmessage = (ev) => this.handleFrame(ev.data);
    socket.onclose = (ev) => this.handleClose(ev.code);
    socket.onerror = () => {
      // onclose follows and decides what to do.
    };
  }

  private locationLike(): { protocol: string; host: string } {
    return typeof window !== "undefined" ? window.location : { protocol: "http:", host: "localhost" };
  }

  private handleClose(code: number): void {
    this.socket = null;
    if (this.stopped) return;
    this.clearTimers();
    if (code === WS_CLOSE.unauthenticated) {
      this.handleCredentialEnded();
      return;
    }
    // Application close codes for "you may not" / "no such stream": stop instead of hammering.
    if (code === WS_CLOSE.forbidden || code === WS_CLOSE.notFound) {
      const status = code - 4000;
      this.fail(
        new ApiError(status, status === 404 ? "not_found" : "unauthorized", "The stream is not available."),
      );
      return;
    }
    this.retryPendingSendsOverHttp();
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
    this.retryPendingSendsOverHttp();
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
    this.reconnectTimer = this.deps.setTimeout(() => this.connect(), delay);
    // While the socket is down keep up over HTTP; this also surfaces 401/404 as fatal.
    if (attempt >= 1) void this.fillGap(true);
  }

  private handleOnline(): void {
    if (this.stopped) return;
    if (this.reconnectTimer !== null) this.deps.clearTimeout(this.reconnectTimer);
    this.update({ attempt: 0 });
    this.connect();
  }

  private handleOffline(): void {
    if (this.stopped) return;
    // Chromium keeps a socket "open" while offline; drop it so resume happens cleanly on return.
    this.clearTimers();
    this.closeSocket();
    this.update({ connection: "offline", retryAt: null, attempt: 0 });
    // Chromium sometimes reports "online" late or not at all after a flap: keep a slow poll.
    this.reconnectTimer = this.deps.setTimeout(() => this.connect(), 5_000);
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
    if (this.pingTimer !== null) this.deps.clearTimeout(this.pingTimer);
    this.pingTimer = this.deps.setTimeout(() => {
      this.pingTimer = null;
      if (!this.sendFrame({ type: "ping" })) return;
      this.pongTimer = this.deps.setTimeout(() => {
        // Nothing came back: treat as a dropped connection.
        this.pongTimer = null;
        this.closeSocket();
        this.handleClose(1006);
      }, PONG_TIMEOUT_MS);
      this.armPing();
    }, PING_INTERVAL_MS);
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
    if (this.pongTimer !== null) {
      this.deps.clearTimeout(this.pongTimer);
      this.pongTimer = null;
    }
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
      case "sent":
        this.resolveSend(frame.clientId, { messageId: frame.messageId, runId: frame.runId });
        break;
      case "error":
        this.handleErrorFrame(frame.code, frame.message, frame.frame);
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
    if (this.handshakeTimer !== null) this.deps.clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.update({ state, log, connection: "live", attempt: 0, retryAt: null, fatal: null });
    // Sends made while disconnected went over HTTP; those still unacknowledged are retried there.
    if (this.catchupTimer !== null) this.deps.clearTimeout(this.catchupTimer);
    this.catchupTimer = this.deps.setTimeout(() => {
      this.catchupTimer = null;
      if (hasGap(this.snap.log)) void this.fillGap();
    }, READY_CATCHUP_MS);
  }

  private handleErrorFrame(code: string, message: string, about?: string): void {
    const err = { code, message, at: this.deps.now() };
    // Our client only sends well-formed frames, so an error while a send waits is about that send,
    // unless it names another frame (a refused resume).
    const pending = this.pendingSends.values().next().value;
    if (pending && code !== "replay_truncated" && (about === undefined || about === "send")) {
      this.pendingSends.delete(pending.clientId);
      this.deps.clearTimeout(pending.timer);
      pending.reject(new ApiError(400, code, message));
    }
    if (code === "unauthorized" || code === "not_found" || code === "forbidden") {
      this.fail(new ApiError(code === "not_found" ? 404 : 401, code, message));
      return;
    }
    this.update({ lastError: err });
  }

  private enqueue(events: readonly StreamEvent[]): void {
    if (!Array.isArray(events) || events.length === 0) return;
    for (const ev of events) this.queue.push(ev);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.deps.schedule(() => this.flush());
  }

  /** Applies queued events in one batch; exposed for tests. */
  flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const log = applyEvents(this.snap.log, batch);
    if (log !== this.snap.log) this.update({ log });
    for (const ev of batch) {
      if (ev.type === "message.user" && ev.clientId)
        this.resolveSend(ev.clientId, { messageId: ev.messageId, runId: null });
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
        if (log !== this.snap.log) this.update({ log });
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
   * Sends a user message. Over the socket when live (acknowledged by a `sent` frame or the
   * `message.user` event carrying our clientId), otherwise — or if no ack comes — over HTTP with
   * the same clientId, so a retry never makes a second message.
   */
  send(
    text: string,
    clientId: string = crypto.randomUUID(),
  ): Promise<{ messageId: string; runId: string | null }> {
    return new Promise((resolve, reject) => {
      const pending: PendingSend = { clientId, text, resolve, reject, timer: null };
      this.pendingSends.set(clientId, pending);
      if (this.sendFrame({ type: "send", text, clientId })) {
        pending.timer = this.deps.setTimeout(() => this.sendOverHttp(pending), SEND_ACK_TIMEOUT_MS);
      } else {
        this.sendOverHttp(pending);
      }
    });
  }

  private sendOverHttp(pending: PendingSend): void {
    if (!this.pendingSends.has(pending.clientId)) return;
    this.deps.clearTimeout(pending.timer);
    pending.timer = null;
    this.target.sendOverHttp(pending.text, pending.clientId).then(
      (res) => {
        const r = res as { messageId?: string; runId?: string | null } | undefined;
        this.resolveSend(pending.clientId, { messageId: r?.messageId ?? "", runId: r?.runId ?? null });
      },
      (e) => {
        if (!this.pendingSends.delete(pending.clientId)) return;
        pending.reject(e);
      },
    );
  }

  private retryPendingSendsOverHttp(): void {
    for (const p of this.pendingSends.values()) if (p.timer !== null) this.sendOverHttp(p);
  }

  private resolveSend(
    clientId: string | undefined,
    result: { messageId: string; runId: string | null },
  ): void {
    const pending = clientId
      ? this.pendingSends.get(clientId)
      : // A `sent` without clientId acknowledges the oldest send.
        this.pendingSends.values().next().value;
    if (!pending) return;
    this.pendingSends.delete(pending.clientId);
    this.deps.clearTimeout(pending.timer);
    pending.resolve(result);
  }

  /** Stops the running turn. Over HTTP for an answer we can report; the socket carries the outcome. */
  async interrupt(): Promise<void> {
    if (this.sendFrame({ type: "interrupt" })) return;
    await this.target.interruptOverHttp();
  }
}
