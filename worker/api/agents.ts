// /api/orchestrators/:id/agents: the agents of an orchestrator the caller owns, and direct control.
import { Hono } from "hono";
import { agentMessageBody } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import type { AppEnv } from "../http/context";
import { ApiError, notFound, refuse } from "../http/errors";
import { readJson } from "../http/validate";
import { orchestratorStub } from "../objects/stubs";
import { admitSend } from "../policy/admission";
import { ownedAgent, ownedOrchestrator, refuseIfArchived } from "./access";
import { eventsPage, sseStream, webSocket } from "./streams";

const ids = (c: { req: { param: (k: string) => string | undefined } }) => ({
  id: c.req.param("id") ?? "",
  agentId: c.req.param("agentId") ?? "",
});

export const agentRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => {
    const orch = await ownedOrchestrator(c, ids(c).id);
    return c.json({ agents: await orchestratorStub(c.env, orch.id).agents() });
  })
  .get("/:agentId", async (c) => {
    const { agent } = await ownedAgent(c, ids(c).id, ids(c).agentId);
    return c.json(agent);
  })
  .post("/:agentId/messages", async (c) => {
    const { orch, agent } = await ownedAgent(c, ids(c).id, ids(c).agentId);
    const body = await readJson(c, agentMessageBody);
    refuseIfArchived(orch);
    refuse((await admitSend(c.env, c.var.caller.userId)).refusal);
    const r = await orchestratorStub(c.env, orch.id).messageAgent(agent.id, body.text, body.clientId);
    if (!r) throw notFound("That agent");
    if ("refused" in r) throw new ApiError(409, "queue_full", r.refused);
    return c.json({ agentId: agent.id, taskId: r.taskId }, 202);
  })
  .post("/:agentId/interrupt", async (c) => {
    const { orch, agent } = await ownedAgent(c, ids(c).id, ids(c).agentId);
    const interrupted = await orchestratorStub(c.env, orch.id).interruptAgent(agent.id);
    return c.json({ interrupted: interrupted ?? false });
  })
  .delete("/:agentId", async (c) => {
    const { orch, agent } = await ownedAgent(c, ids(c).id, ids(c).agentId);
    await orchestratorStub(c.env, orch.id).deleteAgent(agent.id);
    return c.body(null, 204);
  })
  .get("/:agentId/events", async (c) => eventsPage(c, (await ownedAgent(c, ids(c).id, ids(c).agentId)).stub))
  .get("/:agentId/stream", async (c) => sseStream(c, (await ownedAgent(c, ids(c).id, ids(c).agentId)).stub))
  .get("/:agentId/ws", async (c) => webSocket(c, (await ownedAgent(c, ids(c).id, ids(c).agentId)).stub));
