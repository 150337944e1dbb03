// An agent: one Durable Object per agent, running tasks from its orchestrator through the shared
// loop, with the workspace tools. It reports status, usage, file changes and results upward.

import type { SocketErrorCode } from "../../schema/errors";
import type { ApprovalDecision, EventBody } from "../../schema/events";
import { type StreamState, type Totals, type Usage, zeroTotals } from "../../schema/events";
import type { Approval } from "../db/store-types";
import { Workspace } from "../db/workspace/workspace";
import { RUN_LIMITS, TEAM_LIMITS } from "../limits";
import type { LiveChunk } from "../loop/live-text";
import type { RunEnd } from "../loop/runner";
import type { Tool, ToolContext } from "../loop/tool";
import { decide } from "../policy/tool-policy";
import { type AgentToolContext, toolsForAgent } from "../tools/agent-tools";
import { connectorTools } from "../tools/mcp/tools";
import { ActivityTracker } from "./activity";
import { LoopObject } from "./loop-object";
import type { AgentInit, AgentNotice, AgentSettings, NumberedNotice } from "./notices";
import type { AgentRpc } from "./rpc";
import { orchestratorStub } from "./stubs";

const PREAMBLE = `You are an agent in a team run by an orchestrator. You work in a shared workspace of files
that other agents and the user can see. Use the tools to do the task you are given; write your work
to files where it helps. When the task is done, call \`report\` with a short result (what you did and
where it is), then end your turn. Be concise.`;

export class Agent extends LoopObject implements AgentRpc {
  /** Idempotent: the orchestrator may retry it after a restart. */
  async init(init: AgentInit): Promise<void> {
    if (this.initialised()) return;
    this.configure({
      kind: "agent",
      id: init.id,
      userId: init.userId,
      orchestratorId: init.orchestratorId,
      name: init.name,
      model: init.model,
      system: init.instructions,
      budgetUsd: null,
      simulated: init.simulated,
      tools: init.tools,
      ...init.settings,
    });
    this.store.set("status", "idle");
  }

  /** The orchestrator's tool policy, thinking and approval timeout, as they change. */
  async applySettings(settings: AgentSettings): Promise<void> {
    if (!this.initialised()) return;
    this.configure({ ...this.store.config(), ...settings });
  }

  /** The user's decision on one of this agent's approvals (through its orchestrator or own socket). */
  async decideApproval(approvalId: string, decision: ApprovalDecision, note?: string) {
    if (!this.initialised()) return { error: "not_found" as const };
    return this.runner.resolveApproval(approvalId, decision, "user", note);
  }

  /** A pending approval makes the agent `waiting`; its decision lets it go on. */
  protected override approvalChanged(a: Approval): void {
    this.notify({ kind: "approval", approval: a });
    const pending = this.approvals.pending();
    if (pending.length) this.setStatus("waiting", `waiting for approval to run ${pending[0]!.name}`);
    else if (this.store.get("status") === "waiting" && this.runner.activeRun())
      this.setStatus("executing", `${a.status === "approved" ? "approved" : "denied"}: ${a.name}`);
  }

  /**
   * Queues a task; idempotent per taskId (the orchestrator's tool_use_id). Refused when a Stop
   * all newer than the sender's view (`stopGen`) has arrived here first, or the queue is full.
   */
  async startTask(
    taskId: string,
    text: string,
    stopGen = 0,
  ): Promise<{ accepted: boolean; queued: boolean; reason?: string }> {
    if (!this.initialised() || this.store.get("deleted")) {
      return { accepted: false, queued: false, reason: "The agent no longer exists." };
    }
    if (this.store.input({ clientId: taskId })) return { accepted: true, queued: false };
    if (stopGen < (this.store.get("stopGen") ?? 0)) {
      return { accepted: false, queued: false, reason: "Not sent: the user stopped all agents." };
    }
    const refusal = this.queueFull();
    if (refusal) return { accepted: false, queued: false, reason: refusal };
    const queued = this.accept(taskId, text);
    return { accepted: true, queued };
  }

  /** A message sent on the agent's own socket is a task from the user, like POST …/messages. */
  override send(text: string, clientId?: string) {
    const taskId = `user_${clientId ?? crypto.randomUUID()}`;
    // The socket checked queueFull() through sendRefusal() before calling this.
    if (!this.store.input({ clientId: taskId })) this.accept(taskId, text, false);
    const r = this.runner.submit("task", text, { clientId: taskId, taskId });
    return { messageId: r.messageId, runId: r.runId, queued: r.queued };
  }

  /**
   * Sends on the agent's own socket pass the same checks as POST …/agents/:id/messages, which
   * include the orchestrator's archived status (it lives in D1, not in this object's config) and
   * the agent's queue. The base class says a dead credential before either.
   */
  protected override async sendRefusal(): Promise<{ code: SocketErrorCode; message: string } | null> {
    const orchestrator = await this.env.DB.prepare("SELECT status FROM orchestrators WHERE id = ?1")
      .bind(this.store.config().orchestratorId)
      .first<{ status: string }>();
    if (orchestrator?.status === "archived") {
      return { code: "archived", message: "This orchestrator is archived; unarchive it to send messages." };
    }
    const full = this.queueFull();
    return full ? { code: "queue_full", message: full } : null;
  }

  private queueFull(): string | null {
    const waiting = this.store.inbox.count();
    return waiting >= TEAM_LIMITS.maxQueuedTasks
      ? `${this.store.config().name} already has ${waiting} tasks queued (the limit is ${TEAM_LIMITS.maxQueuedTasks}); wait for it to finish some.`
      : null;
  }

  /** Records the task as current and queues it; returns whether it waits behind a running one. */
  private accept(taskId: string, text: string, submit = true): boolean {
    const busy = this.runner.activeRun() !== undefined;
    this.store.set("task", { taskId, text });
    this.store.set("result", null);
    this.setStatus("executing", busy ? "queued a new task" : "started a task");
    if (submit) this.runner.submit("task", text, { clientId: taskId, taskId });
    return busy;
  }

  /**
   * Stops the current run. `cancelQueued` (Stop all) also drops the tasks waiting behind it, and
   * `stopGen` makes this agent refuse tasks sent before the stop that arrive after it.
   */
  async interrupt(opts: { cancelQueued?: boolean; stopGen?: number } = {}): Promise<boolean> {
    if (!this.initialised()) return false;
    if (opts.stopGen !== undefined && opts.stopGen > (this.store.get("stopGen") ?? 0)) {
      this.store.set("stopGen", opts.stopGen);
    }
    let cancelled = 0;
    if (opts.cancelQueued) {
      this.store.transaction(() => {
        const rows = this.store.inbox.cancelAll();
        cancelled = rows.length;
        // Every watcher sees the queued tasks go (the agent's chat drops them from its queue).
        for (const r of rows) {
          if (r.kind !== "agent_report")
            this.emit({ type: "message.cancelled", messageId: r.payload.messageId });
        }
      });
    }
    const stopped = this.runner.interrupt();
    if (!stopped && cancelled) this.setStatus("interrupted", "stopped before starting its queued tasks");
    return stopped || cancelled > 0;
  }

  /**
   * Stops everything, bills what ran (D1 gets every billed message first) and erases the agent's
   * storage. Returns its final totals, so the orchestrator keeps them after the agent is gone.
   */
  async destroy(): Promise<{ totals: Totals } | null> {
    if (!this.initialised()) return null;
    this.store.inbox.cancelAll();
    this.runner.interrupt();
    await this.runner.whenIdle();
    this.store.set("deleted", true);
    const totals = this.store.get("totals") ?? zeroTotals();
    try {
      await this.flush();
    } catch (err) {
      console.error(`agent ${this.ctx.id} could not flush before deletion`, err);
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.forgetStorage();
    return { totals };
  }

  /** The latest result, or the latest assistant text if it never reported. */
  output(): { result: string | null; lastText: string | null } {
    const conv = this.store.conversation();
    let lastText: string | null = null;
    for (let i = conv.length - 1; i >= 0 && lastText === null; i--) {
      const m = conv[i]!;
      if (m.role !== "assistant") continue;
      const text = m.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      if (text) lastText = text;
    }
    return { result: this.store.get("result") ?? null, lastText };
  }

  // ---- loop hooks ----

  /**
   * Its tools and its orchestrator's connectors' MCP tools (narrowed by create_agent: an MCP tool
   * by its name or `mcp__<connector>__*`), minus those the policy denies; `report` is always on.
   */
  protected tools(): Tool[] {
    const c = this.store.config();
    const named = (name: string) =>
      !c.tools?.length || c.tools.includes(name) || c.tools.includes(`mcp__${name.split("__")[1]}__*`);
    return [
      ...(toolsForAgent(c.tools) as Tool[]).filter(
        (t) => t.name === "report" || decide(c.toolPolicy, t.name) !== "deny",
      ),
      ...connectorTools(c.connectors, (name) => named(name) && decide(c.toolPolicy, name) !== "deny"),
    ];
  }

  protected toolContext(base: ToolContext): AgentToolContext {
    return {
      ...base,
      workspace: new Workspace(this.env, base.config.orchestratorId),
      fileChanged: (change) => this.notify({ kind: "file", ...change }),
      setResult: (result) => this.store.set("result", result),
    };
  }

  protected system(): string {
    const c = this.store.config();
    return `${PREAMBLE}\n\nYour name: ${c.name}.\n\nYour instructions:\n${c.system ?? "(none)"}`;
  }

  /** Budgets are held at the orchestrator (team, and the account through it). */
  protected async reserve(reservationId: string, usd: number, replaces: string | null) {
    return this.orchestrator().reserveForAgent(this.store.config().id, usd, reservationId, replaces);
  }

  /** The usage notice settles exactly this call's reservation, however late it arrives. */
  protected messageCheckpointed(_usage: Usage, _cost: number, settles: string | null): void {
    const totals = this.store.get("totals")!;
    this.notify({ kind: "usage", totals, contextTokens: this.store.get("contextTokens") ?? 0, settles });
  }

  protected async runEnded(
    _runId: string,
    end: RunEnd,
    _trigger: string,
    held: string | null,
  ): Promise<void> {
    const { result, lastText } = this.output();
    const task = this.store.get("task");
    const text =
      result ??
      (end === "completed"
        ? (lastText ?? "Finished without a report.")
        : end === "failed"
          ? `Failed: ${this.lastFailure() ?? "unknown error"}`
          : "Interrupted before finishing.");
    const status = end === "completed" ? "complete" : end;
    this.store.set("result", text);
    if (this.store.inbox.count() === 0)
      this.setStatus(status, end === "completed" ? "finished its task" : text.slice(0, 200));
    // A call that failed before streaming still held a reservation: this notice releases it.
    this.notify({ kind: "completed", result: text, end, taskId: task?.taskId ?? null, settles: held });
  }

  protected snapshotExtras(): Partial<StreamState> {
    return {};
  }

  protected async interruptFromClient(): Promise<void> {
    this.runner.interrupt();
  }

  protected override async onAlarm(): Promise<void> {
    await this.flushNotices();
  }

  /** Undelivered notices are retried on the heartbeat. */
  protected override deadline(): number | null {
    return this.store.notices.peek(1).length > 0 ? Date.now() + RUN_LIMITS.heartbeatMs : null;
  }

  // ---- notices to the orchestrator ----

  private setStatus(status: import("../../schema/events").AgentStatus, note?: string): void {
    this.store.set("status", status);
    this.store.set("note", note ?? null);
    this.notify({ kind: "status", status, ...(note ? { note } : {}) });
  }

  private lastFailure(): string | null {
    const failed = this.log.tail(5).findLast((e) => e.type === "run.failed");
    return failed && failed.type === "run.failed" ? failed.error.message : null;
  }

  private orchestrator() {
    const c = this.store.config();
    return orchestratorStub(this.env, c.orchestratorId);
  }

  /** Fire and forget: activity is a hint for the control room, not a record (DESIGN §4). */
  private readonly activity = new ActivityTracker((a) => {
    if (!this.initialised()) return;
    void this.orchestrator()
      .agentActivity(this.store.config().id, a)
      .catch(() => {
        // the orchestrator may be restarting; the next activity tells it anyway
      });
  });

  protected override observe(body: EventBody): void {
    this.activity.observe(body);
  }

  protected override observeText(chunk: LiveChunk): void {
    if (chunk.kind === "text") this.activity.streamed(chunk.messageId, chunk.text);
  }

  private notify(notice: AgentNotice): void {
    this.store.notices.queue(notice);
    // Sent once what queued it has committed: a notice from a rolled-back transaction never leaves.
    this.store.afterCommit(() => void this.flushNotices());
  }

  private sendingNotices = false;

  private async flushNotices(): Promise<void> {
    if (this.sendingNotices) return;
    this.sendingNotices = true;
    try {
      for (;;) {
        const rows = this.store.notices.peek(100);
        if (!rows.length) return;
        const batch = rows.map((r) => ({ ...(r.payload as AgentNotice), id: r.id }) as NumberedNotice);
        await this.orchestrator().agentNotices(this.store.config().id, batch);
        this.store.notices.clear(rows[rows.length - 1]!.id);
      }
    } catch (err) {
      // The orchestrator may be restarting; the alarm retries.
      console.error(`agent ${this.ctx.id} could not deliver notices`, err);
      await this.heartbeat();
    } finally {
      this.sendingNotices = false;
    }
  }
}
