// Route table: agent templates — reusable agent definitions, per user, that create_agent {template}
// and POST …/agents start from (the orchestrator's system prompt lists them).
import { createTemplateBody, templateList, templateSchema, updateTemplateBody } from "../../../schema/api";
import { TEMPLATE_LIMITS } from "../../limits";
import type { RouteSpec } from "./route-spec";

const template = { id: "template" } as const;
const TOOLS = "`tools` must be workspace or server tools (GET /api/tools); leave it out for all of them.";

export const templateRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/templates",
    operationId: "listTemplates",
    summary: "Your agent templates, by name",
    tag: "Templates",
    auth: "caller",
    ok: { status: 200, description: "Templates", schema: templateList },
  },
  {
    method: "POST",
    path: "/api/templates",
    operationId: "createTemplate",
    summary: "Save an agent template",
    description:
      "The orchestrator's system prompt lists your templates (name and description) from its next run on; " +
      `\`create_agent {name, template}\` and \`POST /api/orchestrators/{id}/agents\` start from one. ${TOOLS}`,
    tag: "Templates",
    auth: "caller",
    body: {
      type: "json",
      schema: createTemplateBody,
      example: {
        name: "writer",
        description: "Turns research notes into a clear, short article",
        instructions: "You are a writer. Read the notes you are pointed to and write a clear article.",
        model: "claude-haiku-5-5",
        tools: ["read_file", "write_file"],
      },
    },
    ok: { status: 201, description: "Saved", schema: templateSchema },
    errors: {
      template_exists: "you have a template with that name",
      too_many_templates: `you have ${TEMPLATE_LIMITS.maxPerUser} templates; delete one first`,
    },
  },
  {
    method: "GET",
    path: "/api/templates/{id}",
    operationId: "getTemplate",
    summary: "One agent template",
    tag: "Templates",
    auth: "caller",
    params: template,
    ok: { status: 200, description: "The template", schema: templateSchema },
  },
  {
    method: "PATCH",
    path: "/api/templates/{id}",
    operationId: "updateTemplate",
    summary: "Change an agent template",
    description: `Fields left out stay; \`null\` clears description, model or tools. Agents made from it keep what they were given. ${TOOLS}`,
    tag: "Templates",
    auth: "caller",
    params: template,
    body: { type: "json", schema: updateTemplateBody, example: { description: "Writes short articles" } },
    ok: { status: 200, description: "The template as changed", schema: templateSchema },
    errors: { template_exists: "you have another template with that name" },
  },
  {
    method: "DELETE",
    path: "/api/templates/{id}",
    operationId: "deleteTemplate",
    summary: "Delete an agent template (agents made from it stay)",
    tag: "Templates",
    auth: "caller",
    params: template,
    ok: { status: 204, description: "Deleted" },
  },
];
