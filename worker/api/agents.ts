// /api/orchestrators/:id/agents: the agents of an orchestrator the caller owns, and direct control.
import { Hono } from "hono";
import { agentMessageBody, createAgentBody } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import { findTemplate } from "../db/templates";
import type { AppEnv } from "../http/context";
import { ApiError, invalidInput, notFound, refuse } from "../http/errors";
import { readJson } from "../http/validate";
import { orchestratorStub } from "../objects/stubs";
import { admitSend } from "../policy/admission";
import { resolveAgentSpec } from "../tools/agent-spec";
import { agentToolProblems } from "../tools/catalogue";
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
  // The user's "New agent": what create_agent does, without asking the orchestrator.
  .post("/", async (c) => {
    const orch = await ownedOrchestrator(c, ids(c).id);
    const body = await readJson(c, createAgentBody);
    const unknown = agentToolProblems(body.tools);
    if (unknown.length) throw invalidInput(unknown);
    refuseIfArchived(orch);
    const template = body.template ? await findTemplate(c.env.DB, c.var.caller.userId, body.template) : null;
    if (body.template && !template) {
      throw invalidInput([{ field: "template", message: `you have no template named ${body.template}` }]);
    }
    const r = resolveAgentSpec(body, template, orch.toolPolicy);
    if ("problems" in r) throw invalidInput(r.problems);
    const out = await orchestratorStub(c.env, orch.id).createAgent(
      body.clientId ?? crypto.randomUUID(),
      r.spec,
    );
    if ("refused" in out) {
      const { code, message } = out.refused;
      throw code === "agent_exists"
        ? new ApiError(409, "agent_exists", message)
        : new ApiError(409, "too_many_agents", message);
    }
    return c.json(out.agent, 201);
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
