// An orchestrator: the agent the user chats with. It runs the shared loop with tools that create
// and drive Agent objects, keeps the live registry of its agents, applies their notices to its
// stream, resumes runs suspended in wait_for_agents, and enforces the team's budget.
import { createHash } from "node:crypto";
import type { AgentSummary, StreamState, Totals, Usage } from "../../schema/events";
import { zeroTotals } from "../../schema/events";
import { addUsage, roundUsd, usdText } from "../../schema/money";
import { queueD1 } from "../db/outbox";
import type { ObjectConfig } from "../db/store";
import { Workspace } from "../db/workspace/workspace";
import { TEAM_LIMITS } from "../limits";
import { modelInfo } from "../llm/prices";
import type { RunEnd } from "../loop/runner";
import { type Tool, type ToolContext, ToolError } from "../loop/tool";
import { RESERVATION_TTL_MS, reserveAccount } from "../policy/account-budget";
import {
  isSettled,
  type OrchestratorToolContext,
  orchestratorTools,
  summariseWait,
} from "../tools/orchestrator-tools";
import { LoopObject } from "./loop-object";
import type { NumberedNotice } from "./notices";
import type { OrchestratorInit, OrchestratorRpc } from "./rpc";
import { agentStub } from "./stubs";

const PREAMBLE = `You are the orchestrator of a team of AI agents working in a shared workspace of files.
Break the user's request into tasks, create specialised agents for them, command them, wait for
their results and report back. Agents run in parallel; wait_for_agents costs nothing while it waits.
Keep the user informed in short messages.`;

const addTotals = (a: Totals, b: Totals): Totals => ({
  ...addUsage(a, b),
  costUsd: roundUsd(a.costUsd + b.costUsd),
});

/** The larger of two cumulative snapshots of the same agent's totals (notices may lag). */
const latest = (a: Totals, b: Totals): Totals => (b.costUsd > a.costUsd ? b : a);

/** An agent's id: derived from the orchestrator and the tool call that created it (replays find it). */
function agentIdFor(orchestratorId: string, toolUseId: string): string {
  return `ag_${createHash("sha256").update(`${orchestratorId}:${toolUseId}`).digest("hex").slice(0, 24)}`;
}

export class Orchestrator extends LoopObject implements OrchestratorRpc {
  /** Agents being created right now (id → name): they count against the cap and their names are taken. */
  private readonly creating = new Map<string, string>();
  async init(init: OrchestratorInit): Promise<StreamState> {
    if (!this.initialised()) {
      this.configure({ ...init, kind: "orchestrator", orchestratorId: init.id });
      this.store.set("agents", []);
      this.store.set("status", "idle");
    }
    return this.state();
  }

  async update(
    patch: Partial<Pick<ObjectConfig, "name" | "model" | "system" | "budgetUsd" | "archived">>,
  ): Promise<void> {
    this.configure({ ...this.store.config(), ...patch });
  }

  /** Deletes the orchestrator: stops everything, erases its agents and its own storage. */
  async destroy(): Promise<void> {
    this.runner.interrupt();
    await Promise.allSettled(this.agents().map((a) => this.agentStub(a.id).destroy()));
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.forgetStorage();
  }

  /**
   * The user's Stop (DESIGN §8): the turn ends at once and nothing starts on its own afterwards —
   * agent reports queue for the next user message. With `agents` (Stop all), every agent's run is
   * interrupted and its queued tasks cancelled; a task this orchestrator sent before the stop but
   * that arrives after it is refused by the agent (stop generations), so nothing restarts work.
   */
  async interrupt(opts: { agents?: boolean } = {}): Promise<{ run: boolean; agents: number }> {
    this.runner.hold();
    const run = this.runner.interrupt();
    let agents = 0;
    if (opts.agents) {
      const stopGen = (this.store.get("stopGen") ?? 0) + 1;
      this.store.set("stopGen", stopGen);
      const results = await Promise.allSettled(
        this.agents().map((a) => this.agentStub(a.id).interrupt({ cancelQueued: true, stopGen })),
      );
      agents = results.filter((r) => r.status === "fulfilled" && r.value).length;
    }
    return { run, agents };
  }

  /** Whether calls must also hold the user's account budget (set when it changes, and on sends). */
  async setAccountBudget(has: boolean): Promise<void> {
    if (!this.initialised() || (this.store.config().accountBudget ?? false) === has) return;
    this.configure({ ...this.store.config(), accountBudget: has });
  }

  protected override accountBudgetKnown(has: boolean): Promise<void> {
    return this.setAccountBudget(has);
  }

  /** A user message, with what the admission check learned about the account budget. */
  async sendMessage(text: string, clientId: string | undefined, accountBudget: boolean) {
    await this.setAccountBudget(accountBudget);
    return this.send(text, clientId);
  }

  /** A file changed outside the loop (the user, through the API). */
  async fileChanged(change: { path: string; size: number; by: string; deleted?: boolean }): Promise<void> {
    this.emit({ type: "file.changed", ...change });
  }

  // ---- agents: registry and direct control ----

  agents(): AgentSummary[] {
    return this.store.get("agents") ?? [];
  }

  agent(agentId: string): AgentSummary | null {
    return this.agents().find((a) => a.id === agentId) ?? null;
  }

  /** The user's own task for an agent: its task id, the agent's refusal, or null if it's gone. */
  async messageAgent(
    agentId: string,
    text: string,
    clientId?: string,
  ): Promise<{ taskId: string } | { refused: string } | null> {
    const agent = this.agent(agentId);
    if (!agent) return null;
    const taskId = `user_${clientId ?? crypto.randomUUID()}`;
    try {
      await this.commandAgent(agent, taskId, text);
    } catch (err) {
      if (err instanceof ToolError) return { refused: err.message };
      throw err;
    }
    return { taskId };
  }

  async interruptAgent(agentId: string): Promise<boolean | null> {
    const agent = this.agent(agentId);
    if (!agent) return null;
    return this.agentStub(agent.id).interrupt();
  }

  /**
   * Deletes an agent. Its spend stays in the team's totals (and so in the budget): the agent
   * settles its run, bills it to D1 and hands back its final totals before it erases itself.
   */
  async deleteAgent(agentId: string): Promise<boolean> {
    const agent = this.agent(agentId);
    if (!agent) return false;
    const final = await this.agentStub(agent.id).destroy();
    const current = this.agent(agent.id);
    if (!current) return true; // deleted meanwhile by a concurrent call
    this.store.transaction(() => {
      const spent = final ? latest(current.totals, final.totals) : current.totals;
      this.store.set("retiredTotals", addTotals(this.store.get("retiredTotals") ?? zeroTotals(), spent));
      this.store.set(
        "agents",
        this.agents().filter((a) => a.id !== agent.id),
      );
      this.settle((_key, r) => r.agentId === agent.id);
      this.emit({ type: "agent.deleted", agentId: agent.id });
      queueD1(this.store, { kind: "agent", row: { ...this.agentRow(current), deletedAt: Date.now() } });
      this.emitTeamUsage();
    });
    await this.flush();
    return true;
  }

  /**
   * Budget check for an agent's next call; reserves on success under `reservationId`, which the
   * agent's usage or completion notice settles. `replaces` is a reservation of the same agent whose
   * call never ran (the agent restarted first): released now.
   */
  async reserveForAgent(
    agentId: string,
    usd: number,
    reservationId: string,
    replaces: string | null,
  ): Promise<{ refusal: string | null; account: boolean }> {
    if (replaces) this.settle((key, r) => key === replaces && r.agentId === agentId);
    if (!this.agent(agentId)) return { refusal: "This agent was deleted.", account: false };
    return this.reserveFor(reservationId, usd, agentId);
  }

  /** Applies an agent's notices in order, once each (they are retried until acknowledged). */
  async agentNotices(agentId: string, notices: NumberedNotice[]): Promise<void> {
    const cursor = this.store.get("noticeCursor") ?? {};
    let last = cursor[agentId] ?? 0;
    const fresh = notices.filter((n) => n.id > last).sort((a, b) => a.id - b.id);
    if (!fresh.length) return;
    const completed: string[] = [];
    this.store.transaction(() => {
      for (const n of fresh) {
        last = n.id;
        const agent = this.agent(agentId);
        if (!agent) continue;
        switch (n.kind) {
          case "status":
            this.patchAgent(agentId, { status: n.status, note: n.note ?? null });
            this.emit({
              type: "agent.status",
              agentId,
              status: n.status,
              ...(n.note ? { note: n.note } : {}),
            });
            break;
          case "usage":
            this.settleFor(agentId, n.settles);
            this.patchAgent(agentId, { totals: n.totals, contextTokens: n.contextTokens });
            this.emit({ type: "agent.usage", agentId, totals: n.totals, contextTokens: n.contextTokens });
            this.emitTeamUsage();
            break;
          case "file":
            this.emit({
              type: "file.changed",
              path: n.path,
              size: n.size,
              by: n.by,
              ...(n.deleted ? { deleted: true } : {}),
            });
            break;
          case "completed": {
            const status = n.end === "completed" ? "complete" : n.end;
            this.patchAgent(agentId, {
              result: n.result,
              status: agent.status === "executing" ? status : agent.status,
            });
            this.emit({ type: "agent.completed", agentId, result: n.result });
            this.settleFor(agentId, n.settles);
            completed.push(agentId);
            break;
          }
        }
      }
      this.store.set("noticeCursor", { ...cursor, [agentId]: last });
      const updated = this.agent(agentId);
      if (updated) queueD1(this.store, { kind: "agent", row: this.agentRow(updated) });
    });
    for (const id of completed) this.onAgentFinished(id);
    await this.flush();
  }

  // ---- loop hooks ----

  protected tools(): Tool[] {
    return orchestratorTools as Tool[];
  }

  protected toolContext(base: ToolContext): OrchestratorToolContext {
    return {
      ...base,
      workspace: new Workspace(this.env, base.config.id),
      agents: () => this.agents(),
      findAgent: (name) => {
        const a = this.agents().find((x) => x.name === name);
        if (!a)
          throw new ToolError(
            `There is no agent named ${name}. Agents: ${
              this.agents()
                .map((x) => x.name)
                .join(", ") || "none"
            }.`,
          );
        return a;
      },
      createAgent: (toolUseId, spec) => this.createAgent(toolUseId, spec),
      commandAgent: (agent, taskId, task) => this.commandAgent(agent, taskId, task, base.signal),
      agentTail: (agent, n) => this.agentStub(agent.id).tail(n),
      agentOutput: (agent) => this.agentStub(agent.id).output(),
      interruptAgent: (agent) => this.agentStub(agent.id).interrupt(),
      deleteAgent: async (agent) => {
        await this.deleteAgent(agent.id);
      },
      reportsDelivered: (ids) => this.store.consumeReports(ids, base.runId),
    };
  }

  protected system(): string {
    const c = this.store.config();
    return c.system ? `${PREAMBLE}\n\n${c.system}` : PREAMBLE;
  }

  protected async reserve(
    reservationId: string,
    usd: number,
    replaces: string | null,
  ): Promise<{ refusal: string | null; account: boolean }> {
    if (replaces) this.settle((key) => key === replaces);
    return this.reserveFor(reservationId, usd, null);
  }

  protected async messageCheckpointed(_usage: Usage, _cost: number, settles: string | null): Promise<void> {
    // D1 totals follow from the message row (a trigger); only the live stream needs telling.
    if (settles) this.settle((key) => key === settles);
    this.emitTeamUsage();
  }

  protected async runEnded(
    _runId: string,
    _end: RunEnd,
    _trigger: string,
    held: string | null,
  ): Promise<void> {
    if (held) this.settle((key) => key === held);
    this.store.set("status", "idle");
    await this.flush();
  }

  protected snapshotExtras(): Partial<StreamState> {
    const run = this.runner.activeRun();
    return {
      held: this.store.get("held") ?? false,
      queuedReports: this.store.pendingInbox("agent_report"),
      agents: this.agents(),
      totals: this.teamTotals(),
      status: run ? (run.status === "waiting" ? "waiting" : "executing") : "idle",
    };
  }

  protected async interruptFromClient(agents: boolean): Promise<void> {
    await this.interrupt({ agents });
  }

  protected override async onAlarm(): Promise<boolean> {
    const waiting = this.store.get("waiting");
    if (!waiting) return false;
    if (Date.now() >= waiting.deadline) {
      const named = waiting.names
        .map((n) => this.agents().find((a) => a.name === n))
        .filter((a): a is AgentSummary => !!a);
      this.runner.resolveWait(waiting.toolUseId, summariseWait(named, true));
      return false;
    }
    return true;
  }

  // ---- internals ----

  private agentStub(agentId: string) {
    return agentStub(this.env, agentId);
  }

  /**
   * Exactly once per tool call: the agent id derives from the tool_use_id, so a replay finds it.
   * The name and the cap are checked and claimed before the first await, so parallel calls in one
   * step can't together pass them (DESIGN §8).
   */
  private async createAgent(
    toolUseId: string,
    spec: { name: string; instructions: string; model: string; tools: string[] | null },
  ): Promise<AgentSummary> {
    const c = this.store.config();
    const id = agentIdFor(c.id, toolUseId);
    const existing = this.agent(id);
    if (existing) return existing;
    const live = this.agents();
    if (live.some((a) => a.name === spec.name) || [...this.creating.values()].includes(spec.name)) {
      throw new ToolError(`An agent named ${spec.name} already exists.`);
    }
    if (live.length + this.creating.size >= TEAM_LIMITS.maxAgents) {
      throw new ToolError(
        `This orchestrator already has ${live.length + this.creating.size} agents (the limit is ${TEAM_LIMITS.maxAgents}). Delete one first.`,
      );
    }
    this.creating.set(id, spec.name);
    try {
      await this.agentStub(id).init({
        id,
        userId: c.userId,
        orchestratorId: c.id,
        simulated: c.simulated,
        ...spec,
      });
      const agent: AgentSummary = {
        id,
        name: spec.name,
        model: spec.model,
        instructions: spec.instructions,
        tools: spec.tools,
        status: "idle",
        note: null,
        task: null,
        result: null,
        totals: zeroTotals(),
        contextTokens: 0,
        contextWindow: modelInfo(spec.model).contextWindow,
        createdAt: Date.now(),
      };
      this.store.transaction(() => {
        this.store.set("agents", [...this.agents(), agent]);
        this.emit({ type: "agent.created", agent });
        queueD1(this.store, { kind: "agent", row: this.agentRow(agent) });
      });
      await this.flush();
      return agent;
    } finally {
      this.creating.delete(id);
    }
  }

  /**
   * Hands an agent a task. Not sent once the turn is interrupted; refused by the agent if a Stop
   * all overtook it (stop generations) or its queue is full — then the agent's card is restored.
   */
  private async commandAgent(
    agent: AgentSummary,
    taskId: string,
    task: string,
    signal?: AbortSignal,
  ): Promise<string> {
    if (signal?.aborted) throw new ToolError("Not sent: the turn was interrupted.");
    const before = this.agent(agent.id) ?? agent;
    // Mark it busy before it answers, so a wait in the same turn doesn't see it as finished.
    this.patchAgent(agent.id, { status: "executing", task, result: null });
    const r = await this.agentStub(agent.id).startTask(taskId, task, this.store.get("stopGen") ?? 0);
    if (!r.accepted) {
      this.patchAgent(agent.id, { status: before.status, task: before.task, result: before.result });
      throw new ToolError(r.reason ?? `${agent.name} could not take the task.`);
    }
    queueD1(this.store, { kind: "agent", row: { ...this.agentRow(this.agent(agent.id)!), task } });
    return r.queued
      ? `${agent.name} is busy; the task is queued after its current one.`
      : `${agent.name} started the task.`;
  }

  private onAgentFinished(agentId: string): void {
    const waiting = this.store.get("waiting");
    const agent = this.agent(agentId);
    if (!agent) return;
    if (waiting?.names.includes(agent.name)) {
      const named = waiting.names
        .map((n) => this.agents().find((a) => a.name === n))
        .filter((a): a is AgentSummary => !!a);
      if (named.every(isSettled)) {
        this.store.consumeReports(
          named.map((a) => a.id),
          waiting.runId,
        );
        this.runner.resolveWait(waiting.toolUseId, summariseWait(named, false));
      }
      return;
    }
    // Nobody is waiting for it: its report becomes an input the orchestrator reacts to.
    this.runner.submit(
      "agent_report",
      `[Report from agent ${agent.name} (${agent.status})]\n${agent.result ?? ""}`,
      {
        agentId,
      },
    );
  }

  private patchAgent(agentId: string, patch: Partial<AgentSummary>): void {
    this.store.set(
      "agents",
      this.agents().map((a) => (a.id === agentId ? { ...a, ...patch } : a)),
    );
  }

  private agentRow(a: AgentSummary) {
    const c = this.store.config();
    return {
      id: a.id,
      orchestratorId: c.id,
      userId: c.userId,
      name: a.name,
      instructions: a.instructions,
      model: a.model,
      tools: a.tools,
      status: a.status,
      note: a.note,
      task: a.task,
      result: a.result,
      createdAt: a.createdAt,
      updatedAt: Date.now(),
      deletedAt: null as number | null,
    };
  }

  /** Its own calls, every live agent's, and every deleted agent's: never goes down. */
  private teamTotals(): Totals {
    return this.agents().reduce(
      (sum, a) => addTotals(sum, a.totals),
      addTotals(this.store.get("totals") ?? zeroTotals(), this.store.get("retiredTotals") ?? zeroTotals()),
    );
  }

  private emitTeamUsage(): void {
    this.emit({
      type: "usage.updated",
      totals: this.teamTotals(),
      contextTokens: this.store.get("contextTokens") ?? 0,
    });
  }

  /**
   * spend + outstanding reservations + this call's worst case must fit the orchestrator's budget.
   * Reservations are kept in storage (a restart must not free budget a running call still holds)
   * and lapse after RESERVATION_TTL_MS, in case their settling notice never comes.
   */
  /**
   * The team budget (here, in storage), then the user's account budget (in D1, only when they
   * have one). A refusal at the account releases the team hold again.
   */
  private async reserveFor(
    key: string,
    usd: number,
    agentId: string | null,
  ): Promise<{ refusal: string | null; account: boolean }> {
    const team = this.checkBudget(key, usd, agentId);
    if (team) return { refusal: team, account: false };
    const c = this.store.config();
    if (!c.accountBudget) return { refusal: null, account: false };
    let refusal: string | null;
    try {
      refusal = await reserveAccount(this.env.DB, c.userId, key, usd);
    } catch (err) {
      console.error("account budget check failed", err);
      refusal = "The account budget could not be checked just now, so the call was not made. Try again.";
    }
    if (refusal) {
      this.settle((k) => k === key);
      return { refusal, account: false };
    }
    return { refusal: null, account: true };
  }

  private checkBudget(key: string, usd: number, agentId: string | null): string | null {
    const budget = this.store.config().budgetUsd;
    if (budget === null || budget === undefined) return null;
    const now = Date.now();
    const live = Object.entries(this.store.get("reservations") ?? {}).filter(
      ([k, r]) => k !== key && now - r.at < RESERVATION_TTL_MS,
    );
    const spent = this.teamTotals().costUsd;
    const reserved = live.reduce((sum, [, r]) => sum + r.usd, 0);
    if (spent + reserved + usd > budget) {
      return `The orchestrator's budget of ${usdText(budget)} would be exceeded: ${usdText(spent)} spent, ${usdText(reserved)} reserved by running calls, and this call may cost up to ${usdText(usd)}.`;
    }
    this.store.set("reservations", { ...Object.fromEntries(live), [key]: { usd, agentId, at: now } });
    return null;
  }

  /** A notice's release: its own reservation, or (notices from older code) all the agent held. */
  private settleFor(agentId: string, settles: string | null | undefined): void {
    if (settles === undefined) this.settle((_key, r) => r.agentId === agentId);
    else if (settles !== null) this.settle((key, r) => key === settles && r.agentId === agentId);
  }

  /** Releases the reservations `which` picks. */
  private settle(which: (key: string, r: { usd: number; agentId: string | null }) => boolean): void {
    const all = this.store.get("reservations");
    if (!all) return;
    const kept = Object.entries(all).filter(([k, r]) => !which(k, r));
    if (kept.length !== Object.keys(all).length) this.store.set("reservations", Object.fromEntries(kept));
  }
}
