// The user messages a stream client has sent and not yet seen acknowledged. Over the socket when
// it is live (acknowledged by a `sent` frame or the `message.user` event carrying our clientId),
// otherwise — or if no ack comes, or the socket drops — over HTTP with the same clientId, so a
// retry never makes a second message.
import { SEND_ACK_TIMEOUT_MS } from "./streamPolicy";

export type SendResult = { messageId: string; runId: string | null };

type Timers = {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (id: unknown) => void;
};

type PendingSend = {
  clientId: string;
  text: string;
  resolve: (v: SendResult) => void;
  reject: (e: unknown) => void;
  /** The ack timeout while the send waits on the socket; null once it went over HTTP. */
  timer: unknown;
};

export class PendingSends {
  private readonly pending = new Map<string, PendingSend>();

  constructor(
    private readonly timers: Timers,
    private readonly overHttp: (text: string, clientId: string) => Promise<unknown>,
  ) {}

  /** Sends over the socket if `sendFrame` delivers the frame, else over HTTP at once. */
  send(text: string, clientId: string, sendFrame: (frame: object) => boolean): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      const p: PendingSend = { clientId, text, resolve, reject, timer: null };
      this.pending.set(clientId, p);
      if (sendFrame({ type: "send", text, clientId })) {
        p.timer = this.timers.setTimeout(() => this.sendOverHttp(p), SEND_ACK_TIMEOUT_MS);
      } else {
        this.sendOverHttp(p);
      }
    });
  }

  /** An acknowledgement; without a clientId (a bare `sent`) it is for the oldest send. */
  resolve(clientId: string | undefined, result: SendResult): void {
    const p = clientId ? this.pending.get(clientId) : this.oldest();
    if (!p) return;
    this.settle(p);
    p.resolve(result);
  }

  /** An error frame refusing a send: the oldest waiting one fails with it. */
  rejectOldest(error: unknown): void {
    const p = this.oldest();
    if (!p) return;
    this.settle(p);
    p.reject(error);
  }

  /** The socket is gone: sends still waiting on it go over HTTP. */
  retryOverHttp(): void {
    for (const p of this.pending.values()) if (p.timer !== null) this.sendOverHttp(p);
  }

  /** Forgets every send (the client stopped); their promises stay pending. */
  clear(): void {
    for (const p of this.pending.values()) this.timers.clearTimeout(p.timer);
    this.pending.clear();
  }

  private oldest(): PendingSend | undefined {
    return this.pending.values().next().value;
  }

  private settle(p: PendingSend): void {
    this.pending.delete(p.clientId);
    this.timers.clearTimeout(p.timer);
  }

  private sendOverHttp(p: PendingSend): void {
    if (!this.pending.has(p.clientId)) return;
    this.timers.clearTimeout(p.timer);
    p.timer = null;
    this.overHttp(p.text, p.clientId).then(
      (res) => {
        const r = res as { messageId?: string; runId?: string | null } | undefined;
        this.resolve(p.clientId, { messageId: r?.messageId ?? "", runId: r?.runId ?? null });
      },
      (e) => {
        if (!this.pending.delete(p.clientId)) return;
        p.reject(e);
      },
    );
  }
}
