// Route table: tools and approvals — the tool catalogue, and a person's decision on a tool call
// whose policy is "ask" (DESIGN §9).
import { approvalList, decideApprovalBody, toolCatalogue } from "../../../schema/api";
import { approvalInfoSchema } from "../../../schema/events";
import { orch } from "./params";
import type { RouteSpec } from "./route-spec";

export const approvalRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/tools",
    operationId: "listTools",
    summary: "Every tool an orchestrator's tool policy can name, with its kind and default policy",
    description:
      "Set policies with `PATCH /api/orchestrators/{id}` `{toolPolicy: {name: allow|ask|deny}}`. MCP tools are named " +
      "`mcp__<connector>__<tool>`, with `mcp__<connector>__*` for all of a connector's. Server tools can't be `ask`.",
    tag: "Orchestrators",
    auth: "caller",
    ok: { status: 200, description: "The catalogue", schema: toolCatalogue },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/approvals",
    operationId: "listApprovals",
    summary: "Tool calls of the orchestrator and its agents waiting for your approval",
    tag: "Orchestrators",
    auth: "caller",
    params: orch,
    ok: { status: 200, description: "Pending approvals, oldest first", schema: approvalList },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/approvals/{approvalId}",
    operationId: "decideApproval",
    summary: "Approve or deny a waiting tool call",
    description:
      "Approve: the call runs, once. Deny: the model gets an error result saying you denied it (with your note) " +
      "and goes on. Unanswered approvals are denied after the orchestrator's `approvalTimeoutSec`. Also as the " +
      'WebSocket frame `{"type":"approve","approvalId","decision","note?"}`.',
    tag: "Orchestrators",
    auth: "caller",
    params: { ...orch, approvalId: "approval" },
    body: { type: "json", schema: decideApprovalBody, example: { decision: "deny", note: "Not that file." } },
    ok: { status: 200, description: "The approval as decided", schema: approvalInfoSchema },
    errors: { already_decided: "it was decided already; the first decision stands" },
  },
];
