// Ownership checks. Object names are derived here, server-side, only after the caller is shown to
// own the orchestrator; a foreign id answers exactly like a missing one.
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { orchestrators } from "../../schema/d1";
import type { AppEnv } from "../http/context";
import { ApiError, notFound } from "../http/errors";
import { agentStub, orchestratorStub } from "../objects/stubs";

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

/** New work for an archived orchestrator or any of its agents is refused until it is unarchived. */
export function refuseIfArchived(orch: OrchestratorRow): void {
  if (orch.status === "archived") {
    throw new ApiError(
      409,
      "archived",
      "This orchestrator is archived; unarchive it (PATCH status) to send messages.",
    );
  }
}

/** The caller's own stub for an agent of an orchestrator they own, or 404. */
export async function ownedAgent(c: Context<AppEnv>, orchestratorId: string, agentId: string) {
  const orch = await ownedOrchestrator(c, orchestratorId);
  const agent = await orchestratorStub(c.env, orch.id).agent(agentId);
  if (!agent) throw notFound("That agent");
  return { orch, agent, stub: agentStub(c.env, agent.id) };
}
