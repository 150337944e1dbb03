// The three ways to read a stream (DESIGN §4): a page of history, Server-Sent Events, a WebSocket.
// Shared by orchestrator and agent routes; the caller passes a stub it has already authorised.
import type { Context } from "hono";
import { eventsQuery, streamQuery } from "../../schema/api";
import { credentialOf } from "../auth/credentials";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { withoutCredentials } from "../http/redact";
import { readQuery } from "../http/validate";
import type { SseDeltas } from "../objects/watchers";

type StreamStub = {
  eventsJson(after: number, limit: number): Promise<string>;
  sse(after: number, credential: string, deltas?: SseDeltas): Promise<ReadableStream<Uint8Array>>;
  fetch(request: Request): Promise<Response>;
};

export async function eventsPage(c: Context<AppEnv>, stub: StreamStub): Promise<Response> {
  const q = readQuery(c, eventsQuery);
  // The object hands over the page as JSON text built from the stored rows: no parse, no clone.
  return c.body(await stub.eventsJson(q.after, q.limit), 200, {
    "Content-Type": "application/json; charset=UTF-8",
  });
}

export async function sseStream(c: Context<AppEnv>, stub: StreamStub): Promise<Response> {
  const q = readQuery(c, streamQuery);
  // An EventSource reconnects to the URL it was opened with (`?after=` and all) and says where it
  // got to in Last-Event-ID, so the header wins: `after` only places the first connection.
  const lastEventId = c.req.header("Last-Event-ID")?.trim();
  let after = q.after ?? 0;
  if (lastEventId) {
    after = Number(lastEventId);
    if (!/^\d+$/.test(lastEventId) || !Number.isSafeInteger(after)) {
      throw new ApiError(400, "invalid_request", "Last-Event-ID: must be a non-negative integer seq.", {
        issues: [{ field: "Last-Event-ID", message: "must be a non-negative integer seq" }],
      });
    }
  }
  // The object keeps the credential beside the stream, so ending the credential ends it (§8).
  const deltas = q.deltas === "0" ? "none" : q.deltas === "1" ? "rendered" : "sent";
  const body = await stub.sse(after, credentialOf(c.var.caller), deltas);
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}

export async function webSocket(c: Context<AppEnv>, stub: StreamStub): Promise<Response> {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "This endpoint speaks WebSocket: send Upgrade: websocket.");
  }
  // Origin was checked by the CSRF guard for every upgrade; ownership by the caller of this helper.
  const forwarded = forwardedUpgrade(c.req.raw, c.var.caller.userId);
  // The object keeps the credential (a key, never a secret) so ending it closes the socket (§8).
  forwarded.headers.set("X-Baton-Credential", credentialOf(c.var.caller));
  return stub.fetch(forwarded);
}

/** The upgrade as the object gets it: who the caller is, never their credential (URL or headers). */
export function forwardedUpgrade(req: Request, userId: string): Request {
  const headers = new Headers(req.headers);
  headers.delete("Authorization");
  headers.delete("Cookie");
  headers.set("X-Baton-User", userId);
  return new Request(withoutCredentials(req.url), { method: "GET", headers });
}
