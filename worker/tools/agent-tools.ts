// The tools every agent gets: the shared workspace, and `report` to finish a task.
import { z } from "zod";
import { INPUT_LIMITS } from "../../schema/api";
import { formatHit } from "../db/workspace/search";
import type { FileChange, Workspace } from "../db/workspace/workspace";
import { defineTool, type Tool, type ToolContext } from "../loop/tool";

export type AgentToolContext = ToolContext & {
  workspace: Workspace;
  /** Tells the orchestrator's stream about a workspace change. */
  fileChanged: (change: FileChange) => void;
  /** Records the task's result (the run continues to its natural end). */
  setResult: (result: string) => void;
};

/** Files per list_files call: a page's lines stay well inside the tool output limit. */
const LIST_PAGE = 200;

const path = z.string().min(1).describe("Workspace-relative path, e.g. notes/plan.md");

export const readOnlyWorkspaceTools = [
  defineTool({
    name: "list_files",
    description: `List the files in the shared workspace with their sizes and who last changed them, ${LIST_PAGE} at a time.`,
    schema: z.object({
      after: z
        .string()
        .max(INPUT_LIMITS.pathChars)
        .optional()
        .describe("List files whose path sorts after this one"),
    }),
    async run(input, ctx: ToolContext & { workspace: Workspace }) {
      const page = await ctx.workspace.list({ cursor: input.after, limit: LIST_PAGE });
      if (!page.files.length) return { content: input.after ? "No more files." : "The workspace is empty." };
      const lines = page.files.map((f) => `${f.path}\t${f.size} bytes\tv${f.version}\tby ${f.updatedBy}`);
      if (page.nextCursor)
        lines.push(`[more files: list again with after: ${JSON.stringify(page.nextCursor)}]`);
      return { content: lines.join("\n") };
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
      "Search file paths and contents with a case-insensitive regular expression (no backreferences or lookaround); returns path:line: text. A search reads a bounded amount and says where to go on if it stops early.",
    schema: z.object({
      pattern: z.string().min(1).max(500),
      path: z
        .string()
        .max(INPUT_LIMITS.pathChars)
        .optional()
        .describe("Only files whose path starts with this, e.g. notes/"),
      after: z
        .string()
        .max(INPUT_LIMITS.pathChars)
        .optional()
        .describe("Only files whose path sorts after this (to go on from an early stop)"),
    }),
    async run(input, ctx: ToolContext & { workspace: Workspace }) {
      const { hits, note } = await ctx.workspace.search(input.pattern, {
        path: input.path,
        after: input.after,
      });
      const found = hits.length ? hits.map(formatHit).join("\n") : "No matches.";
      return { content: note ? `${found}\n\n[${note}]` : found };
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
      for (const change of r.changes) ctx.fileChanged(change);
      return r;
    },
  }),
  defineTool({
    name: "edit_file",
    description: "Replace one exact, unique occurrence of `old` with `new` in a workspace file.",
    schema: z.object({ path, old: z.string().min(1), new: z.string() }),
    async run(input, ctx: AgentToolContext) {
      const r = await ctx.workspace.edit(ctx.toolUseId, input.path, input.old, input.new, ctx.config.name);
      for (const change of r.changes) ctx.fileChanged(change);
      return r;
    },
  }),
  defineTool({
    name: "delete_file",
    description: "Delete a file from the shared workspace.",
    schema: z.object({ path }),
    async run(input, ctx: AgentToolContext) {
      const r = await ctx.workspace.delete(ctx.toolUseId, input.path, ctx.config.name);
      for (const change of r.changes) ctx.fileChanged(change);
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
