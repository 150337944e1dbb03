// Markdown with code highlighting. The renderer (marked + highlighter) is a lazy chunk; until it
// arrives the text shows as plain pre-wrapped text, so nothing jumps or disappears.
import { lazy, Suspense } from "react";

const MarkdownRenderer = lazy(() => import("./MarkdownRenderer"));

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <Suspense fallback={<div className={`md md-plain ${className ?? ""}`}>{text}</div>}>
      <MarkdownRenderer text={text} className={className} />
    </Suspense>
  );
}
