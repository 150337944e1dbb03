// Markdown with code highlighting. The renderer (marked + highlighter) is a lazy chunk; until it
// arrives the text shows as plain pre-wrapped text, so nothing jumps or disappears. The chunk loads
// through `chunk()`, so going offline mid-fetch delays it instead of breaking the page.
import { lazy, Suspense } from "react";
import { chunk } from "../lib/chunks";

const loadRenderer = chunk(() => import("./MarkdownRenderer"));
const MarkdownRenderer = lazy(loadRenderer);

/** Starts fetching the renderer before the first message needs it. */
export function preloadMarkdown(): void {
  loadRenderer().catch(() => {
    // The render that needs it tries again and reports.
  });
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <Suspense fallback={<div className={`md md-plain ${className ?? ""}`}>{text}</div>}>
      <MarkdownRenderer text={text} className={className} />
    </Suspense>
  );
}
