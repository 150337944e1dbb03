// A test WebSocket client speaking the §4 protocol: resumes, collects events deduplicated by seq,
// and reports gaps the way the web client would see them.
import { SELF } from "cloudflare:test";
import type { DeltaFrame, StreamEvent } from "../schema/events";
import { BASE, type TestUser } from "./helpers";
import { RenderedText } from "./rendered-text";

export type Frame = { type: string; [k: string]: unknown };

export class WsClient {
  readonly frames: Frame[] = [];
  readonly events = new Map<number, StreamEvent>();
  duplicates = 0;
  /** What this client would show of the stream's text: the log and live delta frames (DESIGN §11). */
  readonly text: RenderedText;
  private waiters: (() => void)[] = [];
  ws!: WebSocket;
  closed = false;
  reconnects = 0;
  private constructor(
    private readonly user: TestUser,
    private readonly path: string,
    /** Says in its resume that it renders delta frames, as the web client does (DESIGN §11). */
    private readonly rendersDeltas = false,
  ) {
    this.text = new RenderedText(path);
  }

  private attach(ws: WebSocket): void {
    this.ws = ws;
    this.closed = false;
    ws.addEventListener("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    ws.addEventListener("message", (e) => {
      const frame = JSON.parse(String(e.data)) as Frame;
      this.frames.push(frame);
      const evs =
        frame.type === "event"
          ? [frame.event as StreamEvent]
          : frame.type === "events"
            ? (frame.events as StreamEvent[])
            : [];
      if (frame.type === "delta") this.text.delta(frame as unknown as DeltaFrame);
      for (const ev of evs) {
        if (this.events.has(ev.seq)) this.duplicates++;
        else this.text.event(ev);
        this.events.set(ev.seq, ev);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(
    user: TestUser,
    path: string,
    after = 0,
    opts: { rendersDeltas?: boolean } = {},
  ): Promise<WsClient> {
    const c = new WsClient(user, path, opts.rendersDeltas);
    await c.open(after);
    return c;
  }

  private async open(after: number): Promise<void> {
    const res = await SELF.fetch(`${BASE}${this.path}`, {
      headers: { Upgrade: "websocket", Origin: BASE, Authorization: `Bearer ${this.user.token}` },
    });
    if (res.status !== 101 || !res.webSocket)
      throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    this.attach(res.webSocket);
    this.send(this.rendersDeltas ? { type: "resume", after, deltas: true } : { type: "resume", after });
  }

  /** What the web client does after a drop: reconnect and resume from the last seq it holds. */
  async reconnect(): Promise<void> {
    this.close();
    this.reconnects++;
    await this.open(this.lastSeq);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  get lastSeq(): number {
    return Math.max(0, ...this.events.keys());
  }

  /** Events in seq order; throws if any seq between 1 and the last is missing. */
  ordered(from = 1): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (let s = from; s <= this.lastSeq; s++) {
      const ev = this.events.get(s);
      if (!ev) throw new Error(`client has a gap at seq ${s}`);
      out.push(ev);
    }
    return out;
  }

  async until(pred: (c: WsClient) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this)) {
      if (Date.now() > deadline) throw new Error(`ws client timed out; last seq ${this.lastSeq}`);
      if (this.closed) await this.reconnect();
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}
