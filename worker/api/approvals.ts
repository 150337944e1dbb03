// /api/orchestrators/:id/approvals (DESIGN §9): the pending approvals of an orchestrator and its
// agents, and the user's decision on one. A foreign or unknown id is 404; a second decision 409.
import { Hono } from "hono";
import { decideApprovalBody } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import type { AppEnv } from "../http/context";
import { ApiError, notFound } from "../http/errors";
import { readJson } from "../http/validate";
import { orchestratorStub } from "../objects/stubs";
import { ownedOrchestrator } from "./access";

export const approvalRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    return c.json({ approvals: await orchestratorStub(c.env, orch.id).listApprovals() });
  })
  .post("/:approvalId", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const body = await readJson(c, decideApprovalBody);
    const r = await orchestratorStub(c.env, orch.id).decideApproval(
      c.req.param("approvalId"),
      body.decision,
      body.note,
    );
    if ("approval" in r && r.approval && !("error" in r)) return c.json(r.approval);
    if ("error" in r && r.error === "already_decided") {
      throw new ApiError(
        409,
        "already_decided",
        "That approval was already decided; the first decision stands.",
        {
          approval: r.approval,
        },
      );
    }
    throw notFound("That approval");
  });
