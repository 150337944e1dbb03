// An orchestrator: the agent the user chats with. It runs the shared loop with tools that create
// and drive Agent objects (team-control.ts), keeps the live registry of its agents and applies their
// notices (team-registry.ts), resumes runs suspended in wait_for_agents, and holds the team's budget
// (team.ts). This class composes them into the object and its RPC surface.
import type { MessageState, SearchResponse, SendMessageResult } from "../../schema/api";
import type { AgentSummary, ApprovalDecision, StreamState, Usage } from "../../schema/events";
import { sealedModelKeyStatement } from "../db/model-keys";
import type { Approval } from "../db/store-types";
import { type DigestRow, templateDigestsStatement, toDigests } from "../db/templates";
import type { Decided } from "../loop/approvals";
import type { Refused, RunEnd, Submitted } from "../loop/runner";
import type { Tool, ToolContext } from "../loop/tool";
import { decide } from "../policy/tool-policy";
import { type AgentSpec, describeTemplates } from "../tools/agent-spec";
import { connectorTools } from "../tools/mcp/tools";
import {
  isSettled,
  type OrchestratorToolContext,
  orchestratorTools,
  summariseWait,
} from "../tools/orchestrator-tools";
import type { Activity } from "./activity";
import { exportStream } from "./export";
import { LoopObject } from "./loop-object";
import { PRIMED_MS } from "./model-client";
import type { NumberedNotice } from "./notices";
import type { OrchestratorInit, OrchestratorPatch, OrchestratorRpc } from "./rpc";
import { searchConversation } from "./search";
import { agentStub } from "./stubs";
import { TeamBudget } from "./team";
import { TeamControl } from "./team-control";
import { TeamRegistry } from "./team-registry";

const PREAMBLE = `You are the orchestrator of a team of AI agents working in a shared workspace of files.
Break the user's request into tasks, create specialised agents for them, command them, wait for
their results and report back. Agents run in parallel; wait_for_agents costs nothing while it waits.
Keep the user informed in short messages.`;

/** What a resend answers the API: the send's result, or why it was refused. */
const answer = (r: Submitted | Refused): SendMessageResult | Refused =>
  "refused" in r ? r : { messageId: r.messageId, runId: r.runId, queued: r.queued };

export class Orchestrator extends LoopObject implements OrchestratorRpc {
  /** The run whose first drive read the templates (in memory: a restart reads them again). */
  private templatesRead: string | null = null;
  /** The run's first reads, made ahead in a socket send's admission batch (readAhead). */
  private readAheadOf: { at: number; userId: string; results: D1Result[] } | null = null;
  private readonly budget = new TeamBudget(this.store, this.env.DB, () => this.registry.totals().costUsd);
  private readonly registry = new TeamRegistry(this.store, (b) => this.emit(b), this.budget);
  private readonly team = new TeamControl({
    store: this.store,
    env: this.env,
    emit: (b) => this.emit(b),
    flush: () => this.flush(),
    agents: () => this.registry.list(),
    add: (a) => this.registry.add(a),
    patch: (id, p) => this.registry.patch(id, p),
    row: (a) => this.registry.row(a),
    deleteAgent: (id) => this.deleteAgent(id),
  });
  async init(init: OrchestratorInit): Promise<StreamState> {
    if (!this.initialised()) {
      this.configure({ ...init, kind: "orchestrator", orchestratorId: init.id });
      this.store.set("agents", []);
      this.store.set("status", "idle");
    }
    return this.state();
  }

  async update(patch: OrchestratorPatch): Promise<void> {
    this.configure({ ...this.store.config(), ...patch });
    if (
      patch.toolPolicy !== undefined ||
      patch.thinking !== undefined ||
      patch.approvalTimeoutSec !== undefined ||
      patch.connectors !== undefined
    ) {
      // The agents follow their orchestrator's tool policy, thinking, approval timeout and connectors.
      await this.team.passSettings();
    }
  }

  /** An agent's current step or line (agent.activity); ignored for agents it no longer has. */
  async agentActivity(agentId: string, a: Activity): Promise<void> {
    if (!this.agent(agentId)) return;
    this.emit({
      type: "agent.activity",
      agentId,
      kind: a.kind,
      ...(a.name ? { name: a.name } : {}),
      summary: a.summary,
    });
  }

  /** Pending approvals: its own and its agents' (DESIGN §9). */
  listApprovals(): Approval[] {
    const agents = this.registry.pendingApprovals();
    return [...this.approvals.pending(), ...agents].sort((a, b) => a.requestedAt - b.requestedAt);
  }

  /** The user's decision on an approval of this orchestrator or one of its agents. */
  async decideApproval(approvalId: string, decision: ApprovalDecision, note?: string): Promise<Decided> {
    if (this.store.get("approvals")?.[approvalId]) {
      return this.runner.resolveApproval(approvalId, decision, "user", note);
    }
    const mirrored = this.registry.approval(approvalId);
    if (!mirrored?.agentId || !this.agent(mirrored.agentId)) return { error: "not_found" };
    return this.agentStub(mirrored.agentId).decideApproval(approvalId, decision, note);
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
    const agents = opts.agents ? await this.team.stopAll() : 0;
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

  /** Cancels a queued message (DELETE …/messages/:id): never sent to the model. */
  async cancelMessage(messageId: string): Promise<MessageState | "started" | null> {
    return this.runner.cancel(messageId);
  }

  /** Edit-and-resend an earlier message (loop/resend.ts says how the model sees it). */
  async editMessage(messageId: string, text: string, clientId: string | undefined, accountBudget: boolean) {
    await this.setAccountBudget(accountBudget);
    return answer(this.runner.edit(messageId, text, clientId));
  }

  /** Answer an earlier message again. */
  async regenerate(messageId: string, clientId: string | undefined, accountBudget: boolean) {
    await this.setAccountBudget(accountBudget);
    return answer(this.runner.regenerate(messageId, clientId));
  }

  /** Run the latest run again, which failed or was stopped. */
  async retryRun(runId: string, clientId: string | undefined, accountBudget: boolean) {
    await this.setAccountBudget(accountBudget);
    return answer(this.runner.retry(runId, clientId));
  }

  /** Resume after a Stop: queued messages and reports start now instead of with the next message. */
  async resume(accountBudget: boolean): Promise<{ runId: string | null; held: boolean }> {
    await this.setAccountBudget(accountBudget);
    const runId = this.runner.release();
    return { runId: runId && this.store.activeRunId() === runId ? runId : null, held: false };
  }

  /** The whole conversation as Markdown or JSON, streamed from the event log (objects/export.ts). */
  exportConversation(format: "md" | "json"): ReadableStream<Uint8Array> {
    return exportStream(this.log, this.store.config(), this.registry.totals(), format);
  }

  /** Where the conversation mentions `query` (objects/search.ts). */
  search(query: string, limit: number): SearchResponse {
    return searchConversation(this.log, query, limit);
  }

  /** A file changed outside the loop (the user, through the API). */
  async fileChanged(change: { path: string; size: number; by: string; deleted?: boolean }): Promise<void> {
    this.emit({ type: "file.changed", ...change });
  }

  // ---- agents: registry and direct control ----

  agents(): AgentSummary[] {
    return this.registry.list();
  }

  agent(agentId: string): AgentSummary | null {
    return this.registry.find(agentId);
  }

  /** The user's own task for an agent: its task id, the agent's refusal, or null if it's gone. */
  messageAgent(agentId: string, text: string, clientId?: string) {
    return this.team.userTask(agentId, text, clientId);
  }

  /** The user's "New agent": created like create_agent's, exactly once per key. */
  createAgent(key: string, spec: AgentSpec) {
    return this.team.userAgent(key, spec);
  }

  interruptAgent(agentId: string): Promise<boolean | null> {
    return this.team.interrupt(agentId);
  }

  /**
   * Deletes an agent. Its spend stays in the team's totals (and so in the budget): the agent
   * settles its run, bills it to D1 and hands back its final totals before it erases itself.
   */
  async deleteAgent(agentId: string): Promise<boolean> {
    const agent = this.agent(agentId);
    if (!agent) return false;
    const final = await this.agentStub(agent.id).destroy();
    // Not retired when a concurrent call deleted it meanwhile.
    if (this.registry.retire(agent.id, final)) await this.flush();
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
    if (replaces) this.budget.settle((key, r) => key === replaces && r.agentId === agentId);
    if (!this.agent(agentId)) return { refusal: "This agent was deleted.", account: false };
    return this.budget.reserve(reservationId, usd, agentId);
  }

  /** Applies an agent's notices in order, once each (they are retried until acknowledged). */
  async agentNotices(agentId: string, notices: NumberedNotice[]): Promise<void> {
    const completed = this.registry.applyNotices(agentId, notices);
    if (!completed) return;
    for (const id of completed) this.onAgentFinished(id);
    await this.flush();
  }

  // ---- loop hooks ----

  /**
   * Its tools and its connectors' MCP tools, minus those the policy denies (a denied tool is not
   * offered to the model).
   */
  protected tools(): Tool[] {
    const c = this.store.config();
    const allowed = (name: string) => decide(c.toolPolicy, name) !== "deny";
    return [
      ...(orchestratorTools as Tool[]).filter((t) => allowed(t.name)),
      ...connectorTools(c.connectors, allowed),
    ];
  }

  protected toolContext(base: ToolContext): OrchestratorToolContext {
    return this.team.toolContext(base);
  }

  /** The preamble, the user's agent templates (as this run saw them), then the user's own prompt. */
  protected system(): string {
    const c = this.store.config();
    const templates = describeTemplates(this.store.get("templates")?.list ?? []);
    return [PREAMBLE, templates, c.system].filter(Boolean).join("\n\n");
  }

  /**
   * Every drive of a run starts with a heartbeat: the first one of a run reads the user's templates
   * for its system prompt, once, in one D1 batch with the user's key for the call that follows —
   * or takes them from the send that started the run, which read them with its admission.
   * Later drives in this instance (after a wait) reuse the list; a restarted object reads it again.
   * The list is written only when it changed, so an unchanged one costs a run no row.
   */
  protected override async heartbeat(): Promise<void> {
    await super.heartbeat();
    const runId = this.store.activeRunId();
    if (!runId || this.templatesRead === runId) return;
    const { userId } = this.store.config();
    const seen = this.store.get("templates");
    let list = seen?.list ?? [];
    let ahead = this.readAheadOf;
    this.readAheadOf = null;
    if (ahead && (ahead.userId !== userId || Date.now() - ahead.at > PRIMED_MS)) ahead = null;
    try {
      const at = ahead?.at ?? Date.now();
      this.firstReads[ahead ? "ahead" : "own"]++;
      const [templates, key] = ahead?.results ?? (await this.env.DB.batch(this.firstReadsOf(userId)));
      list = toDigests(templates!.results as DigestRow[]);
      const sealed = (key!.results[0] as { sealed: string | null } | undefined)?.sealed ?? null;
      this.models.prime(userId, sealed, at);
    } catch (err) {
      // The run goes on with the list the previous run saw.
      console.error("reading agent templates failed", err);
    }
    this.templatesRead = runId;
    if (JSON.stringify(list) !== JSON.stringify(seen?.list ?? []))
      this.store.set("templates", { runId, list });
  }

  /** A run's first reads: the user's agent templates and their sealed model key. */
  private firstReadsOf(userId: string): D1PreparedStatement[] {
    return [templateDigestsStatement(this.env.DB, userId), sealedModelKeyStatement(this.env.DB, userId)];
  }

  /** A send to an idle orchestrator starts a run at once: its first reads ride the admission batch. */
  protected override readAhead(userId: string) {
    if (this.store.activeRunId()) return null;
    return {
      statements: this.firstReadsOf(userId),
      use: (results: D1Result[]) => {
        this.readAheadOf = { at: Date.now(), userId, results };
      },
    };
  }

  protected override budgeted(): boolean {
    return this.budget.holdsAny();
  }

  protected async reserve(
    reservationId: string,
    usd: number,
    replaces: string | null,
  ): Promise<{ refusal: string | null; account: boolean }> {
    if (replaces) this.budget.settle((key) => key === replaces);
    return this.budget.reserve(reservationId, usd, null);
  }

  protected messageCheckpointed(_usage: Usage, _cost: number, settles: string | null): void {
    // D1 totals follow from the message row (a trigger); only the live stream needs telling.
    if (settles) this.budget.settle((key) => key === settles);
    this.registry.emitUsage();
  }

  protected async runEnded(
    _runId: string,
    _end: RunEnd,
    _trigger: string,
    held: string | null,
  ): Promise<void> {
    if (held) this.budget.settle((key) => key === held);
    this.store.set("status", "idle");
    await this.flushSoon();
  }

  protected snapshotExtras(): Partial<StreamState> {
    const run = this.runner.activeRun();
    return {
      held: this.store.get("held") ?? false,
      queuedReports: this.store.inbox.count("agent_report"),
      pendingApprovals: this.listApprovals().length,
      agents: this.agents(),
      totals: this.registry.totals(),
      status: run ? (run.status === "waiting" ? "waiting" : "executing") : "idle",
    };
  }

  protected async interruptFromClient(agents: boolean): Promise<void> {
    await this.interrupt({ agents });
  }

  protected override async onAlarm(): Promise<void> {
    const waiting = this.store.get("waiting");
    if (waiting && Date.now() >= waiting.deadline) {
      const named = this.registry.named(waiting.names);
      this.runner.resolveWait(waiting.toolUseId, summariseWait(named, true));
    }
  }

  protected override deadline(): number | null {
    return this.store.get("waiting")?.deadline ?? null;
  }

  // ---- internals ----

  private agentStub(agentId: string) {
    return agentStub(this.env, agentId);
  }

  private onAgentFinished(agentId: string): void {
    const waiting = this.store.get("waiting");
    const agent = this.agent(agentId);
    if (!agent) return;
    if (waiting?.names.includes(agent.name)) {
      const named = this.registry.named(waiting.names);
      if (named.every(isSettled)) {
        this.store.inbox.takeReports(
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
      { agentId },
    );
  }
}
