// The clients watching an object's stream: hibernatable WebSockets and SSE responses.
// Events are sent only after the log append (the output gate holds them until it's durable); live
// text (`delta` frames, DESIGN §11) goes out at once, unlogged, to watchers that have caught up.
import { type ServerFrame, type StreamEvent, WS_CLOSE } from "../../schema/events";
import type { EventLog } from "../db/event-log";
import type { LiveChunk } from "../loop/live-text";

/**
 * `credential`: the key of the credential the socket was opened with (auth/credentials.ts).
 * `rendersDeltas`: its last resume said it renders delta frames (so it doesn't wait on the log).
 */
export type SocketAttachment = {
  userId: string;
  ready: boolean;
  connectedAt: number;
  credential?: string;
  rendersDeltas?: boolean;
};
/**
 * What an SSE stream asked of live text (`deltas` query): none, sent (the default), or sent and
 * rendered by the client, which then doesn't wait on the log for text.
 */
export type SseDeltas = "none" | "sent" | "rendered";
/**
 * An SSE response being written: who opened it, what live text it wants, whether its replay has
 * caught up (only then does it get live events), and how to end it from the server side.
 */
type SseWatcher = { credential: string; mode: SseDeltas; live: boolean; end(): void };

const REPLAY_BATCH = 500;
/** Replay frames sent per turn before the replay lets other work (this stream's live text) run. */
const REPLAY_FRAMES_PER_TURN = 8;
/** SSE replay batches buffered ahead of the reader (backpressure: a slow reader holds the rest back). */
const SSE_HIGH_WATER = 4;
const encoder = new TextEncoder();

/** One Server-Sent Event: `id` is the seq, so a reconnecting EventSource resumes after it. */
const sseFrame = (seq: number, type: string, json: string) => `id: ${seq}\nevent: ${type}\ndata: ${json}\n\n`;
/** Live text on SSE: no `id:` (it has no seq), so a reconnect still resumes after the last event. */
const sseDelta = (json: string) => `event: delta\ndata: ${json}\n\n`;

/**
 * Delta frames' JSON (DESIGN §11), built by hand: it is the hottest frame. Everything before
 * `offset` is the same for a whole block, so it is built once per block.
 */
export class DeltaEncoder {
  private block: { messageId: string; index: number; kind: string } | null = null;
  private prefix = "";

  constructor(private readonly streamJson: () => string) {}

  json(c: LiveChunk): string {
    const b = this.block;
    if (!b || b.messageId !== c.messageId || b.index !== c.index || b.kind !== c.kind) {
      this.block = { messageId: c.messageId, index: c.index, kind: c.kind };
      this.prefix = `{"type":"delta","stream":${this.streamJson()},"messageId":${JSON.stringify(c.messageId)},"index":${c.index},"kind":"${c.kind}","offset":`;
    }
    return `${this.prefix}${c.offset},"text":${JSON.stringify(c.text)}}`;
  }
}

/** Lets the turn end (so what was sent leaves) and other work run, then goes on. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class Watchers {
  /** Sockets that finished their resume replay and get live events. Rebuilt after hibernation. */
  private readonly live = new Set<WebSocket>();
  /** Sockets whose resume replay is under way, with the token of that replay (a new resume or a drop ends it). */
  private readonly replaying = new Map<WebSocket, object>();
  private readonly sse = new Map<ReadableStreamDefaultController<Uint8Array>, SseWatcher>();
  /** SSE watchers that are live and want delta frames (to skip encoding when there are none). */
  private sseDeltas = 0;

  /**
   * `tails`: the live text not yet logged, as delta frames (JSON): what a watcher that has just
   * caught up with the log is sent, so it has every character sent so far. `logReaderJoined`: a
   * watcher that reads text only from the log went live (so the log should catch up with the text).
   */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly tails: () => string[] = () => [],
    private readonly logReaderJoined: () => void = () => {},
  ) {
    for (const ws of ctx.getWebSockets()) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      if (a?.ready) this.live.add(ws);
    }
  }

  get count(): { sockets: number; sse: number } {
    return { sockets: this.ctx.getWebSockets().length, sse: this.sse.size };
  }

  /**
   * Whether a live watcher reads streamed text only from the log (DESIGN §11's "old clients"): an
   * SSE stream without `deltas=1`, or a socket whose resume didn't say `deltas: true`. While one
   * does, the log takes text at the short window; otherwise at the long one (LIVE_TEXT).
   */
  get logReader(): boolean {
    for (const ws of this.live) {
      const a = ws.deserializeAttachment() as SocketAttachment | null;
      if (!a?.rendersDeltas) return true;
    }
    for (const w of this.sse.values()) if (w.live && w.mode !== "rendered") return true;
    return false;
  }

  /** SSE responses still replaying history (held back by their readers), for diagnostics. */
  get sseReplaying(): number {
    let n = 0;
    for (const w of this.sse.values()) if (!w.live) n++;
    return n;
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
      this.drop(ws);
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

  /**
   * Replays everything after `after` in batches, then marks the socket live and sends it the live
   * text the log doesn't hold yet. The `ready` frame sent before this leaves first (the replay starts
   * in the next turn), and a long replay yields every few frames. Gapless all the same: events
   * logged meanwhile are read by the replay, which switches the socket to live in the same turn as
   * its last read, so nothing is logged between the two.
   */
  async resume(ws: WebSocket, log: EventLog, after: number, rendersDeltas = false): Promise<void> {
    const token = {};
    this.replaying.set(ws, token);
    // Not live until this replay ends, even to an instance woken from hibernation meanwhile.
    const a = ws.deserializeAttachment() as SocketAttachment;
    if (a.ready) ws.serializeAttachment({ ...a, ready: false });
    let cursor = Math.min(after, log.lastSeq);
    await nextTurn();
    for (let frames = 0; ; ) {
      if (this.replaying.get(ws) !== token) return; // dropped, or a newer resume took over
      const batch = log.readRaw(cursor, REPLAY_BATCH);
      if (batch.length) {
        try {
          ws.send(`{"type":"events","events":[${batch.join(",")}]}`);
        } catch {
          this.replaying.delete(ws);
          return;
        }
      }
      cursor += batch.length;
      if (batch.length < REPLAY_BATCH) break;
      if (++frames % REPLAY_FRAMES_PER_TURN === 0) await nextTurn();
    }
    this.replaying.delete(ws);
    // Read again: the socket's guard may have written it during the replay (its resume budget).
    const now = ws.deserializeAttachment() as SocketAttachment;
    ws.serializeAttachment({ ...now, ready: true, rendersDeltas });
    this.live.add(ws);
    try {
      for (const frame of this.tails()) ws.send(frame);
    } catch {
      this.live.delete(ws);
    }
    if (!rendersDeltas) this.logReaderJoined();
  }

  drop(ws: WebSocket): void {
    this.live.delete(ws);
    this.replaying.delete(ws);
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
      let chunk: Uint8Array | null = null;
      for (const [c, w] of this.sse) {
        if (!w.live) continue;
        chunk ??= encoder.encode(sseFrame(event.seq, event.type, json));
        try {
          c.enqueue(chunk);
        } catch {
          this.forgetSse(c);
        }
      }
    }
  }

  /** Live text (a delta frame's JSON) to every watcher that has caught up: no seq, not logged. */
  delta(json: string): void {
    for (const ws of this.live) {
      try {
        ws.send(json);
      } catch {
        this.live.delete(ws);
      }
    }
    if (this.sseDeltas) {
      const chunk = encoder.encode(sseDelta(json));
      for (const [c, w] of this.sse) {
        if (!w.live || w.mode === "none") continue;
        try {
          c.enqueue(chunk);
        } catch {
          this.forgetSse(c);
        }
      }
    }
  }

  private forgetSse(c: ReadableStreamDefaultController<Uint8Array>): void {
    const w = this.sse.get(c);
    if (!w) return;
    if (w.live && w.mode !== "none") this.sseDeltas--;
    this.sse.delete(c);
  }

  /**
   * An SSE body: replay after `after`, then live events (and, with `deltas`, live text), with a
   * comment heartbeat against idle proxies. The replay is pulled: one batch per read, a few ahead,
   * so a slow reader holds the history back instead of the object buffering all of it. It switches
   * to live in the same turn as its last read, so no event falls between the two.
   */
  openSse(
    log: EventLog,
    after: number,
    credential: string,
    mode: SseDeltas = "sent",
  ): ReadableStream<Uint8Array> {
    let timer: ReturnType<typeof setInterval> | undefined;
    let cursor = Math.min(after, log.lastSeq);
    let watcher: SseWatcher | null = null;
    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          c.enqueue(encoder.encode(`retry: 2000\n: stream ${log.stream}\n\n`));
          // Registered at once (not live yet), so a credential that ends during the replay ends it.
          const w: SseWatcher = {
            credential,
            mode,
            live: false,
            end: () => {
              clearInterval(timer);
              this.forgetSse(c);
              try {
                c.enqueue(encoder.encode(": credential ended\n\n"));
                c.close();
              } catch {
                // the reader already went away
              }
            },
          };
          watcher = w;
          this.sse.set(c, w);
          timer = setInterval(() => {
            try {
              c.enqueue(encoder.encode(": keep-alive\n\n"));
            } catch {
              // The client went away: stop the keep-alive and the registration with it.
              clearInterval(timer);
              this.forgetSse(c);
            }
          }, 20_000);
        },
        pull: (c) => {
          const w = watcher;
          if (!w || w.live || this.sse.get(c) !== w) return;
          // Stored JSON as is, one chunk per batch: no parse and re-serialise per event.
          const batch = log.readRows(cursor, REPLAY_BATCH);
          if (batch.length) {
            let text = "";
            for (const r of batch) text += sseFrame(r.seq, r.type, r.body);
            cursor += batch.length;
            c.enqueue(encoder.encode(text));
          }
          if (batch.length < REPLAY_BATCH) {
            w.live = true;
            if (w.mode !== "none") {
              this.sseDeltas++;
              let text = "";
              for (const frame of this.tails()) text += sseDelta(frame);
              if (text) c.enqueue(encoder.encode(text));
            }
            if (w.mode !== "rendered") this.logReaderJoined();
          }
        },
        cancel: () => {
          clearInterval(timer);
          for (const [c, w] of this.sse) if (w === watcher) this.forgetSse(c);
        },
      },
      { highWaterMark: SSE_HIGH_WATER },
    );
  }
}
