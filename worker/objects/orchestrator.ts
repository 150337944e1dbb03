import { DurableObject } from "cloudflare:workers";

export class Orchestrator extends DurableObject<Env> {
  async hello(): Promise<string> {
    return "orchestrator";
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade") !== "websocket")
      return new Response("expected a WebSocket upgrade", { status: 426 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment({ at: Date.now() });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    ws.send(JSON.stringify({ type: "pong", echo: typeof message === "string" ? message : "binary" }));
  }
}
