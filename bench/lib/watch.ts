// A benchmark's view of one stream: a WebSocket watcher that records every seq it receives (to
// count lost and duplicated events against the object's log), when each text delta arrived (for
// relay latency), and when replay began and caught up; plus the log itself, read over HTTP.
import { isTerminalRunEvent, type StreamEvent } from "../../schema/events";
import { type BenchServer, call } from "./server.ts";

type Frame = {
  type: string;
  event?: StreamEvent;
  events?: StreamEvent[];
  lastSeq?: number;
  code?: string;
  kind?: string;
};

export class Watcher {
  readonly seqs = new Set<number>();
  duplicates = 0;
  /**
   * performance.now() of each text delta as it first arrived, in order: a `delta` frame (DESIGN §11,
   * one per model delta); logged text.delta events repeat that text coalesced, so they time nothing.
   */
  readonly deltaAt: number[] = [];
  /** Live delta frames received. */
  deltaFrames = 0;
  /** A bare relay's watcher: its text.delta events are the text's first arrival. */
  private bare = false;
  /** Output tokens a bare relay said it relayed (its end frame). */
  outputTokens = 0;
  events = 0;
  bytes = 0;
  frames = 0;
  readyAt = 0;
  /** lastSeq from the ready frame: the log's end when the replay started. */
  readyLastSeq = 0;
  firstEventAt = 0;
  maxSeq = 0;
  /** run.completed / run.failed / run.interrupted seen (each run ends in exactly one). */
  runsEnded = 0;
  runsFailed = 0;
  /** Time spent handling frames (JSON.parse and bookkeeping): the client's share of a replay. */
  handleMs = 0;
  /** When the resume frame went out. */
  resumedAt = 0;
  errors: string[] = [];
  private waiters: { done: () => boolean; resolve: () => void }[] = [];
  private readyWaiters: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly openedAt: number,
    private readonly raw: boolean,
  ) {
    ws.onmessage = (m) => {
      const t = performance.now();
      if (this.raw) this.onRawFrame(String(m.data), t);
      else this.onFrame(String(m.data), t);
      this.handleMs += performance.now() - t;
    };
  }

  /**
   * Opens a socket on `path` (…/ws) and sends resume from `after`. A `raw` watcher doesn't parse
   * event frames, only finds the highest seq in each (the last event's): it measures the server and
   * the wire without the client's JSON.parse, and doesn't track seqs, deltas or runs.
   */
  static async open(server: BenchServer, path: string, after = 0, raw = false): Promise<Watcher> {
    const openedAt = performance.now();
    const ws = new WebSocket(`${server.url.replace("http", "ws")}${path}`, {
      headers: { Origin: server.url, Authorization: `Bearer ${server.token}` },
    } as unknown as string[]);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = (e) =>
        reject(new Error(`socket ${path} failed: ${String((e as ErrorEvent).message ?? e)}`));
    });
    const w = new Watcher(ws, openedAt, raw);
    w.resumedAt = performance.now();
    // A parsing watcher renders delta frames as the web client does, and says so (DESIGN §11).
    ws.send(JSON.stringify(raw ? { type: "resume", after } : { type: "resume", after, deltas: true }));
    return w;
  }

  /** A watcher of the bare relay's `channel` (bench/worker/routes.ts): no resume, no log behind it. */
  static async openBare(server: BenchServer, channel: string): Promise<Watcher> {
    const path = `/api/_bench/relay?channel=${encodeURIComponent(channel)}`;
    const ws = new WebSocket(`${server.url.replace("http", "ws")}${path}`, {
      headers: { Origin: server.url, Authorization: `Bearer ${server.token}` },
    } as unknown as string[]);
    const openedAt = performance.now();
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = (e) =>
        reject(new Error(`bare relay socket failed: ${String((e as ErrorEvent).message ?? e)}`));
    });
    const w = new Watcher(ws, openedAt, false);
    w.bare = true;
    return w;
  }

  private onRawFrame(data: string, at: number): void {
    if (data.startsWith('{"type":"ready"')) {
      this.onFrame(data, at);
      return;
    }
    this.frames++;
    this.bytes += Buffer.byteLength(data);
    if (!data.startsWith('{"type":"event')) return;
    if (!this.firstEventAt) this.firstEventAt = at;
    // Events are in seq order and each starts {"stream":…,"seq":N: the last "seq": is the highest.
    const i = data.lastIndexOf('"seq":');
    const seq = Number.parseInt(data.slice(i + 6, i + 20), 10);
    if (seq > this.maxSeq) this.maxSeq = seq;
    this.settle();
  }

  private onFrame(data: string, at: number): void {
    this.frames++;
    this.bytes += Buffer.byteLength(data);
    const frame = JSON.parse(data) as Frame;
    if (frame.type === "delta") {
      this.deltaFrames++;
      if (frame.kind === "text") this.deltaAt.push(at);
      return;
    }
    if (frame.type === "ready") {
      this.readyAt = at;
      this.readyLastSeq = frame.lastSeq ?? 0;
      for (const r of this.readyWaiters.splice(0)) r();
      this.settle();
      return;
    }
    if (frame.type === "error") this.errors.push(frame.code ?? "error");
    const evs = frame.type === "event" && frame.event ? [frame.event] : (frame.events ?? []);
    for (const ev of evs) {
      if (!this.firstEventAt) this.firstEventAt = at;
      this.events++;
      if (this.seqs.has(ev.seq)) this.duplicates++;
      this.seqs.add(ev.seq);
      if (ev.seq > this.maxSeq) this.maxSeq = ev.seq;
      if (this.bare && ev.type === "text.delta") this.deltaAt.push(at);
      if (this.bare && ev.type === "run.completed")
        this.outputTokens += (ev as { outputTokens?: number }).outputTokens ?? 0;
      if (isTerminalRunEvent(ev)) this.runsEnded++;
      if (ev.type === "run.failed") this.runsFailed++;
    }
    this.settle();
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.done()) return true;
      w.resolve();
      return false;
    });
  }

  ready(): Promise<void> {
    return this.readyAt ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  /** Resolves once an event with seq ≥ `seq` has arrived (rejects after `timeoutMs`). */
  reach(seq: number, timeoutMs = 120_000): Promise<void> {
    return this.until(
      () => this.maxSeq >= seq,
      timeoutMs,
      () => `stuck at seq ${this.maxSeq} < ${seq}`,
    );
  }

  /** Resolves once `n` runs have ended on this stream. */
  runs(n: number, timeoutMs = 300_000): Promise<void> {
    return this.until(
      () => this.runsEnded >= n,
      timeoutMs,
      () => `${this.runsEnded} of ${n} runs ended`,
    );
  }

  private until(done: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`watcher timed out: ${why()}`)), timeoutMs);
      this.waiters.push({
        done,
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      });
    });
  }

  /** Events of `log` this watcher never received (it must have all of them, once each). */
  lostFrom(log: StreamEvent[]): number {
    let lost = 0;
    for (const ev of log) if (!this.seqs.has(ev.seq)) lost++;
    return lost;
  }

  close(): void {
    this.ws.close();
  }
}

/** A stream's whole log over HTTP (`…/events` pages of `limit`), and how long the paging took. */
export async function readLog(
  server: BenchServer,
  eventsPath: string,
  limit = 1000,
): Promise<{ events: StreamEvent[]; ms: number; pages: number; bytes: number }> {
  const t0 = performance.now();
  const events: StreamEvent[] = [];
  let pages = 0;
  let bytes = 0;
  for (let after = 0; ; pages++) {
    const res = await fetch(`${server.url}${eventsPath}?after=${after}&limit=${limit}`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    if (!res.ok) throw new Error(`GET ${eventsPath}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    bytes += text.length;
    const page = JSON.parse(text) as { events: StreamEvent[]; lastSeq: number; hasMore: boolean };
    events.push(...page.events);
    if (!page.hasMore || !page.events.length) {
      pages++;
      break;
    }
    after = page.events[page.events.length - 1]!.seq;
  }
  return { events, ms: performance.now() - t0, pages, bytes };
}

/** Creates an orchestrator for the bench user. */
export async function createOrchestrator(server: BenchServer, name: string, model: string): Promise<string> {
  return (await call<{ id: string }>(server, "POST", "/api/orchestrators", { name, model })).id;
}

/** A sim script block (DESIGN §6) after some prose. */
export const simScript = (steps: unknown[], prose: string): string =>
  `${prose}\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;

/** `n` tokens (≈ 4 chars each) of plain prose, for long streamed responses. */
export function prose(tokens: number): string {
  const words = "alpha beta gamma delta epsilon zeta eta theta iota kappa ";
  return words.repeat(Math.ceil((tokens * 4) / words.length)).slice(0, tokens * 4);
}
