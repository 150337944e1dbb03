// The durable tool loop (DESIGN §5), shared by orchestrators and agents. A run is driven from its
// last checkpoint: the conversation and stored tool results say exactly where it stands, so the
// same code starts a run, continues it after tools, and resumes it after an eviction.
// This file holds the inbox policy (what starts a run, Stop's hold) and the drive loop; the steps
// and checkpoints it drives are in model-step.ts, tool-step.ts and checkpoints.ts, a run's end in
// run-end.ts, and what edit, regenerate and retry submit in resend.ts.
import type Anthropic from "@anthropic-ai/sdk";
import type { MessageState } from "../../schema/api";
import type { RunFailureCode } from "../../schema/errors";
import type {
  ArrivedInput,
  ContentBlock,
  InboxKind,
  InboxPayload,
  InboxRow,
  RunRow,
  Store,
} from "../db/store";
import { RUN_LIMITS } from "../limits";
import type { Approvals, Decided } from "./approvals";
import { Checkpoints } from "./checkpoints";
import { newId, type RunEnd, type RunnerHost } from "./host";
import { modelStep } from "./model-step";
import { planEdit, planRegenerate, planRetry, RETRY_NOTE, type Refused, type ResendPlan } from "./resend";
import { finishRun } from "./run-end";
import { findToolUse, toolStep } from "./tool-step";

export type { RunEnd, RunnerHost } from "./host";
export type { Refused } from "./resend";

/** What an input became: its message id, the run it started (null: it waits), a repeat of an earlier send. */
export type Submitted = { messageId: string; runId: string | null; queued: boolean; duplicate: boolean };
export type SubmitExtra = {
  clientId?: string;
  agentId?: string;
  taskId?: string;
} & Pick<InboxPayload, "note" | "edits" | "regenerates" | "retryOf">;

/** An inbox row as a run's start takes it in. */
type Taken = Pick<InboxRow, "id" | "kind" | "payload" | "runId">;
/** An input being submitted: not in the inbox yet (startNextIfIdle writes it). */
type Arriving = Pick<InboxRow, "id" | "kind" | "payload" | "clientId">;

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
    const id = this.store.activeRunId();
    return id ? this.store.run(id) : undefined;
  }

  /** Accepts an input; it starts a run now or waits in the inbox. Idempotent per clientId. */
  submit(kind: InboxKind, text: string, extra: SubmitExtra = {}): Submitted {
    if (extra.clientId) {
      const seen = this.seen(extra.clientId);
      if (seen) return seen;
    }
    const messageId = newId("msg");
    const inboxId = newId("in");
    const { clientId, ...rest } = extra;
    const payload: InboxPayload = { text, messageId };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) Object.assign(payload, { [k]: v });
    // One transaction takes the input in and, when it finds the object idle, starts its run: the
    // inbox row is then written taken, and message.user shares a log row with run.started.
    const runId = this.store.transaction(() => {
      if (kind === "user") {
        if (this.store.get("autoRuns")) this.store.set("autoRuns", 0);
        if (this.store.get("held")) this.setHeld(false);
      }
      // A retry adds nothing to the conversation, so there is no message to show.
      if (kind !== "agent_report" && !extra.retryOf) {
        this.host.emit({
          type: "message.user",
          messageId,
          text,
          ...(clientId ? { clientId } : {}),
          ...(extra.edits ? { edits: extra.edits } : {}),
          ...(extra.regenerates ? { regenerates: extra.regenerates } : {}),
        });
      }
      return this.startNextIfIdle({ id: inboxId, kind, payload, clientId: clientId ?? null });
    });
    return {
      messageId,
      runId: runId && this.store.activeRunId() === runId ? runId : null,
      queued: !runId,
      duplicate: false,
    };
  }

  /** The first answer to a send with this clientId, if there was one (sends are idempotent). */
  private seen(clientId: string): Submitted | null {
    const seen = this.store.input({ clientId });
    if (!seen) return null;
    return {
      messageId: seen.payload.messageId,
      runId: seen.runId,
      queued: seen.runId === null,
      duplicate: true,
    };
  }

  /**
   * Cancels a queued message before any run takes it in: it never reaches the model, and every
   * watcher hears `message.cancelled`. Cancelling it again answers the same. `started` when a run
   * already took it; null when this object has no such message (reports can't be cancelled).
   */
  cancel(messageId: string): MessageState | "started" | null {
    const row = this.store.input({ messageId });
    if (!row || row.kind === "agent_report" || row.payload.retryOf) return null;
    if (row.runId) return "started";
    if (row.consumedAt === null) {
      this.store.transaction(() => {
        this.store.inbox.take(row.id, null);
        this.host.emit({ type: "message.cancelled", messageId });
      });
    }
    return { messageId, runId: null, state: "cancelled" };
  }

  /** Edit-and-resend: `text` replaces the earlier message (resend.ts says how the model sees it). */
  edit(messageId: string, text: string, clientId?: string): Submitted | Refused {
    return this.resend(clientId, () => planEdit(this.store, messageId, text));
  }

  /** Regenerate: the earlier message again, for a fresh answer (resend.ts). */
  regenerate(messageId: string, clientId?: string): Submitted | Refused {
    return this.resend(clientId, () => planRegenerate(this.store, messageId));
  }

  /** Retry: the latest run, which failed or was stopped, goes again (resend.ts). */
  retry(runId: string, clientId?: string): Submitted | Refused {
    return this.resend(clientId, () => planRetry(this.store, runId));
  }

  /** A repeat (same clientId) answers as the first time; else the plan's user input, or its refusal. */
  private resend(clientId: string | undefined, plan: () => ResendPlan | Refused): Submitted | Refused {
    const dup = clientId ? this.seen(clientId) : null;
    if (dup) return dup;
    const p = plan();
    if ("refused" in p) return p;
    if (p.cancels) this.cancel(p.cancels);
    return this.submit("user", p.text, { clientId, ...p.extra });
  }

  /** Resume after a Stop: lets what waits in the inbox (queued messages, reports) start now. */
  release(): string | null {
    if (this.store.get("held")) {
      if (this.store.get("autoRuns")) this.store.set("autoRuns", 0);
      this.setHeld(false);
    }
    return this.startNextIfIdle();
  }

  /**
   * Starts a run for what waits in the inbox if no run is active; returns the new run id. A user
   * message (or an agent's task) goes first and takes every waiting agent report with it, so
   * reports cost no run of their own. While the object is held by a Stop nothing starts (queued
   * messages wait too, until the user's next action); reports alone start a run only while the
   * runaway guard allows. `arriving`: an input being submitted, written here, taken as it arrives
   * by the run it starts.
   */
  startNextIfIdle(arriving?: Arriving): string | null {
    const idle = !this.store.activeRunId() && !this.store.get("held");
    const pending: Taken[] = idle ? this.store.inbox.waiting() : [];
    // What is arriving is the newest input: it leads only when nothing else waits ahead of it.
    const mine: Taken | null = arriving ? { ...arriving, runId: null } : null;
    if (mine) pending.push(mine);
    const input = pending.find((p) => p.kind !== "agent_report");
    const reports = pending.filter((p) => p.kind === "agent_report");
    let start = idle && (!!input || reports.length > 0);
    if (start && !input) {
      const auto = (this.store.get("autoRuns") ?? 0) + 1;
      // Leave them queued: the next user message picks the reports up.
      if (auto > RUN_LIMITS.maxAutoRuns) start = false;
      else this.store.set("autoRuns", auto);
    }
    const runId = start ? newId("run") : null;
    if (!mine && !runId) {
      if (!idle) void this.kick();
      return null;
    }
    this.store.joined(() => {
      let arrived: ArrivedInput | undefined;
      if (arriving && mine) {
        mine.runId = runId && (mine === input || reports.includes(mine)) ? runId : null;
        // The input of the run it starts (a user message or a task, not a retry: its
        // `message.user` goes in the log just before `run.started`) is kept in the run's row.
        // Anything else is one inbox row: waiting, or taken by the run it starts with (a report).
        if (mine.runId && mine === input && !arriving.payload.retryOf)
          arrived = { kind: arriving.kind, payload: arriving.payload, clientId: arriving.clientId ?? null };
        else
          this.store.inbox.add(
            arriving.id,
            arriving.kind,
            arriving.payload,
            arriving.clientId ?? undefined,
            mine.runId,
          );
      }
      if (runId) this.begin(runId, input, reports, arrived);
    });
    // Driven once the transaction it started in (or the one it arrived in) has committed.
    if (runId || !idle) this.store.afterCommit(() => void this.kick());
    return runId;
  }

  /**
   * A run's start, inside the caller's transaction: its row, the inputs it takes in (one written
   * taken by this run as it arrived is left as it is; `arrived`, one the run's row keeps), its first
   * user turn and `run.started`.
   */
  private begin(runId: string, input: Taken | undefined, reports: Taken[], arrived?: ArrivedInput): void {
    const lead = input ?? reports[0]!;
    const trigger = lead.kind === "user" ? "user" : lead.kind === "task" ? "task" : "agent_report";
    const retryOf = input?.payload.retryOf;
    this.store.insertRun(runId, trigger, arrived);
    for (const item of [...reports, ...(input ? [input] : [])]) {
      if (item.runId !== runId) this.store.inbox.take(item.id, runId);
    }
    const blocks: ContentBlock[] = reports.map((r) => ({ type: "text", text: r.payload.text }));
    if (input && !retryOf) {
      if (input.payload.note) blocks.push({ type: "text", text: input.payload.note });
      blocks.push({ type: "text", text: input.payload.text });
    } else if (retryOf && this.store.conversation().at(-1)?.role === "assistant") {
      // The stopped run's reply was cut off: the model must be asked, or the run would end at once.
      blocks.push({ type: "text", text: RETRY_NOTE });
    }
    if (blocks.length) this.store.appendMessage(runId, lead.payload.messageId, "user", blocks);
    this.host.emit({
      type: "run.started",
      runId,
      trigger,
      ...(reports.length ? { reports: reports.map((r) => r.payload.agentId ?? "") } : {}),
      ...(input && !retryOf ? { messageId: input.payload.messageId } : {}),
      ...(retryOf ? { retryOf } : {}),
    });
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
      // One turn of the event loop first: the input's transaction has just committed, and what this
      // run's start does next (heartbeat, first reads, building the request) queues behind the
      // deltas of streams already running instead of ahead of them. With 50 runs starting together
      // on one thread that cut the first second's p99 from 100–270 ms to 12–17 ms (bench/stream).
      await new Promise((resolve) => setTimeout(resolve, 0));
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
    // A run started while this one was being stopped (an interrupt before its drive began) was
    // not driven by its own kick: drive it now rather than at the next heartbeat.
    const next = this.activeRun();
    if (!next) this.startNextIfIdle();
    else if (next.id !== run.id) void this.kick();
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
      this.host.emit({ type: "inbox.held", held, queuedReports: this.store.inbox.count("agent_report") });
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
      const ended = await modelStep(this.host, this.env, this.cp, run, abort, (end) =>
        this.finish(runId, end),
      );
      if (ended) return this.finish(runId, ended.end, ended.error);
    }
  }

  /** Ends a run with exactly one terminal event (run-end.ts). */
  finish(runId: string, end: RunEnd, error?: { code: RunFailureCode; message: string }): void {
    finishRun(this.host, this.cp, this.approvals, runId, end, error);
  }
}
