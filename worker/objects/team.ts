// The team: its registry rows, its totals, and its budget (DESIGN §8 "Budgets hold per call"): before every model call of the orchestrator
// or any of its agents, spend + live reservations + that call's worst case must fit the
// orchestrator's budget; then, when the user has one, the account budget is held in D1 too.
// Reservations are kept in storage — a restart must not free budget a running call still holds —
// and lapse after RESERVATION_TTL_MS in case the notice that settles them never comes.
import type { AgentSummary, Totals } from "../../schema/events";
import { zeroTotals } from "../../schema/events";
import { addUsage, formatBudget, roundUsd, usdText } from "../../schema/money";
import type { ObjectConfig, Store } from "../db/store";
import { modelInfo } from "../llm/prices";
import { RESERVATION_TTL_MS, reserveAccount } from "../policy/account-budget";
import type { Reservation } from "./rpc";

export const addTotals = (a: Totals, b: Totals): Totals => ({
  ...addUsage(a, b),
  costUsd: roundUsd(a.costUsd + b.costUsd),
});

/** The team's spend: the orchestrator's own calls, its live agents' and its deleted agents'. */
export function teamTotals(store: Store, agents: AgentSummary[]): Totals {
  return agents.reduce(
    (sum, a) => addTotals(sum, a.totals),
    addTotals(store.get("totals") ?? zeroTotals(), store.get("retiredTotals") ?? zeroTotals()),
  );
}

/** The D1 row of an agent as the registry holds it. */
export function agentRow(c: ObjectConfig, a: AgentSummary) {
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

/** A new agent's registry entry. */
export function newAgentSummary(
  id: string,
  spec: { name: string; instructions: string; model: string; tools: string[] | null },
): AgentSummary {
  return {
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
}

type Held = { usd: number; agentId: string | null };

export class TeamBudget {
  constructor(
    private readonly store: Store,
    private readonly db: D1Database,
    private readonly spent: () => number,
  ) {}

  /** Whether `reserve` would hold anything: the team has a budget, or the user's account has one. */
  holdsAny(): boolean {
    const c = this.store.config();
    return (c.budgetUsd !== null && c.budgetUsd !== undefined) || c.accountBudget === true;
  }

  /**
   * The team budget (here, in storage), then the user's account budget (in D1, only when they
   * have one). A refusal at the account releases the team hold again.
   */
  async reserve(key: string, usd: number, agentId: string | null): Promise<Reservation> {
    const team = this.hold(key, usd, agentId);
    if (team) return { refusal: team, account: false };
    const c = this.store.config();
    if (!c.accountBudget) return { refusal: null, account: false };
    let refusal: string | null;
    try {
      refusal = await reserveAccount(this.db, c.userId, key, usd);
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

  private hold(key: string, usd: number, agentId: string | null): string | null {
    const budget = this.store.config().budgetUsd;
    if (budget === null || budget === undefined) return null;
    const now = Date.now();
    const live = Object.entries(this.store.get("reservations") ?? {}).filter(
      ([k, r]) => k !== key && now - r.at < RESERVATION_TTL_MS,
    );
    const spent = this.spent();
    const reserved = live.reduce((sum, [, r]) => sum + r.usd, 0);
    if (spent + reserved + usd > budget) {
      return `The orchestrator's budget of ${formatBudget(budget)} would be exceeded: ${usdText(spent)} spent, ${usdText(reserved)} reserved by running calls, and this call may cost up to ${usdText(usd)}.`;
    }
    this.store.set("reservations", { ...Object.fromEntries(live), [key]: { usd, agentId, at: now } });
    return null;
  }

  /** A notice's release: its own reservation, or (notices from older code) all the agent held. */
  settleFor(agentId: string, settles: string | null | undefined): void {
    if (settles === undefined) this.settle((_key, r) => r.agentId === agentId);
    else if (settles !== null) this.settle((key, r) => key === settles && r.agentId === agentId);
  }

  /** Releases the reservations `which` picks. */
  settle(which: (key: string, r: Held) => boolean): void {
    const all = this.store.get("reservations");
    if (!all) return;
    const kept = Object.entries(all).filter(([k, r]) => !which(k, r));
    if (kept.length !== Object.keys(all).length) this.store.set("reservations", Object.fromEntries(kept));
  }
}
