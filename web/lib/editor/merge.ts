// The diff of one version against the one before it (a lazy chunk: components/files/DiffView.tsx
// imports it when a version is opened), read-only, with the file's language. Unified (deletions
// inline above the new text) fits a phone; split puts the two versions side by side. Long unchanged
// stretches fold away, a click unfolds them.
import { MergeView, unifiedMergeView } from "@codemirror/merge";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { appearance, lazyLanguage } from "./codemirrorBase";

export type DiffMode = "unified" | "split";

const COLLAPSE = { margin: 3, minSize: 6 };

const readOnly: Extension = [EditorState.readOnly.of(true), EditorView.editable.of(false)];

/** Mounts the diff of `before` → `after` into `parent`; returns how to take it down. */
export function createDiff(
  parent: HTMLElement,
  opts: { before: string; after: string; path: string; mode: DiffMode; label: string },
): () => void {
  if (opts.mode === "unified") {
    let view: EditorView | null = null;
    view = new EditorView({
      parent,
      state: EditorState.create({
        doc: opts.after,
        extensions: [
          lineNumbers(),
          readOnly,
          appearance(opts.label),
          lazyLanguage(opts.path, () => view),
          unifiedMergeView({
            original: opts.before,
            mergeControls: false,
            gutter: true,
            highlightChanges: true,
            syntaxHighlightDeletions: true,
            collapseUnchanged: COLLAPSE,
          }),
        ],
      }),
    });
    const v = view;
    return () => {
      view = null;
      v.destroy();
    };
  }
  let merge: MergeView | null = null;
  const side = (doc: string, which: string) => ({
    doc,
    extensions: [
      lineNumbers(),
      readOnly,
      appearance(`${opts.label}: ${which}`),
      lazyLanguage(opts.path, () => (merge ? (which === "before" ? merge.a : merge.b) : null)),
    ],
  });
  merge = new MergeView({
    a: side(opts.before, "before"),
    b: side(opts.after, "after"),
    parent,
    gutter: true,
    highlightChanges: true,
    collapseUnchanged: COLLAPSE,
  });
  const m = merge;
  return () => {
    merge = null;
    m.destroy();
  };
}
