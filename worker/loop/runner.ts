// The durable tool loop (DESIGN §5), shared by orchestrators and agents. A run is driven from its
// last checkpoint: the conversation and stored tool results say exactly where it stands, so the
// same code starts a run, continues it after tools, and resumes it after an eviction.
// This file holds the inbox policy (what starts a run, Stop's hold) and the drive loop; the steps
// and checkpoints it drives are in model-step.ts, tool-step.ts and checkpoints.ts.
import type Anthropic from "@anthropic-ai/sdk";
import type { RunFailureCode } from "../../schema/errors";
import type { InboxKind, InboxPayload, RunRow, Store } from "../db/store";
import { RUN_LIMITS } from "../limits";
import type { Approvals, Decided } from "./approvals";
import { Checkpoints } from "./checkpoints";
import { newId, type RunEnd, type RunnerHost } from "./host";
import { modelStep } from "./model-step";
import { findToolUse, toolStep } from "./tool-step";

export type { RunEnd, RunnerHost } from "./host";

export class Runner {
  private driving = false;
  private abort: AbortController | null = null;
  /** Settles when the run being driven stops (see whenIdle). */
  private drivingDone: Promise<void> | null = null;

  private readonly cp: Checkpoints;

  constructor(
    private readonly host: RunnerHost,
    private readonly env: Env,
    readonly approvals: Approvals,
  ) {
    this.cp = new Checkpoints(host);
  }

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
   * billed honestly, and its begun tool calls are closed (see Checkpoints.recoverInflight).
   */
  recoverInflight(): void {
    if (!this.driving) this.cp.recoverInflight();
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

  /**
   * A decision on one of this object's approvals (the user's, or a timeout). When the suspended
   * run has nothing else pending it goes on: an approved call runs, a denied one is answered.
   */
  resolveApproval(
    approvalId: string,
    decision: "approve" | "deny",
    by: "user" | "timeout",
    note?: string,
  ): Decided {
    const r = this.approvals.decide(approvalId, decision, by, note);
    if (!("approval" in r) || !r.approval || "error" in r) return r;
    this.host.approvalChanged(r.approval);
    this.continueIfUnblocked();
    return r;
  }

  /** Denies approvals whose time is up (the alarm), and goes on if that unblocked the run. */
  expireApprovals(now = Date.now()): void {
    const due = this.approvals.pending().filter((a) => a.expiresAt <= now);
    for (const a of due) this.resolveApproval(a.approvalId, "deny", "timeout");
  }

  private continueIfUnblocked(): void {
    const run = this.activeRun();
    if (run?.status !== "waiting") return;
    if (this.store.get("waiting") || this.approvals.pending().some((a) => a.runId === run.id)) return;
    this.store.setRunStatus(run.id, "active");
    void this.kick();
  }

  /** Stops the active run at once: aborts the stream, or ends a suspended wait. */
  interrupt(): boolean {
    const run = this.activeRun();
    // Pending approvals are denied by the interrupt, whatever happens to the run.
    for (const a of this.approvals.denyAll("interrupt")) this.host.approvalChanged(a);
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
      this.cp.saveResult(
        run.id,
        findToolUse(this.store, toolUseId),
        { content },
        since ? Date.now() - since : 0,
      );
      this.store.set("waiting", null);
    });
    this.continueIfUnblocked();
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
      // A turn paused by the API (pause_turn) is continued by the model step below, not ended.
      if (last?.role === "assistant" && this.store.get("pausedTurn") !== last.messageId) {
        const uses = last.content.filter((b): b is Anthropic.ToolUseBlockParam => b.type === "tool_use");
        if (!uses.length) return this.finish(runId, "completed");
        const suspended = await toolStep(
          this.host,
          this.env,
          this.cp,
          this.approvals,
          runId,
          last.messageId,
          uses,
          abort.signal,
        );
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
      const ended = await modelStep(this.host, this.env, this.cp, run, abort);
      if (ended) return this.finish(runId, ended.end, ended.error);
    }
  }

  /** Ends a run with exactly one terminal event. */
  finish(runId: string, end: RunEnd, error?: { code: RunFailureCode; message: string }): void {
    const run = this.store.run(runId);
    if (!run || run.status === "completed" || run.status === "failed" || run.status === "interrupted") return;
    let held: string | null = null;
    this.store.transaction(() => {
      this.cp.closeDanglingToolCalls(runId, end);
      this.store.setRunStatus(runId, end);
      if (this.store.get("activeRunId") === runId) this.store.set("activeRunId", null);
      this.store.set("waiting", null);
      this.store.set("inflight", null);
      held = this.cp.releaseUnbilled();
      this.approvals.prune();
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
