// How a connector's tool reads (DESIGN §10), free of zod (chat cards use it): the model-facing name
// `mcp__<connector>__<tool>` split into its parts, the server's own tool names from the connector
// list (fetched once, when a card first needs them), and a counter every connector write bumps so
// caches of the tool catalogue and of these names start over.
import type { ConnectorInfo } from "../../schema/connectors";
import { request } from "./http";

let epoch = 0;
let namesOnce: Promise<Map<string, string>> | null = null;

/** How many connector writes this page has made: a cache keyed by it knows when to load again. */
export const connectorsEpoch = () => epoch;

/** After a connector write (add, refresh, sign-in, delete): the tools may have changed. */
export function connectorsChanged(): void {
  epoch++;
  namesOnce = null;
}

/**
 * `mcp__<connector>__<tool>` split into its parts (a connector's name never holds `__`, a tool's
 * may), or null for any other tool. `tool` is `*` for the wildcard.
 */
export function parseMcpName(name: string): { connector: string; tool: string } | null {
  const m = /^mcp__([a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)__(.+)$/.exec(name);
  return m ? { connector: m[1]!, tool: m[2]! } : null;
}

/** The server's own name for each model-facing tool name, from the connector list. */
export function serverToolNames(connectors: readonly Pick<ConnectorInfo, "tools">[]): Map<string, string> {
  return new Map(connectors.flatMap((c) => c.tools.map((t) => [t.name, t.tool] as const)));
}

/**
 * The server tool names of the caller's connectors, fetched once per page load (again after a
 * connector write) and only when a card needs one; a failure leaves the names to parseMcpName.
 */
export function loadServerToolNames(): Promise<Map<string, string>> {
  namesOnce ??= request<{ connectors?: Pick<ConnectorInfo, "tools">[] }>("GET", "/api/connectors")
    .then((r) => serverToolNames(Array.isArray(r?.connectors) ? r.connectors : []))
    .catch(() => new Map<string, string>());
  return namesOnce;
}
