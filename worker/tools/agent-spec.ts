// What an agent is made of, from what its creator gave and the template it named: explicit fields
// override the template's. Shared by create_agent (the orchestrator's tool) and POST …/agents (the
// user's "New agent"), so both refuse the same things in the same words, naming the field.
import type { AgentTemplate } from "../../schema/api";
import type { TemplateDigest } from "../db/templates";
import type { FieldIssue } from "../http/issues";
import { DEFAULT_AGENT_MODEL, isKnownModel, MODELS } from "../llm/prices";
import { decide, type ToolPolicy } from "../policy/tool-policy";

export type AgentSpec = { name: string; instructions: string; model: string; tools: string[] | null };

export type AgentSpecInput = {
  name: string;
  instructions?: string;
  model?: string;
  tools?: string[];
};

/** The agent to create, or the problems with it (each naming its field). */
export function resolveAgentSpec(
  input: AgentSpecInput,
  template: AgentTemplate | null,
  policy: ToolPolicy | null | undefined,
): { spec: AgentSpec } | { problems: FieldIssue[] } {
  const problems: FieldIssue[] = [];
  const instructions = input.instructions ?? template?.instructions;
  if (!instructions)
    problems.push({ field: "instructions", message: "is required unless you name a template" });
  const model = input.model ?? template?.model ?? DEFAULT_AGENT_MODEL;
  if (!isKnownModel(model)) {
    problems.push({
      field: "model",
      message: `${model} is not a model Baton has; use one of ${MODELS.map((m) => m.id).join(", ")}`,
    });
  }
  const tools = input.tools ?? template?.tools ?? null;
  // An agent's tools can only narrow the policy: a denied tool can't be handed out.
  const denied = (tools ?? []).filter((t) => decide(policy, t) === "deny");
  if (denied.length) {
    problems.push({
      field: "tools",
      message: `the tool policy denies ${denied.join(", ")}; leave ${denied.length > 1 ? "them" : "it"} out`,
    });
  }
  if (problems.length || !instructions) return { problems };
  return { spec: { name: input.name, instructions, model, tools } };
}

/** The templates part of the orchestrator's system prompt: what exists and how to use it. */
export function describeTemplates(templates: readonly TemplateDigest[]): string {
  if (!templates.length) return "";
  const lines = templates.map((t) => {
    const extras = [t.model ? `model ${t.model}` : null, t.tools ? `tools ${t.tools.join(", ")}` : null]
      .filter(Boolean)
      .join("; ");
    return `- ${t.name}: ${t.about}${extras ? ` (${extras})` : ""}`;
  });
  return [
    "The user has saved these agent templates. To create an agent from one, call create_agent with",
    'its name as "template" (e.g. {"name":"…","template":"…"}); instructions, model or tools you pass',
    "override the template's.",
    ...lines,
  ].join("\n");
}
