// The tools every agent gets: the shared workspace, and `report` to finish a task.
import { z } from "zod";
import { defineTool, type Tool, type ToolContext } from "./types";
import type { FileChange, Workspace } from "./workspace";

export type AgentToolContext = ToolContext & {
  workspace: Workspace;
  /** Tells the orchestrator's stream about a workspace change. */
  fileChanged: (change: FileChange) => void;
  /** Records the task's result (the run continues to its natural end). */
  setResult: (result: string) => void;
};

const path = z.string().min(1).describe("Workspace-relative path, e.g. notes/plan.md");

export const readOnlyWorkspaceTools = [
  defineTool({
    name: "list_files",
    description: "List every file in the shared workspace with its size and who last changed it.",
    schema: z.object({}),
    async run(_input, ctx: ToolContext & { workspace: Workspace }) {
      const list = await ctx.workspace.list();
      if (!list.length) return { content: "The workspace is empty." };
      return {
        content: list.map((f) => `${f.path}\t${f.size} bytes\tv${f.version}\tby ${f.updatedBy}`).join("\n"),
      };
    },
  }),
  defineTool({
    name: "read_file",
    description: "Read a file from the shared workspace.",
    schema: z.object({ path }),
    async run(input, ctx: ToolContext & { workspace: Workspace }) {
      const file = await ctx.workspace.read(input.path);
      if (!file) return { content: `${input.path} does not exist.`, isError: true };
      return { content: file.content };
    },
  }),
  defineTool({
    name: "search_files",
    description:
      "Search file paths and contents with a case-insensitive regular expression; returns path:line: text.",
    schema: z.object({ pattern: z.string().min(1).max(500) }),
    async run(input, ctx: ToolContext & { workspace: Workspace }) {
      const hits = await ctx.workspace.search(input.pattern);
      return { content: hits.length ? hits.join("\n") : "No matches." };
    },
  }),
];

export const agentTools: Tool<AgentToolContext>[] = [
  ...(readOnlyWorkspaceTools as Tool<AgentToolContext>[]),
  defineTool({
    name: "write_file",
    description: "Create or overwrite a file in the shared workspace.",
    schema: z.object({ path, content: z.string() }),
    async run(input, ctx: AgentToolContext) {
      const r = await ctx.workspace.write(ctx.toolUseId, input.path, input.content, ctx.config.name);
      if (r.change) ctx.fileChanged(r.change);
      return r;
    },
  }),
  defineTool({
    name: "edit_file",
    description: "Replace one exact, unique occurrence of `old` with `new` in a workspace file.",
    schema: z.object({ path, old: z.string().min(1), new: z.string() }),
    async run(input, ctx: AgentToolContext) {
      const r = await ctx.workspace.edit(ctx.toolUseId, input.path, input.old, input.new, ctx.config.name);
      if (r.change) ctx.fileChanged(r.change);
      return r;
    },
  }),
  defineTool({
    name: "delete_file",
    description: "Delete a file from the shared workspace.",
    schema: z.object({ path }),
    async run(input, ctx: AgentToolContext) {
      const r = await ctx.workspace.delete(ctx.toolUseId, input.path, ctx.config.name);
      if (r.change) ctx.fileChanged(r.change);
      return r;
    },
  }),
  defineTool({
    name: "report",
    description:
      "Finish your task: report the result to the orchestrator in a few sentences (what you did, where).",
    schema: z.object({ result: z.string().min(1).max(20_000) }),
    async run(input, ctx: AgentToolContext) {
      ctx.setResult(input.result);
      return { content: "Reported. End your turn now." };
    },
  }),
];

export const AGENT_TOOL_NAMES = agentTools.map((t) => t.name);

export function toolsForAgent(allowed: string[] | null | undefined): Tool<AgentToolContext>[] {
  if (!allowed?.length) return agentTools;
  // `report` is always available: without it an agent can't finish.
  return agentTools.filter((t) => allowed.includes(t.name) || t.name === "report");
}
