// Ownership checks. Object names are derived here, server-side, only after the caller is shown to
// own the orchestrator; a foreign id answers exactly like a missing one.
import { and, eq, sum } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { orchestrators, usageLedger, users } from "../../schema/d1";
import type { AppEnv } from "./context";
import { ApiError, notFound } from "./errors";

export type OrchestratorRow = typeof orchestrators.$inferSelect;

export async function ownedOrchestrator(c: Context<AppEnv>, id: string): Promise<OrchestratorRow> {
  const db = drizzle(c.env.DB);
  const [row] = await db
    .select()
    .from(orchestrators)
    .where(and(eq(orchestrators.id, id), eq(orchestrators.userId, c.var.caller.userId)));
  if (!row) throw notFound("That orchestrator");
  return row;
}

export function orchestratorStub(env: Env, id: string) {
  return env.ORCHESTRATOR.get(env.ORCHESTRATOR.idFromName(id));
}

export function agentStub(env: Env, agentId: string) {
  return env.AGENT.get(env.AGENT.idFromName(agentId));
}

/** The caller's own stub for an agent of an orchestrator they own, or 404. */
export async function ownedAgent(c: Context<AppEnv>, orchestratorId: string, agentId: string) {
  const orch = await ownedOrchestrator(c, orchestratorId);
  const agent = await orchestratorStub(c.env, orch.id).agent(agentId);
  if (!agent) throw notFound("That agent");
  return { orch, agent, stub: agentStub(c.env, agent.id) };
}

/** Refuses new work once the user's own spending cap is reached. */
export async function checkUserBudget(env: Env, userId: string): Promise<void> {
  const db = drizzle(env.DB);
  const [user] = await db.select({ budgetUsd: users.budgetUsd }).from(users).where(eq(users.id, userId));
  if (user?.budgetUsd === null || user?.budgetUsd === undefined) return;
  const [spent] = await db
    .select({ usd: sum(usageLedger.costUsd) })
    .from(usageLedger)
    .where(eq(usageLedger.userId, userId));
  const usd = Number(spent?.usd ?? 0);
  if (usd >= user.budgetUsd) {
    throw new ApiError(
      402,
      "budget_exceeded",
      `Your account budget of $${user.budgetUsd.toFixed(2)} is used up ($${usd.toFixed(4)} spent). Raise it in settings.`,
    );
  }
}
