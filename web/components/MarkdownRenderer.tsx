// The lazily loaded half of <Markdown>: parses with marked (safe renderer in lib/markdown.ts),
// defers re-parsing while text streams in, and wires the code blocks' copy buttons.
import { type MouseEvent, useDeferredValue, useMemo } from "react";
import { renderMarkdown } from "../lib/markdown";
import type { MarkdownProps } from "./Markdown";
import "../styles/code.css";
import "../styles/markdown.css";

export default function MarkdownRenderer({ text, className, linkPath, navigate }: MarkdownProps) {
  // While tokens stream in, React may skip intermediate parses under load.
  const deferred = useDeferredValue(text);
  const html = useMemo(() => renderMarkdown(deferred, linkPath), [deferred, linkPath]);
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const link = (e.target as HTMLElement).closest<HTMLAnchorElement>('a[href^="/"]:not([target])');
    if (link && navigate && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      navigate(link.getAttribute("href") ?? "/");
      return;
    }
    const button = (e.target as HTMLElement).closest("[data-copy]");
    if (!button) return;
    const code = button.parentElement?.querySelector("code")?.textContent ?? "";
    void navigator.clipboard?.writeText(code).then(() => {
      button.textContent = "Copied";
      setTimeout(() => {
        button.textContent = "Copy";
      }, 1200);
    });
  };
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: delegation for the copy buttons inside, which are real buttons.
    <div
      className={`md ${className ?? ""}`}
      onClick={onClick}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown escapes raw HTML and filters URLs.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
