// What a stream client shows its subscribers, what it streams, and what it needs from the
// browser (sockets, timers, the network's state) — injectable, so tests drive it without one.
import type { StreamState } from "../../schema/events";
import { type ApiError, api } from "./api";
import type { EventLog } from "./eventLog";
import type { ErrorCode } from "./http";
import type { ApproveOverHttp } from "./streamApprovals";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export type StreamSnapshot = {
  log: EventLog;
  state: StreamState | null;
  connection: ConnectionState;
  /** A fatal problem (not found, signed out): the client has stopped trying. */
  fatal: ApiError | null;
  /** The latest non-fatal error frame or send failure, for a notice. */
  lastError: { code: ErrorCode; message: string; at: number } | null;
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
  /** HTTP fallback for approval decisions (DESIGN §9). */
  approveOverHttp?: ApproveOverHttp;
};

export type SocketLike = Pick<WebSocket, "send" | "close" | "readyState"> & {
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

export const defaultDeps = (): StreamDeps => ({
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
