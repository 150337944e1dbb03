// The durable tool loop (DESIGN §5), shared by orchestrators and agents. A run is driven from its
// last checkpoint: the conversation and stored tool results say exactly where it stands, so the
// same code starts a run, continues it after tools, and resumes it after an eviction.
import type Anthropic from "@anthropic-ai/sdk";
import type { RunFailureCode } from "../../schema/errors";
import { type EventBody, type Usage, zeroTotals } from "../../schema/events";
import { addUsage, roundUsd } from "../../schema/money";
import { queueD1 } from "../db/outbox";
import type { ContentBlock, InboxKind, InboxPayload, RunRow, Store } from "../db/store";
import { RUN_LIMITS } from "../limits";
import { costUsd, modelInfo, reservationUsd } from "../llm/prices";
import { compactIfNeeded } from "./compaction";
import { buildMessages, withCacheBreakpoints } from "./messages";
import { CallFailed, CallInterrupted, callModel } from "./model-call";
import { runTool, type Tool, type ToolContext, type ToolOutcome, truncateOutput } from "./tool";

export type RunEnd = "completed" | "failed" | "interrupted";

type ToolCallRef = { id: string; name: string; input: unknown; messageId: string };

export interface RunnerHost {
  readonly store: Store;
  emit(body: EventBody): void;
  client(): Anthropic;
  tools(): Tool[];
  toolContext(base: ToolContext): ToolContext;
  system(): string;
  /**
   * Holds `usd` of every budget above this call under `reservationId` (replacing `replaces`, a
   * reservation of a call that never billed). `account`: whether a D1 account reservation was
   * made, which the object's outbox releases with the call's billing.
   */
  reserve(
    reservationId: string,
    usd: number,
    replaces: string | null,
  ): Promise<{ refusal: string | null; account: boolean }>;
  /** After each billed call is checkpointed; `settles` is the reservation its usage replaces. */
  messageCheckpointed(usage: Usage, costUsd: number, settles: string | null): Promise<void>;
  /** `held`: a reservation the run still held at its end (a call that never billed), to release. */
  runEnded(runId: string, end: RunEnd, trigger: string, held: string | null): Promise<void>;
  flush(): Promise<void>;
  heartbeat(): Promise<void>;
}

const newId = (prefix: string) => `${prefix}_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;

export class Runner {
  private driving = false;
  private abort: AbortController | null = null;
  /** Settles when the run being driven stops (see whenIdle). */
  private drivingDone: Promise<void> | null = null;

  constructor(
    private readonly host: RunnerHost,
    private readonly env: Env,
  ) {}

  private get store(): Store {
    return this.host.store;
  }

  activeRun(): RunRow | undefined {
    const id = this.store.get("activeRunId");
    return id ? this.store.run(id) : undefined;
  }

  /** Accepts an input; it starts a run now or waits in the inbox. Idempotent per clientId. */
  submit(
    kind: InboxKind,
    text: string,
    extra: { clientId?: string; agentId?: string; taskId?: string } = {},
  ) {
    if (extra.clientId) {
      const seen = this.store.inboxByClientId(extra.clientId);
      if (seen) {
        const payload = seen.payload as InboxPayload;
        return {
          messageId: payload.messageId,
          runId: seen.runId,
          queued: seen.runId === null,
          duplicate: true,
        };
      }
    }
    const messageId = newId("msg");
    const inboxId = newId("in");
    this.store.transaction(() => {
      this.store.enqueue(
        inboxId,
        kind,
        { text, messageId, agentId: extra.agentId, taskId: extra.taskId },
        extra.clientId,
      );
      if (kind === "user") {
        this.store.set("autoRuns", 0);
        if (this.store.get("held")) this.setHeld(false);
      }
      if (kind !== "agent_report") {
        this.host.emit({
          type: "message.user",
          messageId,
          text,
          ...(extra.clientId ? { clientId: extra.clientId } : {}),
        });
      }
    });
    const runId = this.startNextIfIdle();
    return {
      messageId,
      runId: runId && this.store.get("activeRunId") === runId ? runId : null,
      queued: !runId,
      duplicate: false,
    };
  }

  /**
   * Starts a run for what waits in the inbox if no run is active; returns the new run id. A user
   * message (or an agent's task) goes first and takes every waiting agent report with it, so
   * reports cost no run of their own. Reports alone start a run only while the object isn't held
   * by a Stop and the runaway guard allows.
   */
  startNextIfIdle(): string | null {
    if (this.store.get("activeRunId")) {
      void this.kick();
      return null;
    }
    const pending = this.store.pendingInboxRows();
    const input = pending.find((p) => p.kind !== "agent_report");
    const reports = pending.filter((p) => p.kind === "agent_report");
    if (!input) {
      if (!reports.length || this.store.get("held")) return null;
      const auto = (this.store.get("autoRuns") ?? 0) + 1;
      // Leave them queued: the next user message picks the reports up.
      if (auto > RUN_LIMITS.maxAutoRuns) return null;
      this.store.set("autoRuns", auto);
    }
    const lead = input ?? reports[0]!;
    const runId = newId("run");
    const trigger = lead.kind === "user" ? "user" : lead.kind === "task" ? "task" : "agent_report";
    const taken = [...reports, ...(input ? [input] : [])];
    this.store.transaction(() => {
      this.store.insertRun(runId, trigger);
      for (const item of taken) this.store.consumeInbox(item.id, runId);
      this.store.appendMessage(
        runId,
        lead.payload.messageId,
        "user",
        taken.map((item) => ({ type: "text", text: item.payload.text })),
      );
      this.store.set("activeRunId", runId);
      this.host.emit({
        type: "run.started",
        runId,
        trigger,
        ...(reports.length ? { reports: reports.map((r) => r.payload.agentId ?? "") } : {}),
      });
    });
    void this.kick();
    return runId;
  }

  /** Makes sure the active run is being driven (after a wake, an alarm or a new input). */
  async kick(): Promise<void> {
    const run = this.activeRun();
    if (!run || this.driving || run.status !== "active") return;
    this.driving = true;
    let done = () => {};
    this.drivingDone = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await this.host.heartbeat();
      await this.drive(run.id);
    } catch (err) {
      console.error(`run ${run.id} crashed`, err);
      this.finish(run.id, "failed", {
        code: "internal_error",
        message: "The run stopped because of an internal error.",
      });
    } finally {
      this.driving = false;
      this.abort = null;
      this.drivingDone = null;
      done();
    }
    if (!this.store.get("activeRunId")) this.startNextIfIdle();
  }

  /** Resolves once no run is being driven here (after an interrupt has landed its terminal event). */
  async whenIdle(): Promise<void> {
    while (this.drivingDone) await this.drivingDone;
  }

  /** Whether this instance is driving a run right now (a heartbeat must not disturb it). */
  get isDriving(): boolean {
    return this.driving;
  }

  /**
   * After a restart: a message that was streaming when the object died is recorded as aborted and
   * billed honestly — its input as reported at message_start, its output estimated from the text
   * it streamed into the log (≈ 4 characters a token), through the normal recording path.
   */
  recoverInflight(): void {
    if (this.driving) return;
    const inflight = this.store.get("inflight");
    if (!inflight) return;
    const streamed =
      this.store.sql
        .exec<{ chars: number | null }>(
          `SELECT SUM(length(json_extract(body, '$.text'))) AS chars FROM events
           WHERE type IN ('text.delta', 'thinking.delta') AND json_extract(body, '$.messageId') = ?`,
          inflight.messageId,
        )
        .one().chars ?? 0;
    const base = inflight.usage ?? {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    };
    const usage = { ...base, outputTokens: Math.max(base.outputTokens, Math.ceil(streamed / 4)) };
    const cost = costUsd(this.store.config().model, usage);
    // Tool calls it had begun streaming are closed on the stream; none of them will run.
    const open = this.store.sql
      .exec<{ id: string }>(
        `SELECT json_extract(body, '$.toolUseId') AS id FROM events
         WHERE type = 'tool.started' AND json_extract(body, '$.messageId') = ?1
           AND json_extract(body, '$.toolUseId') NOT IN (SELECT json_extract(body, '$.toolUseId') FROM events
             WHERE type = 'tool.result' AND seq > (SELECT MIN(seq) FROM events WHERE type = 'message.started'
               AND json_extract(body, '$.messageId') = ?1))`,
        inflight.messageId,
      )
      .toArray();
    for (const { id } of open) {
      this.host.emit({
        type: "tool.result",
        toolUseId: id,
        isError: true,
        content: "Not run: the response was cut off before this call was complete.",
        ms: 0,
      });
    }
    // The call is made again when the run resumes, under a reservation that replaces this one.
    this.recordMessage(inflight.runId, inflight.messageId, [], "aborted", usage, cost, false);
    void this.host.messageCheckpointed(usage, cost, null).then(() => this.host.flush());
  }

  /**
   * The user's Stop: from now on nothing starts on its own; reports wait for their next message,
   * which releases the hold and takes them in.
   */
  hold(): void {
    if (!this.store.get("held")) this.setHeld(true);
  }

  private setHeld(held: boolean): void {
    this.store.transaction(() => {
      this.store.set("held", held);
      this.host.emit({ type: "inbox.held", held, queuedReports: this.store.pendingInbox("agent_report") });
    });
  }

  /** Stops the active run at once: aborts the stream, or ends a suspended wait. */
  interrupt(): boolean {
    const run = this.activeRun();
    if (!run) return false;
    if (this.driving && this.abort) {
      this.abort.abort(new Error("interrupted"));
      return true;
    }
    this.finish(run.id, "interrupted");
    this.startNextIfIdle();
    return true;
  }

  /** Resolves a suspended tool call (wait_for_agents) and continues the run. */
  resolveWait(toolUseId: string, content: string): void {
    const run = this.activeRun();
    if (!run) return;
    const since = this.store.get("waiting")?.since;
    this.store.transaction(() => {
      this.saveResult(run.id, this.findToolUse(toolUseId), { content }, since ? Date.now() - since : 0);
      this.store.setRunStatus(run.id, "active");
      this.store.set("waiting", null);
    });
    void this.kick();
  }

  private async drive(runId: string): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    for (;;) {
      const run = this.store.run(runId);
      if (run?.status !== "active") return;
      if (abort.signal.aborted) return this.finish(runId, "interrupted");
      const conv = this.store.conversation();
      const last = conv[conv.length - 1];
      if (last?.role === "assistant") {
        const uses = last.content.filter((b): b is Anthropic.ToolUseBlockParam => b.type === "tool_use");
        if (!uses.length) return this.finish(runId, "completed");
        const suspended = await this.runTools(runId, last.messageId, uses, abort.signal);
        if (abort.signal.aborted) return this.finish(runId, "interrupted");
        if (suspended) return;
        continue;
      }
      if (run.steps >= (this.store.config().maxSteps ?? RUN_LIMITS.maxStepsPerRun)) {
        return this.finish(runId, "failed", {
          code: "step_limit",
          message: `The run reached its limit of ${run.steps} model calls.`,
        });
      }
      await this.callOnce(run, abort);
      if (!this.store.get("activeRunId")) return;
    }
  }

  private async callOnce(run: RunRow, abort: AbortController): Promise<void> {
    const config = this.store.config();
    const tools = this.host.tools();
    const compaction = await compactIfNeeded(this.host, run.id, {
      reserve: (usd) => this.reserveCall(usd),
      billed: (messageId, usage, cost) => this.billSide(run.id, messageId, usage, cost),
      failed: () => this.releaseUnbilled(),
    });
    if (compaction.refusal) {
      return this.finish(run.id, "failed", { code: "budget_exceeded", message: compaction.refusal });
    }
    const maxTokens = config.maxTokens ?? Math.min(RUN_LIMITS.maxTokens, modelInfo(config.model).maxOutput);
    const params = withCacheBreakpoints({
      model: config.model,
      max_tokens: maxTokens,
      system: this.host.system(),
      tools,
      messages: buildMessages(this.store.conversation()),
    });
    const estimatedInput = Math.ceil(JSON.stringify(params).length / 4);
    const refusal = await this.reserveCall(reservationUsd(config.model, estimatedInput, maxTokens));
    if (refusal) return this.finish(run.id, "failed", { code: "budget_exceeded", message: refusal });

    const messageId = newId("msg");
    try {
      const out = await callModel(
        {
          client: this.host.client(),
          params,
          messageId,
          signal: abort.signal,
          idleTimeoutMs: Number(this.env.LLM_IDLE_TIMEOUT_MS || 60_000),
          retryBaseMs: Number(this.env.LLM_RETRY_BASE_MS || 1000),
          maxAttempts: RUN_LIMITS.maxAttempts,
        },
        {
          emit: (b) => this.host.emit(b),
          onAttemptStart: (id, usage) => this.store.set("inflight", { runId: run.id, messageId: id, usage }),
          // Billed, but the retry still runs under the call's reservation.
          onAttemptAborted: (a, reason) =>
            this.recordMessage(run.id, a.messageId, a.content, reason, a.usage, a.costUsd, false),
        },
      );
      const settles = this.recordMessage(
        run.id,
        out.messageId,
        out.content,
        out.stopReason,
        out.usage,
        out.costUsd,
        true,
        true,
      );
      await this.host.messageCheckpointed(out.usage, out.costUsd, settles);
      await this.host.flush();
      if (out.stopReason === "max_tokens" && !out.content.some((b) => b.type === "tool_use")) {
        // Let the model continue where it was cut off rather than ending mid-sentence.
        this.store.appendMessage(run.id, newId("msg"), "user", [{ type: "text", text: "Continue." }]);
      }
    } catch (err) {
      if (err instanceof CallInterrupted) {
        if (err.partial) {
          const p = err.partial;
          const settles = this.recordMessage(
            run.id,
            p.messageId,
            p.content,
            "interrupted",
            p.usage,
            p.costUsd,
            p.content.length > 0,
            true,
          );
          await this.host.messageCheckpointed(p.usage, p.costUsd, settles);
        }
        return this.finish(run.id, "interrupted");
      }
      if (err instanceof CallFailed)
        return this.finish(run.id, "failed", { code: err.code, message: err.message });
      throw err;
    }
  }

  /**
   * Reserves a call's worst case at every budget above it, before the call. The reservation is
   * stored first, so a restart knows to replace it; one left by a call that never billed is.
   */
  private async reserveCall(usd: number): Promise<string | null> {
    const prev = this.store.get("reservation") ?? null;
    const id = newId("rsv");
    this.store.transaction(() => {
      if (prev?.account) queueD1(this.store, { kind: "release", ids: [prev.id] });
      this.store.set("reservation", { id, account: false });
    });
    const r = await this.host.reserve(id, usd, prev?.id ?? null);
    this.store.set("reservation", r.refusal ? null : { id, account: r.account });
    if (r.refusal || prev?.account) await this.host.flush();
    return r.refusal;
  }

  /** A reservation whose call ended without billing: dropped here and in D1 (now, not at expiry). */
  private releaseUnbilled(): string | null {
    const held = this.store.get("reservation") ?? null;
    if (!held) return null;
    this.store.transaction(() => {
      if (held.account) queueD1(this.store, { kind: "release", ids: [held.id] });
      this.store.set("reservation", null);
    });
    return held.id;
  }

  /** A billed call outside the conversation (a compaction summary): usage, totals, ledger. */
  private async billSide(runId: string, messageId: string, usage: Usage, cost: number): Promise<void> {
    const settles = this.recordMessage(runId, messageId, [], "compaction", usage, cost, false, true, false);
    await this.host.messageCheckpointed(usage, cost, settles);
  }

  /**
   * Checkpoint: the assistant message, its usage and its D1 rows, in one transaction. With
   * `settle`, the call's reservation ends here: its D1 release rides in the same outbox batch as
   * the billed row, so the account never sees the hold and the spend both, or neither. Returns the
   * settled reservation id.
   */
  private recordMessage(
    runId: string,
    messageId: string,
    content: ContentBlock[],
    stopReason: string,
    usage: Usage,
    costUsd: number,
    keep: boolean,
    settle = false,
    announce = true,
  ): string | null {
    const config = this.store.config();
    const now = Date.now();
    return this.store.transaction(() => {
      const kept = content.filter((b) => b.type !== "text" || b.text.length > 0);
      if (keep && kept.length) this.store.appendMessage(runId, messageId, "assistant", kept);
      this.store.addRunUsage(runId, usage, costUsd);
      const totals = this.store.get("totals") ?? zeroTotals();
      this.store.set("totals", { ...addUsage(totals, usage), costUsd: roundUsd(totals.costUsd + costUsd) });
      const contextTokens =
        usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens;
      if (keep) this.store.set("contextTokens", contextTokens);
      this.store.set("inflight", null);
      if (announce) this.host.emit({ type: "message.completed", messageId, stopReason, usage, costUsd });
      const agentId = config.kind === "agent" ? config.id : null;
      const base = { userId: config.userId, orchestratorId: config.orchestratorId, agentId, runId };
      queueD1(this.store, {
        kind: "message",
        row: {
          ...base,
          id: messageId,
          role: "assistant",
          content: kept,
          model: config.model,
          stopReason,
          createdAt: now,
          ...usage,
          costUsd,
        },
      });
      for (const b of kept) {
        if (b.type === "tool_use") {
          queueD1(this.store, {
            kind: "tool_call",
            row: { ...base, id: b.id, messageId, name: b.name, input: b.input ?? {}, createdAt: now },
          });
        }
      }
      return settle ? this.releaseUnbilled() : null;
    });
  }

  /** Runs the message's tool calls in parallel; stored results are reused, never re-executed. */
  private async runTools(
    runId: string,
    messageId: string,
    uses: Anthropic.ToolUseBlockParam[],
    signal: AbortSignal,
  ): Promise<boolean> {
    const tools = new Map(this.host.tools().map((t) => [t.name, t]));
    const config = this.store.config();
    type Suspend = { toolUseId: string; names: string[]; deadline: number; since: number };
    let suspend: Suspend | null = null;
    const phases = [...new Set(uses.map((u) => tools.get(u.name)?.phase ?? 1))].sort((a, b) => a - b);
    for (const phase of phases) {
      if (signal.aborted) break;
      await Promise.all(
        uses
          .filter((u) => (tools.get(u.name)?.phase ?? 1) === phase)
          .map(async (use) => {
            if (this.store.toolResult(use.id)) return;
            const started = Date.now();
            const tool = tools.get(use.name);
            let outcome: ToolOutcome;
            if (!tool) outcome = { content: `There is no tool named ${use.name}.`, isError: true };
            else {
              const ctx = this.host.toolContext({
                env: this.env,
                config,
                toolUseId: use.id,
                runId,
                signal,
                emit: (b) => this.host.emit(b),
              });
              outcome = await runTool(tool, use.input, ctx);
            }
            if ("suspend" in outcome) {
              suspend = { toolUseId: use.id, ...outcome.suspend, since: started };
              return;
            }
            this.saveResult(
              runId,
              { id: use.id, name: use.name, input: use.input, messageId },
              outcome,
              Date.now() - started,
            );
          }),
      );
    }
    if (suspend && !signal.aborted) {
      const s: Suspend = suspend;
      this.store.transaction(() => {
        this.store.setRunStatus(runId, "waiting");
        this.store.set("waiting", {
          runId,
          toolUseId: s.toolUseId,
          names: s.names,
          deadline: s.deadline,
          since: s.since,
        });
      });
      await this.host.flush();
      await this.host.heartbeat();
      return true;
    }
    // Every tool has a result: checkpoint them as the next user turn.
    const results: ContentBlock[] = uses.map((use) => {
      const r = this.store.toolResult(use.id);
      return {
        type: "tool_result",
        tool_use_id: use.id,
        content: r?.content ?? "No result.",
        is_error: r?.isError ?? true,
      };
    });
    this.store.appendMessage(runId, newId("tr"), "user", results);
    await this.host.flush();
    return false;
  }

  /** The call a suspended result answers, from the checkpointed assistant message. */
  private findToolUse(toolUseId: string): ToolCallRef {
    const conv = this.store.conversation();
    for (let i = conv.length - 1; i >= 0; i--) {
      const m = conv[i]!;
      for (const b of m.content) {
        if (b.type === "tool_use" && b.id === toolUseId)
          return { id: b.id, name: b.name, input: b.input, messageId: m.messageId };
      }
    }
    return { id: toolUseId, name: "wait_for_agents", input: {}, messageId: "" };
  }

  /** Stores a tool's result (the exactly-once record), announces it, and queues its complete D1 row. */
  private saveResult(
    runId: string,
    call: ToolCallRef,
    outcome: { content: string; isError?: boolean },
    ms: number,
  ) {
    if (this.store.toolResult(call.id)) return;
    const { content, truncated } = truncateOutput(outcome.content);
    const isError = outcome.isError ?? false;
    const config = this.store.config();
    const now = Date.now();
    this.store.transaction(() => {
      this.store.saveToolResult({
        toolUseId: call.id,
        runId,
        name: call.name,
        content,
        isError,
        ms,
        createdAt: now,
      });
      this.host.emit({
        type: "tool.result",
        toolUseId: call.id,
        isError,
        content,
        ms,
        ...(truncated ? { truncated } : {}),
      });
      queueD1(this.store, {
        kind: "tool_call",
        row: {
          id: call.id,
          userId: config.userId,
          orchestratorId: config.orchestratorId,
          agentId: config.kind === "agent" ? config.id : null,
          runId,
          messageId: call.messageId,
          name: call.name,
          input: call.input ?? {},
          result: content,
          isError,
          ms,
          createdAt: now,
        },
      });
    });
  }

  /**
   * A run that ends mid-tools still leaves a consistent conversation: every tool call answered,
   * and announced, so no tool card outlives its run. A wait reports how long it waited.
   */
  private closeDanglingToolCalls(runId: string, end: RunEnd): void {
    const conv = this.store.conversation();
    const last = conv[conv.length - 1];
    if (last?.role !== "assistant") return;
    const uses = last.content.filter((b): b is Anthropic.ToolUseBlockParam => b.type === "tool_use");
    if (!uses.length) return;
    const waiting = this.store.get("waiting");
    const why = end === "interrupted" ? "the turn was interrupted" : "the run ended";
    for (const use of uses) {
      if (this.store.toolResult(use.id)) continue;
      const waited = waiting?.toolUseId === use.id && waiting.since ? Date.now() - waiting.since : 0;
      this.saveResult(
        runId,
        { id: use.id, name: use.name, input: use.input, messageId: last.messageId },
        {
          content: waited ? `Stopped waiting: ${why}.` : `Not run: ${why}.`,
          isError: true,
        },
        waited,
      );
    }
    const results: ContentBlock[] = uses.map((use) => {
      const r = this.store.toolResult(use.id)!;
      return { type: "tool_result", tool_use_id: use.id, content: r.content, is_error: r.isError };
    });
    this.store.appendMessage(runId, newId("tr"), "user", results);
  }

  /** Ends a run with exactly one terminal event. */
  finish(runId: string, end: RunEnd, error?: { code: RunFailureCode; message: string }): void {
    const run = this.store.run(runId);
    if (!run || run.status === "completed" || run.status === "failed" || run.status === "interrupted") return;
    let held: string | null = null;
    this.store.transaction(() => {
      this.closeDanglingToolCalls(runId, end);
      this.store.setRunStatus(runId, end);
      if (this.store.get("activeRunId") === runId) this.store.set("activeRunId", null);
      this.store.set("waiting", null);
      this.store.set("inflight", null);
      held = this.releaseUnbilled();
      const fresh = this.store.run(runId)!;
      const usage = {
        inputTokens: fresh.inputTokens,
        outputTokens: fresh.outputTokens,
        cacheReadTokens: fresh.cacheReadTokens,
        cacheWriteTokens: fresh.cacheWriteTokens,
      };
      if (end === "completed")
        this.host.emit({
          type: "run.completed",
          runId,
          usage,
          costUsd: Math.round(fresh.costUsd * 1e6) / 1e6,
        });
      else if (end === "failed")
        this.host.emit({
          type: "run.failed",
          runId,
          error: error ?? { code: "internal_error", message: "The run failed." },
        });
      else this.host.emit({ type: "run.interrupted", runId });
    });
    void this.host
      .runEnded(runId, end, run.trigger, held)
      .catch((err) => console.error("runEnded hook failed", err));
  }
}
