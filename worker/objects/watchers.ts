// The clients watching an object's stream: hibernatable WebSockets and SSE responses.
// Events are sent only after the log append (the output gate holds them until it's durable).
import { type ServerFrame, type StreamEvent, WS_CLOSE } from "../../schema/events";
import type { EventLog } from "../db/event-log";

/** `credential`: the key of the credential the socket was opened with (auth/credentials.ts). */
export type SocketAttachment = { userId: string; ready: boolean; connectedAt: number; credential?: string };
/** An SSE response being written: who opened it, and how to end it from the server side. */
type SseWatcher = { credential: string; end(): void };

const REPLAY_BATCH = 500;
const encoder = new TextEncoder();

/** One Server-Sent Event: `id` is the seq, so a reconnecting EventSource resumes after it. */
const sseFrame = (seq: number, type: string, json: string) => `id: ${seq}\nevent: ${type}\ndata: ${json}\n\n`;

export class Watchers {
  /** Sockets that finished their resume replay and get live events. Rebuilt after hibernation. */
  private readonly live = new Set<WebSocket>();
  private readonly sse = new Map<ReadableStreamDefaultController<Uint8Array>, SseWatcher>();

  constructor(private readonly ctx: DurableObjectState) {
    for (const ws of ctx.getWebSockets()) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      if (a?.ready) this.live.add(ws);
    }
  }

  get count(): { sockets: number; sse: number } {
    return { sockets: this.ctx.getWebSockets().length, sse: this.sse.size };
  }

  accept(userId: string, credential: string | undefined): WebSocket {
    const pair = new WebSocketPair();
    const server = pair[1];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({
      userId,
      ready: false,
      connectedAt: Date.now(),
      credential,
    } satisfies SocketAttachment);
    return pair[0];
  }

  /**
   * Ends every stream opened with one of `credentials`: sockets close with 4401, SSE bodies end
   * (after a comment saying why). Returns how many. The attachment survives hibernation, so this
   * also finds sockets accepted by an earlier instance.
   */
  closeCredentials(credentials: ReadonlySet<string>): number {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      if (!a?.credential || !credentials.has(a.credential)) continue;
      this.live.delete(ws);
      try {
        ws.close(WS_CLOSE.unauthenticated, "credential ended");
        closed++;
      } catch {
        // already closing
      }
    }
    for (const w of [...this.sse.values()]) {
      if (!credentials.has(w.credential)) continue;
      w.end();
      closed++;
    }
    return closed;
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
      const chunk = encoder.encode(sseFrame(event.seq, event.type, json));
      for (const c of this.sse.keys()) {
        try {
          c.enqueue(chunk);
        } catch {
          this.sse.delete(c);
        }
      }
    }
  }

  /** An SSE body: replay after `after`, then live events, with a comment heartbeat against idle proxies. */
  openSse(log: EventLog, after: number, credential: string): ReadableStream<Uint8Array> {
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
            for (const r of batch) text += sseFrame(r.seq, r.type, r.body);
            c.enqueue(encoder.encode(text));
          }
          cursor += batch.length;
          if (batch.length < REPLAY_BATCH) break;
        }
        this.sse.set(c, {
          credential,
          end: () => {
            clearInterval(timer);
            this.sse.delete(c);
            try {
              c.enqueue(encoder.encode(": credential ended\n\n"));
              c.close();
            } catch {
              // the reader already went away
            }
          },
        });
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
