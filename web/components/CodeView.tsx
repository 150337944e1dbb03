// Highlighted source with line numbers, for file previews.
import { useMemo } from "react";
import { highlightToHtml } from "../lib/highlight";
import "../styles/code.css";

export function CodeView({ code, lang }: { code: string; lang: string | null }) {
  const html = useMemo(() => highlightToHtml(code, lang), [code, lang]);
  const lines = useMemo(() => code.split("\n").length, [code]);
  return (
    <div className="code-view">
      <pre className="code-gutter" aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => i + 1).join("\n")}
      </pre>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: highlightToHtml escapes everything. */}
      <pre className="code-body" dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  );
}
