// Every tool a user can grant (GET /api/tools, DESIGN §9): name, kind, description and default
// policy. Workspace and orchestrator tools come from their definitions; server tools run inside
// the model's response; MCP tools (per connector) appear once connectors exist.
import type { ToolInfo } from "../../schema/api";
import type { FieldIssue } from "../http/issues";
import { defaultDecision, isServerTool, SERVER_TOOLS, type ServerToolName } from "../policy/tool-policy";
import { agentTools, readOnlyWorkspaceTools } from "./agent-tools";
import { orchestratorTools } from "./orchestrator-tools";

const SERVER_DESCRIPTIONS: Record<ServerToolName, string> = {
  web_search: "Search the web (run by the Anthropic API inside the response; billed per search).",
  web_fetch: "Fetch a web page or PDF by URL (run by the Anthropic API inside the response).",
  code_execution: "Run code in a sandbox (run by the Anthropic API inside the response; billed by time).",
};

/** Tools that are always on (an agent can't finish without `report`), so no policy applies. */
export const ALWAYS_ON = new Set(["report"]);

const WORKSPACE = new Set([...readOnlyWorkspaceTools, ...agentTools].map((t) => t.name));

export function toolCatalogue(): ToolInfo[] {
  const seen = new Set<string>();
  const out: ToolInfo[] = [];
  const add = (name: string, kind: ToolInfo["kind"], description: string) => {
    if (seen.has(name) || ALWAYS_ON.has(name)) return;
    seen.add(name);
    out.push({
      name,
      kind,
      description,
      defaultPolicy: defaultDecision(name),
      policies: isServerTool(name) ? ["allow", "deny"] : ["allow", "ask", "deny"],
    });
  };
  for (const t of agentTools) add(t.name, "workspace", t.description);
  for (const t of orchestratorTools)
    add(t.name, WORKSPACE.has(t.name) ? "workspace" : "orchestrator", t.description);
  for (const name of SERVER_TOOLS) add(name, "server", SERVER_DESCRIPTIONS[name]);
  return out;
}

/** Names a policy may list (besides `mcp__…`). */
export const grantableTools = (): ReadonlySet<string> => new Set(toolCatalogue().map((t) => t.name));

/** Names an agent's tool list may hold (templates, POST …/agents): workspace and server tools. */
export const agentGrantableTools = (): ReadonlySet<string> =>
  new Set(
    toolCatalogue()
      .filter((t) => t.kind === "workspace" || t.kind === "server")
      .map((t) => t.name),
  );

/** Each entry of a tool list a person sent that an agent can't have, naming its position. */
export function agentToolProblems(tools: readonly string[] | null | undefined): FieldIssue[] {
  const known = agentGrantableTools();
  return (tools ?? []).flatMap((t, i) =>
    known.has(t)
      ? []
      : [{ field: `tools.${i}`, message: `${t} is not a tool an agent can have (GET /api/tools)` }],
  );
}
