// What orchestrators and agents share: their SQLite store and event log, the run loop, watchers
// (WebSockets and SSE), the heartbeat alarm that resumes a run after eviction, and the RPC surface.

import { DurableObject } from "cloudflare:workers";
import type Anthropic from "@anthropic-ai/sdk";
import type { EventsPage, MessageState, RunInfo, SendMessageResult } from "../../schema/api";
import type { SocketErrorCode } from "../../schema/errors";
import {
  type ApprovalDecision,
  type EventBody,
  type StreamEvent,
  type StreamState,
  TERMINAL_RUN_EVENTS,
  type Usage,
  zeroTotals,
} from "../../schema/events";
import { credentialAlive } from "../auth/credentials";
import { EventLog } from "../db/event-log";
import { arrivedInput } from "../db/runs";
import { type ObjectConfig, Store } from "../db/store";
import type { Approval } from "../db/store-types";
import { RUN_LIMITS } from "../limits";
import { modelInfo } from "../llm/prices";
import { Approvals, type Decided } from "../loop/approvals";
import type { LiveChunk, LiveText } from "../loop/live-text";
import { type RunEnd, Runner, type RunnerHost } from "../loop/runner";
import type { Tool, ToolContext } from "../loop/tool";
import { eventsPage, eventsPageJson } from "./history-pages";
import { liveOverlay } from "./live-overlay";
import { ModelClient } from "./model-client";
import { OutboxFlusher } from "./outbox-flusher";
import type { StreamRpc } from "./rpc";
import { runInfo, runOfMessage } from "./run-info";
import { handleFrame, upgrade } from "./socket-frames";
import { admitSocketSend, credentialRefusal } from "./stream-guard";
import { type SseDeltas, Watchers } from "./watchers";

const PING = JSON.stringify({ type: "ping" });
const PONG = JSON.stringify({ type: "pong" });

export abstract class LoopObject extends DurableObject<Env> implements StreamRpc {
  readonly store: Store;
  protected readonly runner: Runner;
  protected readonly approvals: Approvals;
  protected readonly watchers: Watchers;
  /** Token text ahead of the log (DESIGN §11): sent at once, logged coalesced. */
  private readonly liveText: LiveText;
  private eventLog: EventLog | null = null;
  protected readonly models: ModelClient;
  private readonly d1: OutboxFlusher;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new Store(ctx.storage);
    this.d1 = new OutboxFlusher(env, this.store);
    this.models = new ModelClient(env);
    // A rollback drops what the log held for it; the seqs are given out again, so it leaves no
    // hole. After an outermost one the log's next seq comes from SQLite again (and a replay still
    // reading through the old instance can't write what was dropped); a nested one drops only its
    // own events. Text sent ahead of the log is appended again: watchers have it, so the log must.
    this.store.onRollback = (heldFrom) => {
      const dropped = this.eventLog?.dropHeld(heldFrom ?? 0) ?? [];
      if (heldFrom === null) this.eventLog = null;
      for (const { stream: _s, seq: _q, ts: _t, ...body } of dropped)
        if (body.type === "text.delta" || body.type === "thinking.delta") this.append(body);
    };
    this.store.heldCount = () => this.eventLog?.heldCount ?? 0;
    // The run under way is in the log until its row is written (db/runs.ts): its last run boundary.
    this.store.runUnderWayInLog = () => {
      if (!this.initialised()) return null;
      const e = this.log.lastOf(["run.started", ...TERMINAL_RUN_EVENTS]);
      if (e?.type !== "run.started") return null;
      return { id: e.runId, trigger: e.trigger, createdAt: e.ts, input: arrivedInput(e, this.log) };
    };
    // Live text already sent is logged first in a transaction, in its row: the log keeps the order
    // in which things were sent, and a message's last text shares the row of its completion.
    this.store.atTransactionStart = () => this.liveText.flush();
    // Events appended inside a transaction share one log row, written with it (event-log.ts).
    this.store.onWriteHeld = () => this.eventLog?.writeHeld();
    this.approvals = new Approvals(this.store, (b) => this.emit(b));
    ({ liveText: this.liveText, watchers: this.watchers } = liveOverlay(ctx, env, {
      streamJson: () => this.log.streamJson,
      log: (body) => this.append(body),
      sent: (chunk) => this.observeText(chunk),
    }));
    this.runner = new Runner(this.runnerHost(), env, this.approvals);
    // Keep-alive pings are answered by the runtime without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    // A woken object with an unfinished run picks it up without waiting for the alarm — after
    // migrations, and outside blockConcurrencyWhile so the run doesn't block requests.
    void ctx
      .blockConcurrencyWhile(() => this.store.migrate())
      .then(() => this.resumeIfNeeded())
      .catch((err) => console.error(`${this.constructor.name} ${ctx.id} failed to start`, err));
  }

  // ---- subclass hooks (for the runner; not part of the RPC surface) ----
  protected abstract tools(): Tool[];
  protected abstract toolContext(base: ToolContext): ToolContext;
  protected abstract system(): string;
  /** Whether a budget could hold this object's calls (RunnerHost.budgeted); agents' always may. */
  protected budgeted(): boolean {
    return true;
  }
  protected abstract reserve(
    reservationId: string,
    usd: number,
    replaces: string | null,
  ): Promise<{ refusal: string | null; account: boolean }>;
  protected abstract messageCheckpointed(usage: Usage, costUsd: number, settles: string | null): void;
  protected abstract runEnded(
    runId: string,
    end: RunEnd,
    trigger: string,
    held: string | null,
  ): Promise<void>;
  protected abstract snapshotExtras(): Partial<StreamState>;
  /** Alarm work beyond the run heartbeat and approval timeouts (wait deadlines, notices). */
  protected async onAlarm(): Promise<void> {}

  // ---- what the runner uses ----

  /** The runner's view of this object: closures, so none of it becomes an RPC method. */
  private runnerHost(): RunnerHost {
    return {
      store: this.store,
      emit: (b) => this.emit(b),
      log: () => this.log,
      liveText: this.liveText,
      client: () => this.client(),
      tools: () => this.tools(),
      toolContext: (b) => this.toolContext(b),
      system: () => this.system(),
      budgeted: () => this.budgeted(),
      reserve: (id, usd, replaces) => this.reserve(id, usd, replaces),
      messageCheckpointed: (usage, cost, settles) => this.messageCheckpointed(usage, cost, settles),
      runEnded: (runId, end, trigger, held) => this.runEnded(runId, end, trigger, held),
      flush: () => this.flush(),
      heartbeat: () => this.heartbeat(),
      suspended: () => this.wakeAt(this.nextWake()),
      approvalChanged: (a) => this.approvalChanged(a),
    };
  }

  protected get log(): EventLog {
    if (!this.eventLog) {
      const c = this.store.config();
      this.eventLog = new EventLog(this.ctx.storage.sql, `${c.kind}:${c.id}`);
    }
    return this.eventLog;
  }

  /**
   * Appends an event and sends it to every watcher, in the same turn or, inside a store
   * transaction, once it completes (a rolled-back event is never sent). The runtime's output gate
   * holds the sends until the turn's implicit transaction has committed, so nothing leaves before it
   * is durable, and every event written in one turn shares one commit. (An explicit
   * `storage.sync()` per event, to batch deltas while a commit was in flight, cost more than it
   * saved: ~0.15 ms per delta.)
   */
  protected emit(body: EventBody): void {
    // Live text sent before this event reaches the log before it, in the same row (a transaction
    // takes it in first): the log keeps the order in which everything was sent, and a message's
    // text is logged in full before it completes.
    if (this.liveText.pending && !this.store.inTransaction) {
      this.store.transaction(() => this.emit(body));
      return;
    }
    this.liveText.flush();
    this.append(body);
    if (body.type === "message.completed") this.liveText.forget(body.messageId);
  }

  private append(body: EventBody): void {
    const { event, json } = this.log.append(body, this.store.inTransaction);
    this.store.afterCommit(() => this.watchers.broadcast(event, json));
    this.observe(body);
  }

  /** Sees every event this object emits (agents tell their orchestrator what they're doing). */
  protected observe(_body: EventBody): void {}
  /** …and every piece of text it streams, as it is sent (ahead of the log: DESIGN §11). */
  protected observeText(_chunk: LiveChunk): void {}

  /**
   * The model client for this object's user, for one call: their own key is looked up each time
   * (one D1 read, next to a model call), so setting or removing it applies from the next call.
   */
  protected client(): Promise<Anthropic> {
    return this.models.forUser(this.store.config().userId);
  }

  /** Sends the outbox to D1; one flush at a time, and one more if asked meanwhile. */
  protected flush(): Promise<void> {
    return this.d1.flush();
  }

  /** A flush after the turns already queued (a run's close: outbox-flusher.ts says why). */
  protected flushSoon(): Promise<void> {
    return this.d1.soon();
  }

  protected async heartbeat(): Promise<void> {
    const at = await this.ctx.storage.getAlarm();
    const want = Date.now() + RUN_LIMITS.heartbeatMs;
    if (at === null || at > want) await this.ctx.storage.setAlarm(want);
  }

  // ---- lifecycle ----

  protected initialised(): boolean {
    return this.store.get("config") !== undefined;
  }

  private resumeIfNeeded(): void {
    if (!this.initialised()) return;
    const run = this.runner.activeRun();
    // A run this instance is streaming is alive: only a restarted object recovers and resumes.
    if (!run || this.runner.isDriving) return;
    this.runner.recoverInflight();
    void this.runner.kick();
  }

  override async alarm(): Promise<void> {
    if (!this.initialised()) return;
    let failed = false;
    try {
      await this.onAlarm();
      this.runner.expireApprovals();
      this.resumeIfNeeded();
      await this.flush();
    } catch (err) {
      console.error(`${this.constructor.name} ${this.ctx.id} alarm failed`, err);
      failed = true;
    }
    const next = failed ? Date.now() + RUN_LIMITS.heartbeatMs : this.nextWake();
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /**
   * When the object must wake next: a heartbeat while a run is active or D1 rows wait, else the
   * earliest deadline of a suspended run (an approval's timeout, a wait's) — so a run waiting a
   * day for a person costs no wake-ups until then.
   */
  private nextWake(): number | null {
    const now = Date.now();
    const beat = now + RUN_LIMITS.heartbeatMs;
    const times = [this.approvals.nextExpiry(), this.deadline()];
    if (this.runner.activeRun()?.status === "active" || this.store.hasD1()) times.push(beat);
    const due = times.filter((t): t is number => t !== null);
    return due.length ? Math.max(now, Math.min(...due)) : null;
  }

  /** Sets the alarm for `at` unless one is set sooner. */
  private async wakeAt(at: number | null): Promise<void> {
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** An approval of this object changed (agents tell their orchestrator; see Agent). */
  protected approvalChanged(_a: Approval): void {}

  /** A kind's own next deadline (the orchestrator's wait timeout, an agent's undelivered notices). */
  protected deadline(): number | null {
    return null;
  }

  // ---- RPC shared by both kinds ----

  state(): StreamState {
    const c = this.store.config();
    const run = this.runner.activeRun();
    return {
      stream: this.log.stream,
      kind: c.kind,
      name: c.name,
      model: c.model,
      simulated: c.simulated,
      status: this.store.get("status") ?? "idle",
      activeRunId: run?.id ?? null,
      queued: this.store.inbox.count(),
      totals: this.store.get("totals") ?? zeroTotals(),
      contextTokens: this.store.get("contextTokens") ?? 0,
      contextWindow: c.contextWindow ?? modelInfo(c.model).contextWindow,
      ...this.snapshotExtras(),
    };
  }

  /** A page of history, parsed (tests and tools; the API uses eventsJson). */
  events(after: number, limit: number): EventsPage {
    return eventsPage(this.log, after, limit);
  }

  /** The same page as the JSON text the API sends: stored rows spliced in, never parsed. */
  eventsJson(after: number, limit: number): string {
    return eventsPageJson(this.log, after, limit);
  }

  /** `credential`: the key of the credential the caller opened it with (auth/credentials.ts). */
  sse(after: number, credential: string, deltas: SseDeltas = "sent"): ReadableStream<Uint8Array> {
    const body = this.watchers.openSse(this.log, after, credential, deltas);
    // The Worker checked the credential before this call; a revocation in between would have
    // pushed past this stream, so look once more now that it is registered (SSE has no frames).
    const userId = this.store.config().userId;
    void credentialAlive(this.env, userId, credential).then(
      (alive) => alive || this.watchers.closeCredentials(new Set([credential])),
      (err) => console.error(`${this.constructor.name} ${this.ctx.id} credential check failed`, err),
    );
    return body;
  }

  /** Ends every stream opened with one of these credentials (they were revoked): DESIGN §8. */
  closeCredentials(credentials: string[]): number {
    return this.watchers.closeCredentials(new Set(credentials));
  }

  send(text: string, clientId?: string): SendMessageResult {
    const r = this.runner.submit("user", text, { clientId });
    return { messageId: r.messageId, runId: r.runId, queued: r.queued };
  }

  /** Diagnostics: what this instance has written to D1 and to its own SQLite, and who is watching. */
  stats(): ReturnType<StreamRpc["stats"]> {
    // total_changes(): every row inserted, updated or deleted on this connection, so since this
    // instance started (the benchmarks read it before and after, and treat a drop as a restart).
    const sqliteRows = this.ctx.storage.sql.exec<{ n: number }>("SELECT total_changes() AS n").one().n;
    return {
      d1: { ...this.d1.stats },
      watchers: this.watchers.count,
      lastSeq: this.log.lastSeq,
      sqliteRows,
      firstReads: { ...this.firstReads },
    };
  }

  /** What became of a run: status, final text, usage, cost, error (null if unknown here). */
  runInfo(runId: string): RunInfo | null {
    return runInfo(this.store, this.log, runId);
  }

  /** The run that took in a message, once one has (a queued message has none yet). */
  runOfMessage(messageId: string): MessageState | null {
    return runOfMessage(this.store, messageId);
  }

  /** Test and diagnostics: recent events without going through HTTP. */
  tail(n: number): StreamEvent[] {
    return this.log.tail(n);
  }

  // ---- WebSockets ----

  /** Only upgrades: the Worker has already checked the caller owns this object. */
  override async fetch(request: Request): Promise<Response> {
    return upgrade(request, this.initialised(), (userId, credential) =>
      this.watchers.accept(userId, credential),
    );
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await handleFrame(ws, message, {
      env: this.env,
      name: `${this.constructor.name} ${this.ctx.id}`,
      resume: (after, rendersDeltas) => {
        this.watchers.drop(ws);
        Watchers.send(ws, { type: "ready", state: this.state(), lastSeq: this.log.lastSeq });
        return this.watchers.resume(ws, this.log, after, rendersDeltas);
      },
      sendAllowed: (userId, credential) => this.sendAllowed(userId, credential),
      send: (text, clientId) => this.send(text, clientId),
      interrupt: (agents) => this.interruptFromClient(agents),
      decide: (approvalId, decision, note) => this.decideApproval(approvalId, decision, note),
    });
  }

  /** The runtime already answered the peer's Close (compatibility date ≥ 2026-04-07). */
  override async webSocketClose(ws: WebSocket): Promise<void> {
    this.watchers.drop(ws);
  }

  override async webSocketError(ws: WebSocket, err: unknown): Promise<void> {
    console.error(`${this.constructor.name} ${this.ctx.id} socket error`, err);
    this.watchers.drop(ws);
  }

  /**
   * A socket send's checks: the object's own first (archived, a full queue), then the credential,
   * send rate and account budget in one D1 round trip, which also brings the reads of the run the
   * send is about to start (readAhead). A refusal sentence, or null.
   */
  protected async sendAllowed(
    userId: string,
    credential: string | undefined,
  ): Promise<{ code: SocketErrorCode; message: string } | null> {
    const local: { code: SocketErrorCode; message: string } | null = this.store.config().archived
      ? { code: "archived", message: "This orchestrator is archived; unarchive it to send messages." }
      : await this.sendRefusal();
    if (local) return (await credentialRefusal(this.env, userId, credential)) ?? local;
    const ahead = this.readAhead(userId);
    const admission = await admitSocketSend(this.env, userId, credential, ahead?.statements ?? []);
    if (admission.refusal) return admission.refusal;
    ahead?.use(admission.alongResults);
    await this.accountBudgetKnown(admission.accountBudget);
    return null;
  }

  /** Counted for stats(): how runs' first reads were made (orchestrators make them). */
  protected readonly firstReads = { ahead: 0, own: 0 };

  /** Reads the run a send starts will make, asked in the send's admission batch (orchestrators). */
  protected readAhead(
    _userId: string,
  ): { statements: D1PreparedStatement[]; use(results: D1Result[]): void } | null {
    return null;
  }

  protected abstract interruptFromClient(agents: boolean): Promise<void>;

  /** The user's decision on an approval (the orchestrator also takes its agents'). */
  abstract decideApproval(approvalId: string, decision: ApprovalDecision, note?: string): Promise<Decided>;

  /** What an admitted send learned about the user's account budget (orchestrators keep it). */
  protected async accountBudgetKnown(_has: boolean): Promise<void> {}

  /** A kind-specific reason to refuse a send (an agent's: its orchestrator archived, a full queue), checked before admission. */
  protected async sendRefusal(): Promise<{ code: SocketErrorCode; message: string } | null> {
    return null;
  }

  /** After deleteAll(): nothing held in memory may outlive the storage it mirrored. */
  protected forgetStorage(): void {
    this.store.forget();
    this.liveText.reset();
    this.eventLog = null;
  }

  protected configure(config: ObjectConfig): void {
    this.store.set("config", config);
    this.eventLog = null;
  }
}
