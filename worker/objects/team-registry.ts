// The orchestrator's own record of its agents, kept in its storage: each agent's card (what the
// snapshot, the tools and the API read), what the agents' notices change on it, the copies of their
// approvals, and what stays when one is deleted — its spend, in the team's totals. Commands that go
// out to the agents are in team-control.ts; the budget is in team.ts.
import type { AgentSummary, EventBody, Totals } from "../../schema/events";
import { zeroTotals } from "../../schema/events";
import { queueD1 } from "../db/outbox";
import type { Store } from "../db/store";
import type { Approval } from "../db/store-types";
import { keepRecent } from "../loop/approvals";
import { type NumberedNotice, noticeEffect } from "./notices";
import { addTotals, agentRow, type TeamBudget, teamTotals } from "./team";

/** The larger of two cumulative snapshots of the same agent's totals (notices may lag). */
const latest = (a: Totals, b: Totals): Totals => (b.costUsd > a.costUsd ? b : a);

export class TeamRegistry {
  constructor(
    private readonly store: Store,
    private readonly emit: (body: EventBody) => void,
    private readonly budget: TeamBudget,
  ) {}

  list(): AgentSummary[] {
    return this.store.get("agents") ?? [];
  }

  find(agentId: string): AgentSummary | null {
    return this.list().find((a) => a.id === agentId) ?? null;
  }

  /** The agents a wait names, in its order: those still on the team. */
  named(names: string[]): AgentSummary[] {
    return names.map((n) => this.list().find((a) => a.name === n)).filter((a): a is AgentSummary => !!a);
  }

  /** A new agent on the team: its card, `agent.created` and its D1 row, in one transaction. */
  add(agent: AgentSummary): void {
    this.store.transaction(() => {
      this.store.set("agents", [...this.list(), agent]);
      this.emit({ type: "agent.created", agent });
      queueD1(this.store, { kind: "agent", row: this.row(agent) });
    });
  }

  patch(agentId: string, patch: Partial<AgentSummary>): void {
    this.store.set(
      "agents",
      this.list().map((a) => (a.id === agentId ? { ...a, ...patch } : a)),
    );
  }

  /** The agent's D1 row. */
  row(a: AgentSummary) {
    return agentRow(this.store.config(), a);
  }

  /** Its own calls, every live agent's, and every deleted agent's: never goes down. */
  totals(): Totals {
    return teamTotals(this.store, this.list());
  }

  emitUsage(): void {
    this.emit({
      type: "usage.updated",
      totals: this.totals(),
      contextTokens: this.store.get("contextTokens") ?? 0,
    });
  }

  /** The agents' pending approvals, as mirrored from their notices. */
  pendingApprovals(): Approval[] {
    return Object.values(this.store.get("agentApprovals") ?? {}).filter((a) => a.status === "pending");
  }

  /** The mirrored copy of an agent's approval. */
  approval(approvalId: string): Approval | undefined {
    return this.store.get("agentApprovals")?.[approvalId];
  }

  /**
   * Takes a destroyed agent off the team: its spend (`final`, the totals it handed back, or its card's)
   * moves to the retired totals, its reservations and mirrored approvals go, and the deletion is
   * announced and queued for D1. False when it was already gone (a concurrent delete).
   */
  retire(agentId: string, final: { totals: Totals } | null): boolean {
    const current = this.find(agentId);
    if (!current) return false;
    this.store.transaction(() => {
      const spent = final ? latest(current.totals, final.totals) : current.totals;
      this.store.set("retiredTotals", addTotals(this.store.get("retiredTotals") ?? zeroTotals(), spent));
      this.store.set(
        "agents",
        this.list().filter((a) => a.id !== agentId),
      );
      this.budget.settle((_key, r) => r.agentId === agentId);
      // Its pending approvals went with it.
      const mirrored = this.store.get("agentApprovals") ?? {};
      this.store.set(
        "agentApprovals",
        Object.fromEntries(Object.entries(mirrored).filter(([, m]) => m.agentId !== agentId)),
      );
      this.emit({ type: "agent.deleted", agentId });
      queueD1(this.store, { kind: "agent", row: { ...this.row(current), deletedAt: Date.now() } });
      this.emitUsage();
    });
    return true;
  }

  /**
   * Applies an agent's notices in order, once each (they are retried until acknowledged). Returns
   * the agent's id once per completion among them, or null when every one was applied before.
   */
  applyNotices(agentId: string, notices: NumberedNotice[]): string[] | null {
    const cursor = this.store.get("noticeCursor") ?? {};
    let last = cursor[agentId] ?? 0;
    const fresh = notices.filter((n) => n.id > last).sort((a, b) => a.id - b.id);
    if (!fresh.length) return null;
    const completed: string[] = [];
    this.store.transaction(() => {
      for (const n of fresh) {
        last = n.id;
        const agent = this.find(agentId);
        if (!agent) continue;
        const effect = noticeEffect(n, agent);
        if (effect.patch) this.patch(agentId, effect.patch);
        for (const e of effect.events) this.emit(e);
        if (n.kind === "usage" || n.kind === "completed") this.budget.settleFor(agentId, n.settles);
        if (n.kind === "usage") this.emitUsage();
        if (n.kind === "approval") this.mirrorApproval(n.approval);
        if (n.kind === "completed") completed.push(agentId);
      }
      this.store.set("noticeCursor", { ...cursor, [agentId]: last });
      const updated = this.find(agentId);
      if (updated) queueD1(this.store, { kind: "agent", row: this.row(updated) });
    });
    return completed;
  }

  /** Keeps a copy of an agent's approval, for the list, the snapshot and routing decisions. */
  private mirrorApproval(a: Approval): void {
    this.store.set(
      "agentApprovals",
      keepRecent({ ...(this.store.get("agentApprovals") ?? {}), [a.approvalId]: a }),
    );
  }
}
