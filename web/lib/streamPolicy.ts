// How the stream client paces itself, and how it takes each thing the server can say besides
// events: every close code in WS_CLOSE and every error-frame code in SOCKET_ERRORS (schema/errors.ts)
// has an entry here, so a code the server gains fails typecheck until the client decides about it.
import { type SocketErrorCode, WS_CLOSE, type WsCloseCode } from "../../schema/errors";

export const PING_INTERVAL_MS = 25_000;
/** No frame at all for this long after a ping: the socket is dead even if the browser hasn't noticed. */
export const PONG_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** After `ready`, replay should bring us to its lastSeq; if it hasn't after this long, fetch over HTTP. */
export const READY_CATCHUP_MS = 3_000;
export const SEND_ACK_TIMEOUT_MS = 8_000;
/**
 * A socket that hasn't delivered `ready` this long after it was opened is stuck (seen in Chromium
 * right after an offline flap: the server answered 101, the page never heard): start over. The
 * wait grows with each attempt (5, 10, 15 … 30 s), so a merely slow network still gets through.
 */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
export const handshakeTimeout = (attempt: number) => HANDSHAKE_TIMEOUT_MS * Math.min(1 + attempt, 6);

/** Full jitter: uniformly random in [0, min(max, base·2^attempt)], never below a small floor. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.max(250, Math.round(cap * random()));
}

const here = () =>
  typeof window !== "undefined" ? window.location : { protocol: "http:", host: "localhost" };
export function wsUrl(path: string, loc: { protocol: string; host: string } = here()): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${path}/ws`;
}

/**
 * What a close means. `credential_ended`: ask over HTTP whether this browser holds a newer
 * credential (reconnect) or none (stop for good). Any other code — 1000, 1006, a handshake or pong
 * timeout — is a dropped connection: reconnect with backoff and resume.
 */
export type CloseHandling = "credential_ended" | "reconnect";
const ON_CLOSE: Record<WsCloseCode, CloseHandling> = {
  [WS_CLOSE.unauthenticated]: "credential_ended",
};
export const closeHandling = (code: number): CloseHandling =>
  (ON_CLOSE as Record<number, CloseHandling>)[code] ?? "reconnect";

/**
 * What an error frame means. `refusal`: the frame it names was refused — a send (or, naming no
 * frame, the send waiting for its answer: our client only sends well-formed frames) fails with it —
 * and it is shown as a notice. `closing`: the socket is about to close with 4401, and that close
 * decides; a waiting send is retried over HTTP then, with whatever credential the browser has now.
 */
export type ErrorHandling = "refusal" | "closing";
export const ON_ERROR_FRAME: Record<SocketErrorCode, ErrorHandling> = {
  bad_frame: "refusal",
  unauthenticated: "closing",
  budget_exceeded: "refusal",
  archived: "refusal",
  queue_full: "refusal",
  not_found: "refusal",
  already_decided: "refusal",
  rate_limited: "refusal",
  internal_error: "refusal",
};
