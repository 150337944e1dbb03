// The orchestrator settings panel's connectors (DESIGN §10): which of the user's connectors this
// orchestrator and its agents get (PATCH {connectors:[ids]}), and the tool policy's groups — MCP
// tools under their connector ("fixture · not enabled here"), each named by the server's tool.
import { type ReactNode, useEffect, useState } from "react";
import { Link, useInRouterContext } from "react-router";
import type { ToolInfo } from "../../../schema/api";
import { CONNECTOR_LIMITS } from "../../../schema/connectors";
import { ApiError } from "../../lib/api";
import { type ConnectorInfo, connectorApi, STATUS_LABEL } from "../../lib/connectors";
import { parseMcpName } from "../../lib/mcpNames";
import "../../styles/connectors.css";

/** The user's connectors, loaded each time the panel opens (a sign-in elsewhere may change them). */
export function useConnectorList(open: boolean) {
  const [connectors, setConnectors] = useState<ConnectorInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the Retry.
  useEffect(() => {
    if (!open) return;
    let live = true;
    setError(null);
    connectorApi.list().then(
      (list) => live && setConnectors(list),
      (e: unknown) => live && setError(e instanceof ApiError ? e.message : "Could not load your connectors."),
    );
    return () => {
      live = false;
    };
  }, [open, attempt]);
  return { connectors, error, retry: () => setAttempt((n) => n + 1) };
}

export const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id) => b.includes(id));

export type PolicyGroup = {
  key: string;
  title: string;
  /** The connector's name, for a connector's group. */
  connector?: string;
  note?: string;
  tools: ToolInfo[];
};

const KIND_LABEL: Record<Exclude<ToolInfo["kind"], "mcp">, string> = {
  workspace: "Workspace",
  orchestrator: "Orchestrator",
  server: "Server (run by the API)",
};

const rule = (name: string, description: string): ToolInfo => ({
  name,
  kind: "mcp",
  description,
  defaultPolicy: "ask",
  policies: ["allow", "ask", "deny"],
});

/**
 * The policy table's groups: built-in tools by kind (catalogue order), then each connector's tools
 * (its wildcard first), then rules the catalogue doesn't know. A connector not enabled here keeps its
 * group (a rule can be set ahead), saying so.
 */
export function policyGroups(
  tools: readonly ToolInfo[],
  policy: Record<string, unknown>,
  connectors: readonly ConnectorInfo[] | null,
  enabled: readonly string[],
): PolicyGroup[] {
  const known = new Set(tools.map((t) => t.name));
  const groups = new Map<string, PolicyGroup>();
  const add = (key: string, make: () => Omit<PolicyGroup, "tools" | "key">, t: ToolInfo) => {
    const g = groups.get(key) ?? { key, ...make(), tools: [] };
    g.tools.push(t);
    groups.set(key, g);
  };
  const enabledNames = new Set(connectors?.filter((c) => enabled.includes(c.id)).map((c) => c.name));
  const mine = new Set(connectors?.map((c) => c.name));
  const connectorGroup = (name: string) => () => ({
    title: name,
    connector: name,
    ...(connectors === null
      ? {}
      : !mine.has(name)
        ? { note: "not one of your connectors" }
        : !enabledNames.has(name)
          ? { note: "not enabled here" }
          : {}),
  });
  const unknown = Object.keys(policy)
    .filter((n) => !known.has(n))
    .map((n) =>
      rule(n, parseMcpName(n) ? "A rule for a connector's tools." : "A rule for a tool not listed."),
    );
  for (const t of [...tools, ...unknown]) {
    const mcp = parseMcpName(t.name);
    if (mcp) add(`mcp:${mcp.connector}`, connectorGroup(mcp.connector), t);
    else if (t.kind !== "mcp")
      add(t.kind, () => ({ title: KIND_LABEL[t.kind as keyof typeof KIND_LABEL] }), t);
    else add("other", () => ({ title: "Other rules" }), t);
  }
  const list = [...groups.values()];
  for (const g of list) {
    if (g.connector)
      g.tools.sort((a, b) => Number(!a.name.endsWith("__*")) - Number(!b.name.endsWith("__*")));
  }
  const order = (g: PolicyGroup) => (g.connector ? 1 : g.title === "Other rules" ? 2 : 0);
  return list.sort((a, b) => order(a) - order(b));
}

/** How a row names its tool: a connector's by the server's name (or "All tools"), others as they are. */
export function policyLabel(t: ToolInfo, connectors: readonly ConnectorInfo[] | null): ReactNode {
  const mcp = parseMcpName(t.name);
  if (!mcp) return t.name;
  const server = connectors?.flatMap((c) => c.tools).find((x) => x.name === t.name)?.tool ?? mcp.tool;
  return (
    <>
      {mcp.tool === "*" ? "All tools" : server}
      <span className="sr-only"> of {mcp.connector}</span>
    </>
  );
}

/** A connector tool's description without the catalogue's "[connector] " prefix. */
export const policyDescription = (t: ToolInfo) => t.description.replace(/^\[[a-z0-9_-]+\]\s*/, "");

function ManageLink({ children }: { children: ReactNode }) {
  return useInRouterContext() ? (
    <Link to="/settings#connectors">{children}</Link>
  ) : (
    <a href="/settings#connectors">{children}</a>
  );
}

export function ConnectorsPicker({
  uid,
  connectors,
  error,
  onRetry,
  selected,
  onChange,
  fieldError,
}: {
  uid: string;
  connectors: ConnectorInfo[] | null;
  error: string | null;
  onRetry: () => void;
  selected: string[];
  onChange: (ids: string[]) => void;
  fieldError: ReactNode;
}) {
  const full = selected.length >= CONNECTOR_LIMITS.perOrchestrator;
  return (
    <section className="settings-group" aria-labelledby={`${uid}-connectors`}>
      <h3 id={`${uid}-connectors`}>Connectors</h3>
      <p className="field-hint">
        Remote MCP servers whose tools this orchestrator and its agents get, named{" "}
        <code>mcp__&lt;connector&gt;__&lt;tool&gt;</code>. Each call asks you first unless the tool policy
        below allows it. <ManageLink>Manage connectors</ManageLink>
      </p>
      {fieldError}
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
          <button type="button" className="btn btn-sm" onClick={onRetry}>
            Retry
          </button>
        </div>
      ) : !connectors ? (
        <p className="faint" aria-busy="true">
          Loading connectors…
        </p>
      ) : connectors.length === 0 ? (
        <p className="faint">You have no connectors yet. Add one in Settings → Connectors.</p>
      ) : (
        <ul className="connector-picks">
          {connectors.map((c) => {
            const on = selected.includes(c.id);
            const status = STATUS_LABEL[c.status];
            return (
              <li key={c.id} className="connector-pick" data-connector={c.name}>
                <label>
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={!on && full}
                    onChange={(e) =>
                      onChange(e.target.checked ? [...selected, c.id] : selected.filter((id) => id !== c.id))
                    }
                  />
                  <span className="mono connector-pick-name">{c.name}</span>
                </label>
                <span className={`badge ${status.tone}`}>{status.label}</span>
                <span className="faint connector-pick-tools">
                  {c.tools.length === 1 ? "1 tool" : `${c.tools.length} tools`}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
