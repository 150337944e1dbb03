// The three ways to read a stream (DESIGN §4): a page of history, Server-Sent Events, a WebSocket.
// Shared by orchestrator and agent routes; the caller passes a stub it has already authorised.
import type { Context } from "hono";
import { eventsQuery, streamQuery } from "../../schema/api";
import { credentialOf } from "../auth/credentials";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { readQuery } from "./validate";

type StreamStub = {
  eventsJson(after: number, limit: number): Promise<string>;
  sse(after: number, credential: string): Promise<ReadableStream<Uint8Array>>;
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
  const lastEventId = c.req.header("Last-Event-ID");
  let after = q.after ?? 0;
  if (q.after === undefined && lastEventId !== undefined) {
    after = Number(lastEventId);
    if (!Number.isInteger(after) || after < 0) {
      throw new ApiError(400, "invalid_request", "Last-Event-ID: must be a non-negative integer seq.");
    }
  }
  // The object keeps the credential beside the stream, so ending the credential ends it (§8).
  const body = await stub.sse(after, credentialOf(c.var.caller));
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
  const headers = new Headers(c.req.raw.headers);
  headers.set("X-Baton-User", c.var.caller.userId);
  headers.set("X-Baton-Credential", credentialOf(c.var.caller));
  return stub.fetch(new Request(c.req.raw.url, { method: "GET", headers }));
}
