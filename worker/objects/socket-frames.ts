// One client frame on an object's WebSocket (DESIGN §4): checked as JSON under 200 KB and against
// the frame schema, admitted for its credential (stream-guard.ts), then acted on through what the
// object lends it (FrameHost). Every refusal is an `error` frame; the socket stays open.
import type { SendMessageResult } from "../../schema/api";
import type { SocketErrorCode } from "../../schema/errors";
import { type ApprovalDecision, clientFrameSchema } from "../../schema/events";
import { describeIssues } from "../http/issues";
import type { Decided } from "../loop/approvals";
import { admitFrame, refuseFrame, stillOpen } from "./stream-guard";
import { type SocketAttachment, Watchers } from "./watchers";

/**
 * An object's `fetch` only upgrades (the Worker has checked the caller owns the object and passes
 * who they are and the credential they used); anything else is 426, an object not made yet 404.
 */
export function upgrade(
  request: Request,
  initialised: boolean,
  accept: (userId: string, credential: string | undefined) => WebSocket,
): Response {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return new Response("expected a WebSocket upgrade", { status: 426 });
  }
  const userId = request.headers.get("X-Baton-User");
  if (!userId || !initialised) return new Response("not found", { status: 404 });
  const credential = request.headers.get("X-Baton-Credential") ?? undefined;
  return new Response(null, { status: 101, webSocket: accept(userId, credential) });
}

/** What a frame may do to the object that received it. */
export type FrameHost = {
  env: Env;
  /** For logs: the object's class and id. */
  name: string;
  /** Sends `ready`, then replays from `after` and follows live. */
  resume(after: number, rendersDeltas: boolean): void | Promise<void>;
  /** The socket's credential and the same checks as POST …/messages: a refusal, or null. */
  sendAllowed(
    userId: string,
    credential: string | undefined,
  ): Promise<{ code: SocketErrorCode; message: string } | null>;
  send(text: string, clientId?: string): SendMessageResult;
  interrupt(agents: boolean): Promise<void>;
  decide(approvalId: string, decision: ApprovalDecision, note?: string): Promise<Decided>;
};

export async function handleFrame(
  ws: WebSocket,
  message: string | ArrayBuffer,
  host: FrameHost,
): Promise<void> {
  try {
    if (typeof message !== "string" || message.length > 200_000) {
      return Watchers.send(ws, {
        type: "error",
        code: "bad_frame",
        message: "Frames must be JSON text under 200 KB.",
      });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(message);
    } catch {
      return Watchers.send(ws, { type: "error", code: "bad_frame", message: "Frame is not valid JSON." });
    }
    const parsed = clientFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const why = describeIssues(parsed.error, "frame");
      return Watchers.send(ws, { type: "error", code: "bad_frame", message: `Invalid frame. ${why}.` });
    }
    const frame = parsed.data;
    const refusal = await admitFrame(host.env, ws, frame.type);
    if (refusal) return refuseFrame(ws, refusal);
    if (!stillOpen(ws)) return; // its credential ended while we checked: act on nothing
    switch (frame.type) {
      case "ping":
        return Watchers.send(ws, { type: "pong" });
      case "resume":
        return host.resume(frame.after, frame.deltas === true);
      case "send": {
        const a = ws.deserializeAttachment() as SocketAttachment;
        const limited = await host.sendAllowed(a.userId, a.credential);
        // A dead credential ends the socket, the same as for every other frame.
        if (limited?.code === "unauthenticated")
          return refuseFrame(ws, { type: "error", ...limited, frame: "send" });
        if (limited)
          return Watchers.send(ws, { type: "error", code: limited.code, message: limited.message });
        if (!stillOpen(ws)) return; // the same, during the send checks: nothing starts
        const r = host.send(frame.text, frame.clientId);
        return Watchers.send(ws, {
          type: "sent",
          messageId: r.messageId,
          runId: r.runId,
          queued: r.queued,
          ...(frame.clientId ? { clientId: frame.clientId } : {}),
        });
      }
      case "interrupt":
        await host.interrupt(frame.agents ?? false);
        return;
      case "approve": {
        const r = await host.decide(frame.approvalId, frame.decision, frame.note);
        if ("approval" in r && r.approval && !("error" in r)) {
          return Watchers.send(ws, { type: "approval", approval: r.approval });
        }
        const decided = "error" in r && r.error === "already_decided";
        return Watchers.send(ws, {
          type: "error",
          code: decided ? "already_decided" : "not_found",
          message: decided
            ? "That approval was already decided; the first decision stands."
            : "There is no such approval on this stream.",
          frame: "approve",
        });
      }
    }
  } catch (err) {
    console.error(`${host.name} webSocketMessage failed`, err);
    Watchers.send(ws, {
      type: "error",
      code: "internal_error",
      message: "The server could not handle that frame.",
    });
  }
}
