// A tool's name as cards show it. A connector's tool (`mcp__<connector>__<tool>`) reads
// "<tool> · <connector>", with the server's own name for the tool when the connector list knows it
// (a model-safe name can differ: cut, or with a hash); any other tool shows its name as it is.
import { useEffect, useState } from "react";
import { loadServerToolNames, parseMcpName } from "../lib/mcpNames";
import "../styles/tool-name.css";

export function ToolName({ name, className = "" }: { name: string; className?: string }) {
  const mcp = parseMcpName(name);
  const [server, setServer] = useState<string | null>(null);
  useEffect(() => {
    if (!parseMcpName(name)) return;
    let live = true;
    void loadServerToolNames().then((names) => {
      if (live) setServer(names.get(name) ?? null);
    });
    return () => {
      live = false;
    };
  }, [name]);
  if (!mcp) return <span className={`${className} mono`.trim()}>{name}</span>;
  const tool = mcp.tool === "*" ? "every tool" : (server ?? mcp.tool);
  return (
    <span className={`${className} tool-mcp`.trim()} title={name} data-connector={mcp.connector}>
      <span className="mono">{tool}</span>
      <span className="tool-connector"> · {mcp.connector}</span>
    </span>
  );
}
