// A tool call as a card: name, state, duration; input and result expandable, with the workspace
// files it names linked to the files page. A server tool (run by the API inside the response) is
// marked so, and its result is shown in its own terms. A connector's tool reads
// "<tool> · <connector>" (ToolName).
import type { MouseEvent } from "react";
import { formatMs } from "../../lib/format";
import type { ToolBlock } from "../../lib/views/transcript";
import { Icon } from "../Icon";
import { ToolName } from "../ToolName";
import { type ChatLinks, useChatLinks } from "./chatContext";
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

/** Workspace paths a call's input names (path, paths, from, to), as strings. */
export function namedPaths(input: unknown): string[] {
  if (!input || typeof input !== "object") return [];
  const o = input as Record<string, unknown>;
  const out: string[] = [];
  for (const k of ["path", "paths", "from", "to"]) {
    const v = o[k];
    for (const p of Array.isArray(v) ? v : [v])
      if (typeof p === "string" && p && !out.includes(p)) out.push(p);
  }
  return out;
}

/** Links to the files the call names that the workspace holds. */
function FileLinks({ found, links }: { found: { p: string; href: string }[]; links: ChatLinks }) {
  const follow = (e: MouseEvent<HTMLAnchorElement>, href: string) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    links.navigate(href);
  };
  return (
    <div className="tool-files">
      <Icon name="file" size={13} />
      {found.map(({ p, href }) => (
        <a key={p} href={href} className="mono" onClick={(e) => follow(e, href)}>
          {p}
        </a>
      ))}
    </div>
  );
}

export function ToolCard({ tool }: { tool: ToolBlock }) {
  const links = useChatLinks();
  const state = STATE[tool.status];
  const busy = tool.status === "started" || tool.status === "running";
  const card = (
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
      <div className="tool-body" data-searchable>
        {tool.server && tool.result !== null ? <ServerToolResult tool={tool} /> : <ToolDetails tool={tool} />}
        {tool.input === undefined && tool.result === null && <p className="faint">Waiting for the call…</p>}
      </div>
    </details>
  );
  // The files it names, linked under the card where they show while it is folded.
  const found =
    links && !busy
      ? namedPaths(tool.input).flatMap((p) => {
          const href = links.file(p);
          return href ? [{ p, href }] : [];
        })
      : [];
  return links && found.length ? (
    <div className="tool-wrap">
      {card}
      <FileLinks found={found} links={links} />
    </div>
  ) : (
    card
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
