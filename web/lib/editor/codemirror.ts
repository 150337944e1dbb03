// The file editor (a lazy chunk: components/files/FileEditor.tsx imports it when Edit is opened):
// CodeMirror 6 with the basic setup (line numbers, undo history, search, bracket matching), the
// file's language, wrapped lines, and Mod-S to save. Tab is left to the browser, so the keyboard
// can always leave the editor.
import { EditorState } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { appearance, lazyLanguage } from "./codemirrorBase";

export type Editor = {
  /** The document as edited. */
  text: () => string;
  /** Replaces the whole document (a reload after a conflict), keeping the editor. */
  reset: (text: string) => void;
  focus: () => void;
  destroy: () => void;
};

export function createEditor(
  parent: HTMLElement,
  opts: {
    doc: string;
    path: string;
    label: string;
    onChange: (text: string) => void;
    onSave: () => void;
  },
): Editor {
  let view: EditorView | null = null;
  view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        keymap.of([
          {
            key: "Mod-s",
            preventDefault: true,
            run: () => {
              opts.onSave();
              return true;
            },
          },
        ]),
        basicSetup,
        appearance(opts.label),
        lazyLanguage(opts.path, () => view),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  const v = view;
  return {
    text: () => v.state.doc.toString(),
    reset: (text) => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } }),
    focus: () => v.focus(),
    destroy: () => {
      view = null;
      v.destroy();
    },
  };
}
