// Markdown with code highlighting. The renderer (marked + highlighter) is a lazy chunk. The pages
// that show markdown wait for it in their route loaders (`markdownReady`, fetched alongside their
// data), so a message is never drawn as raw markdown and then re-laid out; once it is in, it renders
// synchronously. Should a render still come first, the text shows as plain pre-wrapped text. The
// chunk loads through `chunk()`, so going offline mid-fetch delays it instead of breaking the page.
import { Component, lazy, type ReactNode, Suspense } from "react";
import { chunk } from "../lib/chunks";
import type { PathLinker } from "../lib/markdown";

type RendererModule = typeof import("./MarkdownRenderer");
let loaded: RendererModule["default"] | null = null;
const loadRenderer = chunk(() =>
  import("./MarkdownRenderer").then((m: RendererModule) => {
    loaded = m.default;
    return m;
  }),
);
const MarkdownRenderer = lazy(loadRenderer);

/** Starts fetching the renderer before the first message needs it. */
export function preloadMarkdown(): void {
  loadRenderer().catch(() => {
    // The render that needs it tries again and reports.
  });
}

/** Resolves when the renderer is in (or could not be loaded: then plain text it is). For loaders. */
export function markdownReady(): Promise<void> {
  return loadRenderer().then(
    () => undefined,
    () => undefined,
  );
}

/** If the renderer can't be loaded at all (say, a deploy removed the chunk), plain text it is. */
class PlainOnError extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

export type MarkdownProps = {
  text: string;
  className?: string;
  /** Workspace paths the text mentions become links where this answers one. */
  linkPath?: PathLinker;
  /** Follows the text's links to pages of this app without reloading it. */
  navigate?: (href: string) => void;
};

export function Markdown({ text, className, linkPath, navigate }: MarkdownProps) {
  const Loaded = loaded;
  if (Loaded) return <Loaded text={text} className={className} linkPath={linkPath} navigate={navigate} />;
  const plain = <div className={`md md-plain ${className ?? ""}`}>{text}</div>;
  return (
    <PlainOnError fallback={plain}>
      <Suspense fallback={plain}>
        <MarkdownRenderer text={text} className={className} linkPath={linkPath} navigate={navigate} />
      </Suspense>
    </PlainOnError>
  );
}
