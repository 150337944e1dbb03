// Stream watchers for the credential tests (DESIGN §8): a WebSocket or SSE stream opened through the
// public API with one credential (a session cookie or an API token), recording what arrives and
// exactly when and how it ended.
import { SELF } from "cloudflare:test";
import type { StreamEvent } from "../schema/events";
import { ORIGIN } from "./auth-helpers";

export type Credential = { cookie: string } | { token: string };
type Frame = { type: string; [k: string]: unknown };

const credentialHeaders = (cred: Credential): Record<string, string> =>
  "cookie" in cred
    ? { Cookie: `__Host-baton_session=${cred.cookie}` }
    : { Authorization: `Bearer ${cred.token}` };

abstract class Watch {
  readonly events: StreamEvent[] = [];
  /** When the server ended the stream (ms epoch), or null while it is open. */
  endedAt: number | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly label: string) {}

  protected notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  protected ended(): void {
    this.endedAt ??= Date.now();
    this.notify();
  }

  get open(): boolean {
    return this.endedAt === null;
  }

  has(pred: (e: StreamEvent) => boolean): boolean {
    return this.events.some(pred);
  }

  async until(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`${this.label}: timed out (${this.events.length} events)`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 25);
      });
    }
  }

  abstract close(): void;
}

export class WsWatch extends Watch {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  private ws!: WebSocket;

  /** Opens, resumes from 0 and waits for `ready`. */
  static async open(path: string, cred: Credential, label = path): Promise<WsWatch> {
    const w = new WsWatch(label);
    const res = await SELF.fetch(`${ORIGIN}${path}`, {
      headers: { Upgrade: "websocket", Origin: ORIGIN, ...credentialHeaders(cred) },
    });
    if (res.status !== 101 || !res.webSocket) throw new Error(`${label}: upgrade answered ${res.status}`);
    w.ws = res.webSocket;
    w.ws.accept();
    w.ws.addEventListener("close", (e) => {
      w.closeCode = e.code;
      w.ended();
    });
    w.ws.addEventListener("message", (e) => {
      const frame = JSON.parse(String(e.data)) as Frame;
      w.frames.push(frame);
      if (frame.type === "event") w.events.push(frame.event as StreamEvent);
      if (frame.type === "events") w.events.push(...(frame.events as StreamEvent[]));
      w.notify();
    });
    w.send({ type: "resume", after: 0 });
    await w.until(() => w.frames.some((f) => f.type === "ready"));
    return w;
  }

  /** Sends a frame; false if the socket already refuses to send. */
  send(frame: unknown): boolean {
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  errors(code?: string): Frame[] {
    return this.frames.filter((f) => f.type === "error" && (code === undefined || f.code === code));
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

export class SseWatch extends Watch {
  /** Comment lines (`: …`) the server sent, e.g. why it ended the stream. */
  readonly comments: string[] = [];
  private readonly ctl = new AbortController();
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;

  /** Opens and waits for the stream's first bytes (its `retry:` preamble). */
  static async open(path: string, cred: Credential, label = path): Promise<SseWatch> {
    const w = new SseWatch(label);
    const res = await SELF.fetch(`${ORIGIN}${path}`, {
      headers: { Accept: "text/event-stream", ...credentialHeaders(cred) },
      signal: w.ctl.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`${label}: stream answered ${res.status}`);
    const reader = res.body.getReader();
    w.reader = reader;
    void (async () => {
      const decoder = new TextDecoder();
      let buf = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const data = /^data: (.*)$/m.exec(block)?.[1];
            // Live text (`event: delta`, DESIGN §11) is no event: it has no seq and isn't logged.
            if (/^event: delta$/m.test(block)) continue;
            if (data) w.events.push(JSON.parse(data) as StreamEvent);
            else w.comments.push(...block.split("\n").filter((l) => l.startsWith(":")));
          }
          w.notify();
        }
        w.ended();
      } catch {
        // aborted by close()
      }
    })();
    return w;
  }

  close(): void {
    this.reader?.cancel().catch(() => undefined);
    this.ctl.abort();
  }
}
