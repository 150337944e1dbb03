// An agent: one Durable Object per agent, running tasks from its orchestrator through the shared
// loop, with the workspace tools. It reports status, usage, file changes and results upward.
import type { StreamState, Usage } from "../../schema/events";
import type { RunEnd } from "../loop/runner";
import { type AgentToolContext, toolsForAgent } from "../tools/agent-tools";
import type { Tool, ToolContext } from "../tools/types";
import { Workspace } from "../tools/workspace";
import { LoopObject } from "./loop-object";
import type { AgentInit, AgentNotice, NumberedNotice } from "./notices";

const PREAMBLE = `You are an agent in a team run by an orchestrator. You work in a shared workspace of files
that other agents and the user can see. Use the tools to do the task you are given; write your work
to files where it helps. When the task is done, call \`report\` with a short result (what you did and
where it is), then end your turn. Be concise.`;

export class Agent extends LoopObject {
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
    });
    this.store.set("status", "idle");
  }

  /** Queues a task; idempotent per taskId (the orchestrator's tool_use_id). */
  async startTask(taskId: string, text: string): Promise<{ accepted: boolean; queued: boolean }> {
    if (!this.initialised() || this.store.get("deleted")) return { accepted: false, queued: false };
    if (this.store.inboxByClientId(taskId)) return { accepted: true, queued: false };
    const busy = this.runner.activeRun() !== undefined;
    this.store.set("task", { taskId, text });
    this.store.set("result", null);
    this.setStatus("executing", busy ? "queued a new task" : "started a task");
    this.runner.submit("task", text, { clientId: taskId, taskId });
    return { accepted: true, queued: busy };
  }

  /** A message sent on the agent's own socket is a task from the user, like POST …/messages. */
  override send(text: string, clientId?: string) {
    const taskId = `user_${clientId ?? crypto.randomUUID()}`;
    const seen = this.store.inboxByClientId(taskId);
    if (!seen) {
      const busy = this.runner.activeRun() !== undefined;
      this.store.set("task", { taskId, text });
      this.store.set("result", null);
      this.setStatus("executing", busy ? "queued a new task" : "started a task");
    }
    const r = this.runner.submit("task", text, { clientId: taskId, taskId });
    return { messageId: r.messageId, runId: r.runId, queued: r.queued };
  }

  async interrupt(): Promise<boolean> {
    return this.runner.interrupt();
  }

  /** Stops everything and erases the agent's storage. */
  async destroy(): Promise<void> {
    if (this.initialised()) this.runner.interrupt();
    this.store.set("deleted", true);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.forgetStorage();
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

  tools(): Tool[] {
    return toolsForAgent(this.store.config().tools) as Tool[];
  }

  toolContext(base: ToolContext): AgentToolContext {
    return {
      ...base,
      workspace: new Workspace(this.env, base.config.orchestratorId),
      fileChanged: (change) => this.notify({ kind: "file", ...change }),
      setResult: (result) => this.store.set("result", result),
    };
  }

  system(): string {
    const c = this.store.config();
    return `${PREAMBLE}\n\nYour name: ${c.name}.\n\nYour instructions:\n${c.system ?? "(none)"}`;
  }

  async reserve(_runId: string, usd: number): Promise<string | null> {
    const c = this.store.config();
    // One id per call, kept across restarts: the usage notice settles exactly this reservation,
    // however late it arrives. One this object still holds (a call that never got to stream
    // before a restart) is replaced, not left to lapse.
    const replaces = this.store.get("reservation") ?? undefined;
    const id = `rsv_${crypto.randomUUID()}`;
    this.store.set("reservation", id);
    return this.orchestrator().reserveForAgent(c.id, usd, id, replaces);
  }

  async messageCheckpointed(_usage: Usage, _cost: number): Promise<void> {
    const totals = this.store.get("totals")!;
    this.notifySettling({ kind: "usage", totals, contextTokens: this.store.get("contextTokens") ?? 0 });
  }

  /** Sends a notice that releases the reservation this agent holds (if any), atomically. */
  private notifySettling(notice: Extract<AgentNotice, { kind: "usage" } | { kind: "completed" }>): void {
    this.store.transaction(() => {
      this.notify({ ...notice, settles: this.store.get("reservation") ?? null });
      this.store.set("reservation", null);
    });
  }

  async runEnded(_runId: string, end: RunEnd): Promise<void> {
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
    if (this.store.pendingInbox() === 0)
      this.setStatus(status, end === "completed" ? "finished its task" : text.slice(0, 200));
    // A call that failed before streaming still holds its reservation: this notice releases it.
    this.notifySettling({ kind: "completed", result: text, end, taskId: task?.taskId ?? null });
  }

  protected snapshotExtras(): Partial<StreamState> {
    return {};
  }

  /**
   * Sends on the agent's own socket pass the same checks as POST …/agents/:id/messages, which
   * include the orchestrator's archived status: it lives in D1, not in this object's config.
   */
  protected override async sendAllowed(userId: string): Promise<{ code: string; message: string } | null> {
    const orchestrator = await this.env.DB.prepare("SELECT status FROM orchestrators WHERE id = ?1")
      .bind(this.store.config().orchestratorId)
      .first<{ status: string }>();
    if (orchestrator?.status === "archived") {
      return { code: "archived", message: "This orchestrator is archived; unarchive it to send messages." };
    }
    return super.sendAllowed(userId);
  }

  protected async interruptFromClient(): Promise<void> {
    this.runner.interrupt();
  }

  protected override async onAlarm(): Promise<boolean> {
    await this.flushNotices();
    return this.store.notices(1).length > 0;
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
    return this.env.ORCHESTRATOR.get(this.env.ORCHESTRATOR.idFromName(c.orchestratorId));
  }

  private notify(notice: AgentNotice): void {
    this.store.queueNotice(notice);
    void this.flushNotices();
  }

  private sendingNotices = false;

  private async flushNotices(): Promise<void> {
    if (this.sendingNotices) return;
    this.sendingNotices = true;
    try {
      for (;;) {
        const rows = this.store.notices(100);
        if (!rows.length) return;
        const batch = rows.map((r) => ({ ...(r.payload as AgentNotice), id: r.id }) as NumberedNotice);
        await this.orchestrator().agentNotices(this.store.config().id, batch);
        this.store.clearNotices(rows[rows.length - 1]!.id);
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
