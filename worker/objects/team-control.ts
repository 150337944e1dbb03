// The orchestrator's hands on its team: everything that goes out to its agents. The tool context its
// tools act through, the user's own tasks and new agents, settings the agents follow, Stop all, and
// the two effects that need care — creating an agent exactly once within the caps, and handing one a
// task that a Stop can't be overtaken by (stop generations, DESIGN §8). Its record of the agents is
// team-registry.ts.
import { createHash } from "node:crypto";
import type { AgentSummary, EventBody } from "../../schema/events";
import { queueD1 } from "../db/outbox";
import type { Store } from "../db/store";
import { findTemplate, templateDigests } from "../db/templates";
import { Workspace } from "../db/workspace/workspace";
import { TEAM_LIMITS } from "../limits";
import { type ToolContext, ToolError } from "../loop/tool";
import type { AgentSpec } from "../tools/agent-spec";
import type { OrchestratorToolContext } from "../tools/orchestrator-tools";
import type { AgentSettings } from "./notices";
import type { OrchestratorRpc } from "./rpc";
import { agentStub } from "./stubs";
import { type agentRow, newAgentSummary } from "./team";

/** What the team control needs from its orchestrator. */
export type TeamHost = {
  store: Store;
  env: Env;
  emit(body: EventBody): void;
  flush(): Promise<void>;
  agents(): AgentSummary[];
  /** Puts a new agent's card on the team (TeamRegistry.add). */
  add(agent: AgentSummary): void;
  patch(agentId: string, patch: Partial<AgentSummary>): void;
  row(a: AgentSummary): ReturnType<typeof agentRow>;
  deleteAgent(agentId: string): Promise<boolean>;
};

/** An agent's id: derived from the orchestrator and the tool call that created it (replays find it). */
function agentIdFor(orchestratorId: string, toolUseId: string): string {
  return `ag_${createHash("sha256").update(`${orchestratorId}:${toolUseId}`).digest("hex").slice(0, 24)}`;
}

/** A creation the team's rules refuse: the name is taken, or the team is full. */
export class TeamRefusal extends ToolError {
  constructor(
    readonly code: "agent_exists" | "too_many_agents",
    message: string,
  ) {
    super(message);
  }
}

export class TeamControl {
  /** Agents being created right now (id → name): they count against the cap and their names are taken. */
  private readonly creating = new Map<string, string>();

  constructor(private readonly host: TeamHost) {}

  private agent(agentId: string): AgentSummary | null {
    return this.host.agents().find((a) => a.id === agentId) ?? null;
  }

  /** The orchestrator's settings its agents follow (DESIGN §9). */
  private settings(): AgentSettings {
    const c = this.host.store.config();
    return {
      toolPolicy: c.toolPolicy,
      thinking: c.thinking,
      approvalTimeoutSec: c.approvalTimeoutSec,
      connectors: c.connectors ?? [],
    };
  }

  /** The orchestrator's tool policy, thinking, approval timeout or connectors changed: agents follow. */
  async passSettings(): Promise<void> {
    const settings = this.settings();
    await Promise.allSettled(
      this.host.agents().map((a) => agentStub(this.host.env, a.id).applySettings(settings)),
    );
  }

  /**
   * Stop all: every agent's run is interrupted and its queued tasks cancelled. The stop generation
   * goes up first, so a task sent before the stop but arriving after it is refused by the agent.
   * Returns how many agents had something to stop.
   */
  async stopAll(): Promise<number> {
    const stopGen = (this.host.store.get("stopGen") ?? 0) + 1;
    this.host.store.set("stopGen", stopGen);
    const results = await Promise.allSettled(
      this.host
        .agents()
        .map((a) => agentStub(this.host.env, a.id).interrupt({ cancelQueued: true, stopGen })),
    );
    return results.filter((r) => r.status === "fulfilled" && r.value).length;
  }

  /** The user's Stop on one agent; null if it's gone. */
  async interrupt(agentId: string): Promise<boolean | null> {
    const agent = this.agent(agentId);
    if (!agent) return null;
    return agentStub(this.host.env, agent.id).interrupt();
  }

  /** The user's own task for an agent: its task id, the agent's refusal, or null if it's gone. */
  async userTask(
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

  /** The user's "New agent": created like create_agent's, exactly once per key; refusals as data. */
  async userAgent(key: string, spec: AgentSpec): ReturnType<OrchestratorRpc["createAgent"]> {
    try {
      return { agent: await this.createAgent(`user_${key}`, spec) };
    } catch (err) {
      if (err instanceof TeamRefusal) return { refused: { code: err.code, message: err.message } };
      throw err;
    }
  }

  toolContext(base: ToolContext): OrchestratorToolContext {
    return {
      ...base,
      workspace: new Workspace(this.host.env, base.config.id),
      agents: () => this.host.agents(),
      findAgent: (name) => {
        const a = this.host.agents().find((x) => x.name === name);
        if (!a)
          throw new ToolError(
            `There is no agent named ${name}. Agents: ${
              this.host
                .agents()
                .map((x) => x.name)
                .join(", ") || "none"
            }.`,
          );
        return a;
      },
      createAgent: (toolUseId, spec) => this.createAgent(toolUseId, spec),
      template: (name) => findTemplate(this.host.env.DB, base.config.userId, name),
      templateNames: async () =>
        (await templateDigests(this.host.env.DB, base.config.userId)).map((t) => t.name),
      commandAgent: (agent, taskId, task) => this.commandAgent(agent, taskId, task, base.signal),
      agentTail: (agent, n) => agentStub(this.host.env, agent.id).tail(n),
      agentOutput: (agent) => agentStub(this.host.env, agent.id).output(),
      interruptAgent: (agent) => agentStub(this.host.env, agent.id).interrupt(),
      deleteAgent: async (agent) => {
        await this.host.deleteAgent(agent.id);
      },
      reportsDelivered: (ids) => this.host.store.inbox.takeReports(ids, base.runId),
    };
  }

  /**
   * Exactly once per tool call: the agent id derives from the tool_use_id, so a replay finds it.
   * The name and the cap are checked and claimed before the first await, so parallel calls in one
   * step can't together pass them (DESIGN §8).
   */
  async createAgent(toolUseId: string, spec: AgentSpec): Promise<AgentSummary> {
    const c = this.host.store.config();
    const id = agentIdFor(c.id, toolUseId);
    const existing = this.agent(id);
    if (existing) return existing;
    const live = this.host.agents();
    if (live.some((a) => a.name === spec.name) || [...this.creating.values()].includes(spec.name)) {
      throw new TeamRefusal("agent_exists", `An agent named ${spec.name} already exists.`);
    }
    if (live.length + this.creating.size >= TEAM_LIMITS.maxAgents) {
      throw new TeamRefusal(
        "too_many_agents",
        `This orchestrator already has ${live.length + this.creating.size} agents (the limit is ${TEAM_LIMITS.maxAgents}). Delete one first.`,
      );
    }
    this.creating.set(id, spec.name);
    try {
      await agentStub(this.host.env, id).init({
        id,
        userId: c.userId,
        orchestratorId: c.id,
        simulated: c.simulated,
        settings: this.settings(),
        ...spec,
      });
      const agent = newAgentSummary(id, spec);
      this.host.add(agent);
      await this.host.flush();
      return agent;
    } finally {
      this.creating.delete(id);
    }
  }

  /**
   * Hands an agent a task. Not sent once the turn is interrupted; refused by the agent if a Stop
   * all overtook it (stop generations) or its queue is full — then the agent's card is restored.
   */
  async commandAgent(
    agent: AgentSummary,
    taskId: string,
    task: string,
    signal?: AbortSignal,
  ): Promise<string> {
    if (signal?.aborted) throw new ToolError("Not sent: the turn was interrupted.");
    const before = this.agent(agent.id) ?? agent;
    // Mark it busy before it answers, so a wait in the same turn doesn't see it as finished.
    this.host.patch(agent.id, { status: "executing", task, result: null });
    const r = await agentStub(this.host.env, agent.id).startTask(
      taskId,
      task,
      this.host.store.get("stopGen") ?? 0,
    );
    if (!r.accepted) {
      this.host.patch(agent.id, { status: before.status, task: before.task, result: before.result });
      throw new ToolError(r.reason ?? `${agent.name} could not take the task.`);
    }
    queueD1(this.host.store, { kind: "agent", row: { ...this.host.row(this.agent(agent.id)!), task } });
    return r.queued
      ? `${agent.name} is busy; the task is queued after its current one.`
      : `${agent.name} started the task.`;
  }
}
