// What the drills share: the scale and seed (from `DRILL_SCALE` / `DRILL_SEED` on the host, passed in
// by vitest's provide/inject because `process.env` in workerd is not the host's), a seeded RNG whose
// seed is printed when a drill fails, fresh object stubs, targeted crashes, and stream clients
// (WebSocket and SSE) that check every connection on its own: a resume from N must deliver exactly
// N+1, N+2, … with no gap and no repeat; and render the stream's text from the log and the live
// delta frames (DESIGN §11) the way the web app does, checking each character shows once.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { DeltaFrame, StreamEvent } from "../../schema/events";
import { allEvents, BASE, type EventLogSource, type TestUser } from "../helpers";
import { RenderedText } from "../rendered-text";

declare module "vitest" {
  export interface ProvidedContext {
    DRILL_SCALE: number;
    DRILL_SEED: string;
  }
}

/** 1 in CI; `DRILL_SCALE=10` for the full counts. */
export function drillScale(): number {
  const s = Number(inject("DRILL_SCALE") ?? 1);
  return Number.isFinite(s) && s > 0 ? s : 1;
}

/** A 32-bit seed: `DRILL_SEED` when given (to replay a failure), else fresh. */
export function drillSeed(): number {
  const given = inject("DRILL_SEED");
  if (given !== undefined && given !== "") return Number(given) >>> 0;
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

export type Rng = {
  readonly seed: number;
  next(): number;
  int(n: number): number;
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
};

/** mulberry32: small, fast, good enough to steer a drill, and replayable from its seed. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  };
}

/**
 * Runs a drill body with a seeded RNG; on failure the error names the seed and the command that
 * replays it. Timing still varies between runs (crash points land where the scheduler puts them),
 * but every random choice the drill makes comes from this seed.
 */
export async function seeded(file: string, body: (r: Rng, scale: number) => Promise<void>): Promise<void> {
  const seed = drillSeed();
  const scale = drillScale();
  const started = Date.now();
  try {
    await body(rng(seed), scale);
  } catch (err) {
    const replay = `DRILL_SEED=${seed} DRILL_SCALE=${scale} npx vitest run --project worker ${file}`;
    if (err instanceof Error) {
      err.message = `${err.message}\n[drill seed ${seed}; replay: ${replay}]`;
      throw err;
    }
    throw new Error(`${String(err)}\n[drill seed ${seed}; replay: ${replay}]`);
  } finally {
    console.log(`[drill] ${file} seed=${seed} scale=${scale} ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- objects (fresh stubs per call: a stub held across a crash stays broken) ----

export const orchestratorStub = (id: string) => env.ORCHESTRATOR.getByName(id);
export const agentStub = (id: string) => env.AGENT.getByName(id);
export const orchestratorLog = (id: string): EventLogSource => ({
  events: (a, l) => orchestratorStub(id).events(a, l),
});
export const agentLog = (id: string): EventLogSource => ({ events: (a, l) => agentStub(id).events(a, l) });

/** Retries a call that may land on an instance that was just aborted (it reports the abort once). */
export async function retryAborted<T>(call: () => Promise<T>, tries = 8): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      const s = String(err);
      const aborted = /abort|reset|broken|drill crash|disconnected/i.test(s);
      if (i >= tries || !aborted) throw err;
      await sleep(5);
    }
  }
}

/** Reads a whole log, retrying past a crash that lands mid-read. */
export const readLog = (src: EventLogSource) => retryAborted(() => allEvents(src));

/**
 * A crash of one object: its instance is reset mid-whatever (storage survives, its sockets and SSE
 * streams drop, in-flight calls die). Unlike evictDurableObject it does not wait for work to drain.
 */
export async function crashObject(stub: DurableObjectStub): Promise<void> {
  try {
    await runInDurableObject(stub, (_instance, state: DurableObjectState) => {
      state.abort("drill crash");
    });
  } catch {
    // abort() throws out of the callback by design
  }
}

/** A crash of everything (a deploy, a machine loss). */
export const crashAll = () => abortAllDurableObjects();

/**
 * Wakes an object the way production does after a crash: its heartbeat alarm fires. Nothing else
 * touches it, so a run that armed no alarm would stay stuck and the drill would see it.
 */
export async function wakeByAlarm(get: () => DurableObjectStub): Promise<boolean> {
  return retryAborted(() => runDurableObjectAlarm(get()));
}

// ---- stream clients ----

type Connection = { n: number; after: number; expect: number; close(): void };

/** What both clients share: events by seq, and per-connection contiguity checks. */
abstract class StreamClient {
  readonly events = new Map<number, StreamEvent>();
  readonly violations: string[] = [];
  connections = 0;
  duplicates = 0;
  /** What this client shows of the stream's text: the log and the live frames (DESIGN §11). */
  readonly text: RenderedText;
  protected current: Connection | null = null;

  constructor(
    readonly user: TestUser,
    readonly path: string,
    readonly label: string,
  ) {
    this.text = new RenderedText(label);
  }

  get lastSeq(): number {
    let s = 0;
    while (this.events.has(s + 1)) s++;
    return s;
  }

  get connected(): boolean {
    return this.current !== null;
  }

  /** One event from connection `conn`: it must be exactly the next seq that connection owes. */
  protected take(conn: Connection, ev: StreamEvent): void {
    if (conn !== this.current) return; // a late frame of a connection we already dropped
    if (ev.seq !== conn.expect) {
      this.violations.push(
        `${this.label} connection ${conn.n} (after ${conn.after}): got seq ${ev.seq}, expected ${conn.expect}`,
      );
    }
    conn.expect = ev.seq + 1;
    if (this.events.has(ev.seq)) this.duplicates++;
    else this.text.event(ev);
    this.events.set(ev.seq, ev);
  }

  /** A live delta frame from connection `conn` (no seq: nothing to check but where its text goes). */
  protected live(conn: Connection, frame: DeltaFrame): void {
    if (conn === this.current) this.text.delta(frame);
  }

  abstract connect(after?: number): Promise<void>;

  disconnect(): void {
    const c = this.current;
    this.current = null;
    c?.close();
  }

  /** Events 1..lastSeq in order (the map is only ever filled contiguously by a correct server). */
  ordered(): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (let s = 1; this.events.has(s); s++) out.push(this.events.get(s)!);
    return out;
  }

  async until(pred: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`${this.label} timed out at seq ${this.lastSeq}`);
      if (!this.connected) await this.connect();
      await sleep(20);
    }
  }
}

/** A WebSocket client speaking DESIGN §4: `resume` from the last seq it holds on every connect. */
export class DrillWs extends StreamClient {
  readonly frames: { type: string; [k: string]: unknown }[] = [];

  async connect(after = this.lastSeq): Promise<void> {
    this.disconnect();
    const res = await SELF.fetch(`${BASE}${this.path}`, {
      headers: { Upgrade: "websocket", Origin: BASE, Authorization: `Bearer ${this.user.token}` },
    });
    if (res.status !== 101 || !res.webSocket)
      throw new Error(`${this.label}: upgrade failed ${res.status} ${await res.text()}`);
    const ws = res.webSocket;
    ws.accept();
    const conn: Connection = {
      n: ++this.connections,
      after,
      expect: after + 1,
      close: () => {
        try {
          ws.close(1000, "drill");
        } catch {
          // already closed
        }
      },
    };
    this.current = conn;
    ws.addEventListener("close", () => {
      if (this.current === conn) this.current = null;
    });
    ws.addEventListener("message", (e) => {
      if (conn !== this.current) return;
      const frame = JSON.parse(String(e.data)) as { type: string; [k: string]: unknown };
      this.frames.push(frame);
      if (frame.type === "event") this.take(conn, frame.event as StreamEvent);
      else if (frame.type === "events") for (const ev of frame.events as StreamEvent[]) this.take(conn, ev);
      else if (frame.type === "delta") this.live(conn, frame as unknown as DeltaFrame);
    });
    ws.send(JSON.stringify({ type: "resume", after }));
  }
}

/** An SSE client: reconnects with `Last-Event-ID` (or `?after=`), parses `id:`/`data:` frames. */
export class DrillSse extends StreamClient {
  /** How the next connect names its position: the header (the browser's way) or the query. */
  useQuery = false;

  async connect(after = this.lastSeq): Promise<void> {
    this.disconnect();
    const ctl = new AbortController();
    const headers: Record<string, string> = { Authorization: `Bearer ${this.user.token}` };
    const query = this.useQuery ? `?after=${after}` : "";
    if (!this.useQuery && after > 0) headers["Last-Event-ID"] = String(after);
    const res = await SELF.fetch(`${BASE}${this.path}${query}`, { headers, signal: ctl.signal });
    if (res.status !== 200 || !res.body)
      throw new Error(`${this.label}: stream failed ${res.status} ${await res.text()}`);
    const reader = res.body.getReader();
    const conn: Connection = {
      n: ++this.connections,
      after,
      expect: after + 1,
      close: () => {
        reader.cancel().catch(() => undefined);
        ctl.abort();
      },
    };
    this.current = conn;
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
            const data = block
              .split("\n")
              .filter((l) => l.startsWith("data: "))
              .map((l) => l.slice(6))
              .join("\n");
            const id = /^id: (\d+)$/m.exec(block)?.[1];
            if (!data) continue;
            if (/^event: delta$/m.test(block)) {
              if (id !== undefined) this.violations.push(`${this.label}: a delta message with an id`);
              this.live(conn, JSON.parse(data) as DeltaFrame);
              continue;
            }
            const ev = JSON.parse(data) as StreamEvent;
            if (id !== undefined && Number(id) !== ev.seq)
              this.violations.push(`${this.label}: id ${id} but data seq ${ev.seq}`);
            this.take(conn, ev);
          }
        }
      } catch {
        // aborted by us, or the stream died with its object
      }
      if (this.current === conn) this.current = null;
    })();
  }
}

/** Asserts a client's view equals the object's log exactly (same events, same bytes, same order). */
export function diffAgainstLog(label: string, got: StreamEvent[], log: StreamEvent[]): string | null {
  if (got.length !== log.length) return `${label}: has ${got.length} events, the log has ${log.length}`;
  for (let i = 0; i < log.length; i++) {
    const a = JSON.stringify(got[i]);
    const b = JSON.stringify(log[i]);
    if (a !== b)
      return `${label}: seq ${i + 1} differs:\n  client ${a.slice(0, 200)}\n  log    ${b.slice(0, 200)}`;
  }
  return null;
}

// ---- accounting over a log ----

export type Completed = Extract<StreamEvent, { type: "message.completed" }>;
export const ofType = <T extends StreamEvent["type"]>(events: StreamEvent[], type: T) =>
  events.filter((e): e is Extract<StreamEvent, { type: T }> => e.type === type);

const TERMINAL = new Set(["run.completed", "run.failed", "run.interrupted"]);

/**
 * The loop invariants any log must satisfy, as a list of violations (empty = fine):
 * gapless seqs; every run.started has exactly one terminal event and nothing ends a run that never
 * started; every message.started is closed by exactly one message.completed; message ids are unique;
 * every tool call of a completed assistant message has exactly one tool.result (no card outlives
 * its run), and for an aborted attempt that result says it was not run; no tool.result without a
 * call.
 */
export function logViolations(label: string, events: StreamEvent[]): string[] {
  const out: string[] = [];
  events.forEach((e, i) => {
    if (e.seq !== i + 1) out.push(`${label}: seq ${e.seq} at position ${i + 1}`);
  });
  const started = new Map<string, number>();
  const ended = new Map<string, number>();
  for (const e of events) {
    if (e.type === "run.started") started.set(e.runId, (started.get(e.runId) ?? 0) + 1);
    if (TERMINAL.has(e.type)) {
      const runId = (e as { runId: string }).runId;
      ended.set(runId, (ended.get(runId) ?? 0) + 1);
    }
  }
  for (const [runId, n] of started) {
    if (n !== 1) out.push(`${label}: run ${runId} started ${n} times`);
    if ((ended.get(runId) ?? 0) !== 1)
      out.push(`${label}: run ${runId} has ${ended.get(runId) ?? 0} terminal events`);
  }
  for (const runId of ended.keys())
    if (!started.has(runId)) out.push(`${label}: run ${runId} ended but never started`);

  const opened = ofType(events, "message.started").map((e) => e.messageId);
  const closed = ofType(events, "message.completed").map((e) => e.messageId);
  if (new Set(opened).size !== opened.length) out.push(`${label}: a message id started twice`);
  if (new Set(closed).size !== closed.length) out.push(`${label}: a message id completed twice`);
  const closedSet = new Set(closed);
  for (const id of opened) if (!closedSet.has(id)) out.push(`${label}: message ${id} never completed`);

  const stop = new Map(ofType(events, "message.completed").map((e) => [e.messageId, e.stopReason]));
  const callOf = new Map(ofType(events, "tool.started").map((e) => [e.toolUseId, e.messageId]));
  const results = new Map<string, number>();
  const notRun = new Set<string>();
  for (const r of ofType(events, "tool.result")) {
    results.set(r.toolUseId, (results.get(r.toolUseId) ?? 0) + 1);
    if (r.isError && r.content.startsWith("Not run:")) notRun.add(r.toolUseId);
  }
  for (const [toolUseId, messageId] of callOf) {
    const reason = stop.get(messageId);
    if (reason === undefined) continue; // still streaming
    const n = results.get(toolUseId) ?? 0;
    if (n !== 1) out.push(`${label}: tool ${toolUseId} of a ${reason} message has ${n} results`);
    if (
      reason !== "tool_use" &&
      reason !== "end_turn" &&
      reason !== "max_tokens" &&
      reason !== "interrupted"
    ) {
      if (!notRun.has(toolUseId)) out.push(`${label}: tool ${toolUseId} of an aborted attempt ran`);
    }
  }
  for (const [toolUseId, n] of results) {
    if (!callOf.has(toolUseId)) out.push(`${label}: tool.result for unknown call ${toolUseId}`);
    if (n > 1) out.push(`${label}: tool ${toolUseId} has ${n} results`);
  }
  return out;
}

/** Message ids that must be in the usage ledger: every completed message except a crash's empty stub. */
export function billedMessageIds(events: StreamEvent[]): Completed[] {
  return ofType(events, "message.completed").filter(
    (e) =>
      !(
        e.stopReason === "aborted" &&
        e.costUsd === 0 &&
        e.usage.inputTokens + e.usage.outputTokens + e.usage.cacheReadTokens + e.usage.cacheWriteTokens === 0
      ),
  );
}
