// The body of a server tool's card (web search, web fetch, code execution): results as safe
// external links, a fetched page as URL, size and excerpt, code with its output; errors plainly.

import { serverView } from "../../lib/views/serverTools";
import type { ToolBlock } from "../../lib/views/transcript";

function External({ href, children }: { href: string | null; children: string }) {
  if (!href) return <span>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="md-external">
      {children}
    </a>
  );
}

export function ServerToolResult({ tool }: { tool: ToolBlock }) {
  const view = serverView(tool.name, tool.input, tool.result, tool.status === "error");
  if (!view) return null;
  switch (view.kind) {
    case "search":
      return (
        <div>
          <div className="tool-section">Results</div>
          {view.results.length === 0 ? (
            <p className="faint">No results.</p>
          ) : (
            <ol className="server-results">
              {view.results.map((r) => (
                <li key={r.url}>
                  <External href={r.href}>{r.title}</External>
                  <div className="faint mono truncate">{r.url}</div>
                </li>
              ))}
            </ol>
          )}
        </div>
      );
    case "fetch":
      return (
        <div>
          <div className="tool-section">Fetched page</div>
          <div className="server-fetch">
            <External href={view.href}>{view.url}</External>
            <span className="faint"> · {view.size}</span>
          </div>
          {view.title && <div className="faint">{view.title}</div>}
          {view.excerpt && <pre>{view.excerpt}</pre>}
        </div>
      );
    case "code":
      return (
        <>
          {view.code !== null && (
            <div>
              <div className="tool-section">Code</div>
              <pre className="mono">{view.code}</pre>
            </div>
          )}
          <div>
            <div className="tool-section">
              stdout
              <span className={`badge ${view.returnCode === 0 ? "badge-green" : "badge-red"}`}>
                return code {view.returnCode}
              </span>
            </div>
            <pre className="mono" data-output="stdout">
              {view.stdout || "(no output)"}
            </pre>
          </div>
          {view.stderr && (
            <div>
              <div className="tool-section">stderr</div>
              <pre className="mono tool-error" data-output="stderr">
                {view.stderr}
              </pre>
            </div>
          )}
        </>
      );
    case "text":
      return (
        <div>
          <div className="tool-section">Result</div>
          <pre className={tool.status === "error" ? "tool-error" : undefined}>{view.text}</pre>
        </div>
      );
  }
}
