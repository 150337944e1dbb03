// What a watcher's frame must pass before the object acts on it (DESIGN §8). The credential the
// socket was opened with must still be valid — asked of D1, so a frame is refused even if the
// revocation's push to this object was missed or is still on its way — and `resume` frames, each a
// replay of the log (a 27-byte frame can pull megabytes), are rate-limited per socket.

import type { SocketErrorCode } from "../../schema/errors";
import { type ClientFrame, type ServerFrame, WS_CLOSE } from "../../schema/events";
import { aliveIn, credentialAlive, credentialStatement } from "../auth/credentials";
import { admitSend } from "../policy/admission";
import type { SocketAttachment } from "./watchers";

/** Per socket: a client resumes once per connection; a few more are slack for retries. */
export const RESUME_LIMIT = { burst: 5, perMinute: 30 } as const;

type Refusal = Extract<ServerFrame, { type: "error" }>;
type Budget = { tokens: number; at: number };
export type GuardedAttachment = SocketAttachment & { resumeBudget?: Budget };

/** Takes one token from a socket's resume bucket (kept in its attachment, so it survives hibernation). */
function takeResume(ws: WebSocket, a: GuardedAttachment, now: number): Refusal | null {
  const perMs = RESUME_LIMIT.perMinute / 60_000;
  const b = a.resumeBudget ?? { tokens: RESUME_LIMIT.burst, at: now };
  const tokens = Math.min(RESUME_LIMIT.burst, b.tokens + (now - b.at) * perMs);
  if (tokens < 1) {
    const waitSec = Math.ceil((1 - tokens) / perMs / 1000);
    return {
      type: "error",
      code: "rate_limited",
      message: `Too many resume frames on this connection; try again in ${waitSec} s.`,
      frame: "resume",
    };
  }
  ws.serializeAttachment({ ...a, resumeBudget: { tokens: tokens - 1, at: now } } satisfies GuardedAttachment);
  return null;
}

type SendRefusal = { code: SocketErrorCode; message: string };

/** What a frame from a socket whose credential has ended is told (and 4401 follows). */
const DEAD_CREDENTIAL: SendRefusal = {
  code: "unauthenticated",
  message: "The credential this connection was opened with has ended; sign in or use a valid token.",
};

/**
 * A refusal for the frame, or null to go ahead. `ping` is answered without a check: it reveals
 * nothing and costs nothing, and checking it would put a D1 read on every keep-alive. A `send`'s
 * credential is checked by its admission (admitSocketSend), in the same D1 round trip.
 */
export async function admitFrame(
  env: Env,
  ws: WebSocket,
  type: ClientFrame["type"],
): Promise<Refusal | null> {
  if (type === "ping" || type === "send") return null;
  const a = ws.deserializeAttachment() as GuardedAttachment;
  if (type === "resume") {
    const limited = takeResume(ws, a, Date.now());
    if (limited) return limited;
  }
  const dead = await credentialRefusal(env, a.userId, a.credential);
  return dead ? { type: "error", ...dead, frame: type } : null;
}

/** The credential alone (a send the object refuses anyway): a dead one is said first. */
export async function credentialRefusal(
  env: Env,
  userId: string,
  credential: string | undefined,
): Promise<SendRefusal | null> {
  return credential && (await credentialAlive(env, userId, credential)) ? null : DEAD_CREDENTIAL;
}

/**
 * A socket send's checks in one D1 round trip: the socket's credential (as every frame's), the
 * send rate and the account budget (as POST …/messages), and `along`, the object's reads for the
 * run the send will start. A dead credential is said first, whatever else would refuse.
 */
export async function admitSocketSend(
  env: Env,
  userId: string,
  credential: string | undefined,
  along: D1PreparedStatement[],
): Promise<{ refusal: SendRefusal | null; accountBudget: boolean; alongResults: D1Result[] }> {
  const check = credential ? credentialStatement(env, userId, credential) : null;
  if (!check) return { refusal: DEAD_CREDENTIAL, accountBudget: false, alongResults: [] };
  const admission = await admitSend(env, userId, [check, ...along]);
  const [alive, ...alongResults] = admission.alongResults;
  const refusal: SendRefusal | null = !aliveIn(alive)
    ? DEAD_CREDENTIAL
    : admission.refusal
      ? { code: admission.refusal.code as SocketErrorCode, message: admission.refusal.message }
      : null;
  return { refusal, accountBudget: admission.accountBudget, alongResults };
}

/** Answers a refused frame; a dead credential also ends the socket, as the push would have. */
export function refuseFrame(ws: WebSocket, refusal: Refusal): void {
  try {
    ws.send(JSON.stringify(refusal));
    if (refusal.code === "unauthenticated") ws.close(WS_CLOSE.unauthenticated, "credential ended");
  } catch {
    // the socket closed under us
  }
}

/** False once the socket is closing: a push that ended its credential landed during an await. */
export const stillOpen = (ws: WebSocket): boolean => ws.readyState === WebSocket.READY_STATE_OPEN;
