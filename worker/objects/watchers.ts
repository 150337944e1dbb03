// The clients watching an object's stream: hibernatable WebSockets and SSE responses.
// Events are sent only after the log append (the output gate holds them until it's durable).
import type { ServerFrame, StreamEvent } from "../../schema/events";
import type { EventLog } from "../loop/event-log";

export type SocketAttachment = { userId: string; ready: boolean; connectedAt: number };

const REPLAY_BATCH = 500;
const encoder = new TextEncoder();

export class Watchers {
  /** Sockets that finished their resume replay and get live events. Rebuilt after hibernation. */
  private readonly live = new Set<WebSocket>();
  private readonly sse = new Set<ReadableStreamDefaultController<Uint8Array>>();

  constructor(private readonly ctx: DurableObjectState) {
    for (const ws of ctx.getWebSockets()) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      if (a?.ready) this.live.add(ws);
    }
  }

  get count(): { sockets: number; sse: number } {
    return { sockets: this.ctx.getWebSockets().length, sse: this.sse.size };
  }

  accept(userId: string): WebSocket {
    const pair = new WebSocketPair();
    const server = pair[1];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ userId, ready: false, connectedAt: Date.now() } satisfies SocketAttachment);
    return pair[0];
  }

  static send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed under us; webSocketClose cleans up.
    }
  }

  /** Replays everything after `after` in batches, then marks the socket live. Synchronous, so no
   *  live event can slip between the replay and the switch to live. */
  resume(ws: WebSocket, log: EventLog, after: number): void {
    let cursor = Math.min(after, log.lastSeq);
    for (;;) {
      const batch = log.readRaw(cursor, REPLAY_BATCH);
      if (!batch.length) break;
      try {
        ws.send(`{"type":"events","events":[${batch.join(",")}]}`);
      } catch {
        return;
      }
      cursor += batch.length;
      if (batch.length < REPLAY_BATCH) break;
    }
    const a = ws.deserializeAttachment() as SocketAttachment;
    ws.serializeAttachment({ ...a, ready: true });
    this.live.add(ws);
  }

  drop(ws: WebSocket): void {
    this.live.delete(ws);
  }

  broadcast(event: StreamEvent, json: string): void {
    if (this.live.size) {
      const frame = `{"type":"event","event":${json}}`;
      for (const ws of this.live) {
        try {
          ws.send(frame);
        } catch {
          this.live.delete(ws);
        }
      }
    }
    if (this.sse.size) {
      const chunk = encoder.encode(`id: ${event.seq}\nevent: ${event.type}\ndata: ${json}\n\n`);
      for (const c of this.sse) {
        try {
          c.enqueue(chunk);
        } catch {
          this.sse.delete(c);
        }
      }
    }
  }

  /** An SSE body: replay after `after`, then live events, with a comment heartbeat against idle proxies. */
  openSse(log: EventLog, after: number): ReadableStream<Uint8Array> {
    let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    return new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
        c.enqueue(encoder.encode(`retry: 2000\n: stream ${log.stream}\n\n`));
        let cursor = Math.min(after, log.lastSeq);
        for (;;) {
          // Stored JSON as is, one chunk per batch: no parse and re-serialise per event.
          const batch = log.readRows(cursor, REPLAY_BATCH);
          if (batch.length) {
            let text = "";
            for (const r of batch) text += `id: ${r.seq}\nevent: ${r.type}\ndata: ${r.body}\n\n`;
            c.enqueue(encoder.encode(text));
          }
          cursor += batch.length;
          if (batch.length < REPLAY_BATCH) break;
        }
        this.sse.add(c);
        timer = setInterval(() => {
          try {
            c.enqueue(encoder.encode(": keep-alive\n\n"));
          } catch {
            // The client went away: stop the keep-alive and the live registration with it.
            clearInterval(timer);
            this.sse.delete(c);
          }
        }, 20_000);
      },
      cancel: () => {
        clearInterval(timer);
        if (controller) this.sse.delete(controller);
      },
    });
  }
}
