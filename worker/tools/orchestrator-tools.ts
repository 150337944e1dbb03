// The orchestrator's tools: create, command, watch, wait for, interrupt and delete agents, and read
// the shared workspace. They act through the host (the Orchestrator object), which owns the registry.
import { z } from "zod";
import { type AgentTemplate, agentNameSchema, INPUT_LIMITS } from "../../schema/api";
import type { AgentSummary, StreamEvent } from "../../schema/events";
import { formatUsd, USAGE_FIELDS } from "../../schema/money";
import type { Workspace } from "../db/workspace/workspace";
import { issueSentence } from "../http/issues";
import { TEAM_LIMITS } from "../limits";
import { DEFAULT_AGENT_MODEL, MODELS } from "../llm/prices";
import { defineTool, type Tool, type ToolContext, ToolError } from "../loop/tool";
import { SERVER_TOOLS } from "../policy/tool-policy";
import { type AgentSpec, resolveAgentSpec } from "./agent-spec";
import { AGENT_TOOL_NAMES, readOnlyWorkspaceTools } from "./agent-tools";

export const FINISHED = new Set(["complete", "failed", "interrupted", "idle"]);

/** Finished and its result delivered (status can arrive before the result), or never given work. */
export const isSettled = (a: AgentSummary): boolean =>
  FINISHED.has(a.status) && (a.result !== null || a.task === null);

/** What the tools need from the Orchestrator object. */
export type OrchestratorToolContext = ToolContext & {
  workspace: Workspace;
  agents: () => AgentSummary[];
  findAgent: (name: string) => AgentSummary;
  createAgent: (toolUseId: string, spec: AgentSpec) => Promise<AgentSummary>;
  /** The user's template of this name (D1), or null; and the names of all of them. */
  template: (name: string) => Promise<AgentTemplate | null>;
  templateNames: () => Promise<string[]>;
  commandAgent: (agent: AgentSummary, taskId: string, task: string) => Promise<string>;
  agentTail: (agent: AgentSummary, n: number) => Promise<StreamEvent[]>;
  agentOutput: (agent: AgentSummary) => Promise<{ result: string | null; lastText: string | null }>;
  interruptAgent: (agent: AgentSummary) => Promise<boolean>;
  deleteAgent: (agent: AgentSummary) => Promise<void>;
  /** Marks queued reports of these agents as delivered (a wait returned them). */
  reportsDelivered: (agentIds: string[]) => void;
};

const agentName = agentNameSchema;

export function describeAgent(a: AgentSummary): string {
  const t = a.totals;
  const tokens = USAGE_FIELDS.map((f) => `${t[f.key]} ${f.short}`).join(", ");
  return [
    `${a.name}: ${a.status}${a.note ? ` — ${a.note}` : ""}`,
    `  model ${a.model}; tokens: ${tokens}; ${formatUsd(t.costUsd)}`,
    a.task ? `  task: ${a.task.slice(0, 300)}` : null,
    a.result ? `  result: ${a.result.slice(0, 500)}` : null,
  ]
    .filter(Boolean)
    .join("\n");
}

/** JSON, so both a model and scripts can read which agents finished and what they reported. */
export function summariseWait(agents: AgentSummary[], timedOut: boolean): string {
  return JSON.stringify({
    timedOut,
    agents: agents.map((a) => ({
      name: a.name,
      status: isSettled(a) ? a.status : a.status === "idle" ? "executing" : a.status,
      result: isSettled(a) ? a.result : null,
    })),
  });
}

function summariseEvent(e: StreamEvent): string | null {
  switch (e.type) {
    case "tool.called":
      return `called ${e.name} ${JSON.stringify(e.input).slice(0, 160)}`;
    case "tool.result":
      return `${e.isError ? "error" : "result"}: ${e.content.slice(0, 160)}`;
    case "message.completed":
      return `message ${e.stopReason}`;
    case "run.started":
    case "run.completed":
    case "run.interrupted":
      return e.type;
    case "run.failed":
      return `run failed: ${e.error.message}`;
    case "message.user":
      return `task: ${e.text.slice(0, 160)}`;
    default:
      return null;
  }
}

type Ctx = OrchestratorToolContext;

export const orchestratorTools: Tool<Ctx>[] = [
  defineTool({
    name: "create_agent",
    phase: 0,
    description: `Create a specialised agent with its own tool loop over the shared workspace, from scratch or from one of the user's agent templates. Models: ${MODELS.map((m) => m.id).join(", ")} (default ${DEFAULT_AGENT_MODEL}). Tools default to all of: ${AGENT_TOOL_NAMES.join(", ")}.`,
    schema: z.object({
      name: agentName,
      template: agentName
        .optional()
        .describe("Start from the user's agent template of this name; the fields you give override its"),
      instructions: z
        .string()
        .min(1)
        .max(INPUT_LIMITS.instructionsChars)
        .optional()
        .describe("Who the agent is and how it should work (required unless template is given)"),
      model: z.string().optional(),
      tools: z
        .array(
          z.union([
            z.enum([...new Set([...AGENT_TOOL_NAMES, ...SERVER_TOOLS])] as [string, ...string[]]),
            // A connector's tool, or all of one connector's (mcp__<connector>__*).
            z.string().regex(/^mcp__[a-z][a-z0-9_-]{0,23}__(?:\*|[A-Za-z0-9_-]{1,64})$/),
          ]),
        )
        .optional()
        .describe(
          "Only these tools (narrows the orchestrator's tool policy; report is always on). Connector tools: mcp__<connector>__<tool>, or mcp__<connector>__* for all of one",
        ),
    }),
    async run(input, ctx: Ctx) {
      let template: AgentTemplate | null = null;
      if (input.template) {
        template = await ctx.template(input.template);
        if (!template) {
          const names = await ctx.templateNames();
          throw new ToolError(
            `There is no agent template named ${input.template}. Templates: ${names.join(", ") || "none"}.`,
          );
        }
      }
      const r = resolveAgentSpec(input, template, ctx.config.toolPolicy);
      if ("problems" in r) throw new ToolError(`${issueSentence(r.problems)}.`);
      // The name and the agent cap are checked by the orchestrator, atomically with the claim.
      const agent = await ctx.createAgent(ctx.toolUseId, r.spec);
      const from = template ? ` from template ${template.name}` : "";
      return {
        content: `Created agent ${agent.name} (${agent.model})${from}. Give it work with command_agent.`,
      };
    },
  }),
  defineTool({
    name: "list_agents",
    description: "List your agents with status, model, usage and latest result.",
    schema: z.object({}),
    async run(_input, ctx: Ctx) {
      const all = ctx.agents();
      return { content: all.length ? all.map(describeAgent).join("\n") : "No agents yet." };
    },
  }),
  defineTool({
    name: "command_agent",
    description:
      "Give an agent a task. Returns at once; the agent works in the background. Use wait_for_agents to wait.",
    schema: z.object({ name: agentName, task: z.string().min(1).max(100_000) }),
    async run(input, ctx: Ctx) {
      const agent = ctx.findAgent(input.name);
      const running = ctx.agents().filter((a) => a.status === "executing" && a.id !== agent.id).length;
      if (running >= TEAM_LIMITS.maxConcurrentAgentRuns) {
        throw new ToolError(
          `${running} agents are already working (the limit). Wait for some to finish first.`,
        );
      }
      return { content: await ctx.commandAgent(agent, ctx.toolUseId, input.task) };
    },
  }),
  defineTool({
    name: "check_agent_status",
    description: "An agent's status, usage, task and its most recent steps.",
    schema: z.object({ name: agentName, tail: z.number().int().min(1).max(50).optional() }),
    async run(input, ctx: Ctx) {
      const agent = ctx.findAgent(input.name);
      const recent = (await ctx.agentTail(agent, 200))
        .map(summariseEvent)
        .filter((l): l is string => l !== null);
      const tail = recent.slice(-(input.tail ?? 10));
      return {
        content: `${describeAgent(agent)}\nrecent steps:\n${tail.map((l) => `  - ${l}`).join("\n") || "  (none)"}`,
      };
    },
  }),
  defineTool({
    name: "read_agent_output",
    description: "The agent's reported result, or its latest message if it has not reported.",
    schema: z.object({ name: agentName }),
    async run(input, ctx: Ctx) {
      const agent = ctx.findAgent(input.name);
      const out = await ctx.agentOutput(agent);
      return { content: out.result ?? out.lastText ?? `${agent.name} has produced no output yet.` };
    },
  }),
  defineTool({
    name: "wait_for_agents",
    phase: 2,
    description:
      "Wait until the named agents finish (or the timeout passes) and get their results. Costs nothing while waiting.",
    schema: z.object({
      names: z.array(agentName).min(1).max(TEAM_LIMITS.maxAgents),
      timeoutSec: z.number().int().min(1).max(TEAM_LIMITS.maxWaitSec).optional(),
    }),
    async run(input, ctx: Ctx) {
      const agents = input.names.map((n) => ctx.findAgent(n));
      if (agents.every(isSettled)) {
        ctx.reportsDelivered(agents.map((a) => a.id));
        return { content: summariseWait(agents, false) };
      }
      const deadline = Date.now() + (input.timeoutSec ?? TEAM_LIMITS.defaultWaitSec) * 1000;
      return { suspend: { names: input.names, deadline, agentIds: agents.map((a) => a.id) } };
    },
  }),
  defineTool({
    name: "interrupt_agent",
    description: "Stop an agent's current work at once.",
    schema: z.object({ name: agentName }),
    async run(input, ctx: Ctx) {
      const agent = ctx.findAgent(input.name);
      const stopped = await ctx.interruptAgent(agent);
      return { content: stopped ? `Interrupted ${agent.name}.` : `${agent.name} was not running.` };
    },
  }),
  defineTool({
    name: "delete_agent",
    description: "Delete an agent and its history. Its files stay in the workspace.",
    schema: z.object({ name: agentName }),
    async run(input, ctx: Ctx) {
      const agent = ctx.findAgent(input.name);
      await ctx.deleteAgent(agent);
      return { content: `Deleted ${agent.name}.` };
    },
  }),
  ...(readOnlyWorkspaceTools as Tool<Ctx>[]),
];
