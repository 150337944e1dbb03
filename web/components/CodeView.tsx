// Highlighted source with line numbers, for file previews. Long lines wrap by default (a numbered
// line stays one row however it wraps: each line is its own element, its number drawn by CSS, so
// copying the text never copies the numbers); `line` marks and scrolls to one line (a search hit).
import { useEffect, useMemo, useRef } from "react";
import { highlightLines, linesToHtml } from "../lib/sourceLines";
import "../styles/code.css";

export function CodeView({
  code,
  lang,
  wrap = true,
  line,
  label,
}: {
  code: string;
  lang: string | null;
  wrap?: boolean;
  /** 1-based line to mark and scroll into view. */
  line?: number | null;
  /** What the source is, for screen readers (the file's path). */
  label?: string;
}) {
  const lines = useMemo(() => highlightLines(code, lang), [code, lang]);
  const html = useMemo(() => linesToHtml(lines), [lines]);
  const ref = useRef<HTMLElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new content is new lines to mark.
  useEffect(() => {
    const el = ref.current;
    if (!el || !line) return;
    const target = el.querySelector(`.code-line[data-n="${line}"]`);
    if (!target) return;
    target.classList.add("code-line-target");
    target.scrollIntoView?.({ block: "center" });
    return () => target.classList.remove("code-line-target");
  }, [line, html]);
  return (
    <section
      ref={ref}
      className="code-view"
      data-wrap={wrap}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls, so keyboard users must reach it (WCAG 2.1.1).
      tabIndex={0}
      aria-label={label ? `Source of ${label}` : "Source"}
      // The number column fits the longest number.
      style={{ "--gutter": `${String(lines.length).length + 1}ch` } as React.CSSProperties}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: highlightLines escapes everything.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
