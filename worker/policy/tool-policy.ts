// Tool policy (DESIGN §9): per orchestrator, each tool is "allow", "ask" (a person approves each
// call) or "deny" (not offered to the model). It applies to the orchestrator and all its agents;
// create_agent {tools} can only narrow it. Names are workspace, orchestrator, server and MCP tools
// (`mcp__<connector>__<tool>`, with `mcp__<connector>__*` as a wildcard).

export type ToolDecision = "allow" | "ask" | "deny";
export type ToolPolicy = Record<string, ToolDecision>;
export type ToolKind = "workspace" | "orchestrator" | "server" | "mcp";

/** Server tools run inside the model's response: they can be allowed or denied, never asked. */
export const SERVER_TOOLS = ["web_search", "web_fetch", "code_execution"] as const;
export type ServerToolName = (typeof SERVER_TOOLS)[number];

export const isServerTool = (name: string): name is ServerToolName =>
  (SERVER_TOOLS as readonly string[]).includes(name);

export const isMcpTool = (name: string): boolean => name.startsWith("mcp__");

/** The default when the policy doesn't name a tool: MCP tools ask, everything else is allowed. */
export const defaultDecision = (name: string): ToolDecision => (isMcpTool(name) ? "ask" : "allow");

/** The decision for one tool: its own entry, else its connector's wildcard, else the default. */
export function decide(policy: ToolPolicy | null | undefined, name: string): ToolDecision {
  const own = policy?.[name];
  if (own) return own;
  if (isMcpTool(name)) {
    const connector = name.split("__")[1];
    const wildcard = policy?.[`mcp__${connector}__*`];
    if (wildcard) return wildcard;
  }
  return defaultDecision(name);
}

const NAME = /^(?:[a-z][a-z0-9_]{0,63}|mcp__[A-Za-z0-9_-]{1,64}__(?:\*|[A-Za-z0-9_.-]{1,128}))$/;

/**
 * Problems with a policy as a user sent it, each naming its key: unknown shapes, and `ask` on a
 * server tool (the API runs those inside the response, so nothing can stop to ask).
 */
export function policyProblems(
  policy: ToolPolicy,
  known: ReadonlySet<string>,
): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const [name, decision] of Object.entries(policy)) {
    const field = `toolPolicy.${name}`;
    if (!NAME.test(name)) out.push({ field, message: "is not a tool name" });
    else if (!isMcpTool(name) && !known.has(name)) out.push({ field, message: "is not a tool Baton has" });
    else if (isServerTool(name) && decision === "ask")
      out.push({
        field,
        message: `${name} is a server tool: it runs inside the model's response, so it can be "allow" or "deny", not "ask"`,
      });
  }
  return out;
}
