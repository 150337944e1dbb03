// A tool call as a card: name, state, duration; input and result expandable. A server tool (run by
// the API inside the response) is marked so, and its result is shown in its own terms. A connector's
// tool reads "<tool> · <connector>" (ToolName).
import { formatMs } from "../../lib/format";
import type { ToolBlock } from "../../lib/views/transcript";
import { Icon } from "../Icon";
import { ToolName } from "../ToolName";
import { ServerToolResult } from "./ServerToolResult";

const STATE: Record<ToolBlock["status"], { label: string; tone: string }> = {
  started: { label: "Preparing", tone: "" },
  running: { label: "Running", tone: "badge-blue" },
  done: { label: "Done", tone: "badge-green" },
  error: { label: "Error", tone: "badge-red" },
};

function pretty(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v, null, 2);
  } catch {
    return String(v);
  }
}

/** A one-line hint of what the call does, from its most telling input field. */
function hint(input: unknown): string {
  if (!input || typeof input !== "object") return "";
  const o = input as Record<string, unknown>;
  for (const k of ["name", "path", "pattern", "names", "task", "query", "url", "command", "code"]) {
    const v = o[k];
    if (typeof v === "string") return v.length > 60 ? `${v.slice(0, 59)}…` : v;
    if (Array.isArray(v)) return v.join(", ");
  }
  return "";
}

export function ToolCard({ tool }: { tool: ToolBlock }) {
  const state = STATE[tool.status];
  const busy = tool.status === "started" || tool.status === "running";
  return (
    <details className={`tool-card tool-${tool.status}`} data-tool={tool.name}>
      <summary>
        <Icon name="tool" size={14} />
        <ToolName name={tool.name} className="tool-name" />
        {tool.server && (
          <span className="badge" title="Run by Anthropic inside the model's response">
            server
          </span>
        )}
        <span className="tool-hint faint truncate">{hint(tool.input)}</span>
        <span className="spacer" />
        {tool.ms !== null && <span className="faint num tool-ms">{formatMs(tool.ms)}</span>}
        <span className={`badge ${state.tone}`}>
          {busy ? (
            <span className="spinner" aria-hidden="true" style={{ width: 9, height: 9, borderWidth: 1.5 }} />
          ) : null}
          {state.label}
        </span>
      </summary>
      <div className="tool-body">
        {tool.server && tool.result !== null ? <ServerToolResult tool={tool} /> : <ToolDetails tool={tool} />}
        {tool.input === undefined && tool.result === null && <p className="faint">Waiting for the call…</p>}
      </div>
    </details>
  );
}

function ToolDetails({ tool }: { tool: ToolBlock }) {
  return (
    <>
      {tool.input !== undefined && (
        <div>
          <div className="tool-section">Input</div>
          <pre>{pretty(tool.input)}</pre>
        </div>
      )}
      {tool.result !== null && (
        <div>
          <div className="tool-section">
            Result{tool.truncated ? <span className="badge badge-amber">truncated</span> : null}
          </div>
          <pre className={tool.status === "error" ? "tool-error" : undefined}>{tool.result}</pre>
        </div>
      )}
    </>
  );
}
