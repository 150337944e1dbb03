// GET /api/tools: the catalogue of tools a user can grant in an orchestrator's tool policy, with the
// MCP tools of the caller's connectors (each, and a `mcp__<connector>__*` wildcard per connector).
import { Hono } from "hono";
import type { ToolInfo } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import { listConnectors, toSnapshot } from "../db/connectors";
import type { AppEnv } from "../http/context";
import { defaultDecision } from "../policy/tool-policy";
import { toolCatalogue } from "../tools/catalogue";

const mcp = (name: string, description: string): ToolInfo => ({
  name,
  kind: "mcp",
  description,
  defaultPolicy: defaultDecision(name),
  policies: ["allow", "ask", "deny"],
});

export const tools = new Hono<AppEnv>().use(requireAuth).get("/", async (c) => {
  const connectors = (await listConnectors(c.env, c.var.caller.userId)).map(toSnapshot);
  const remote = connectors.flatMap((k) => [
    mcp(`mcp__${k.name}__*`, `Every tool of the ${k.name} connector (a policy for all of them).`),
    ...k.tools.map((t) => mcp(t.name, `[${k.name}] ${t.description || t.tool}`)),
  ]);
  return c.json({ tools: [...toolCatalogue(), ...remote] });
});
