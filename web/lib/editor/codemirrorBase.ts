// What the editor and the diff view share (both lazy chunks, never in a page's own chunk): the
// language for a path, loaded on demand from @codemirror/language-data (each language is a chunk of
// its own), and a theme drawn from the app's CSS variables so it follows light and dark mode
// without a second theme or a reload.
import { HighlightStyle, LanguageDescription, syntaxHighlighting } from "@codemirror/language";
import { languages } from "@codemirror/language-data";
import { Compartment, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

/** The language for a file name, or null for plain text. Loads its parser (a lazy chunk). */
export async function languageFor(path: string): Promise<Extension | null> {
  const name = path.split("/").pop() ?? path;
  const desc = LanguageDescription.matchFilename(languages, name);
  if (!desc) return null;
  try {
    return await desc.load();
  } catch {
    // A language chunk that can't load leaves the file as plain text rather than failing the editor.
    return null;
  }
}

/**
 * A compartment that starts as plain text and switches to the path's language once it has loaded,
 * so the document is editable at once and highlighting follows a moment later.
 */
export function lazyLanguage(path: string, view: () => EditorView | null): Extension {
  const slot = new Compartment();
  void languageFor(path).then((lang) => {
    const v = view();
    if (lang && v) v.dispatch({ effects: slot.reconfigure(lang) });
  });
  return slot.of([]);
}

/** Token colours: the same CSS variables the light-weight highlighter uses (styles/code.css). */
const highlight = HighlightStyle.define([
  { tag: [t.comment, t.meta], color: "var(--tok-comment)", fontStyle: "italic" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "var(--tok-string)" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "var(--tok-number)" },
  {
    tag: [t.keyword, t.operatorKeyword, t.modifier, t.controlKeyword, t.definitionKeyword],
    color: "var(--tok-keyword)",
  },
  { tag: [t.tagName, t.typeName, t.className], color: "var(--tok-keyword)" },
  { tag: [t.attributeName, t.propertyName, t.labelName], color: "var(--tok-attr)" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--tok-attr)" },
  { tag: t.heading, fontWeight: "600", color: "var(--tok-keyword)" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "600" },
  { tag: t.link, color: "var(--tok-attr)", textDecoration: "underline" },
  { tag: t.invalid, color: "var(--red)" },
]);

const theme = EditorView.theme({
  "&": {
    color: "var(--text)",
    backgroundColor: "var(--surface)",
    fontSize: "12.5px",
    height: "100%",
  },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.6" },
  ".cm-content": { caretColor: "var(--text)", padding: "12px 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  ".cm-gutters": {
    backgroundColor: "var(--bg-subtle)",
    color: "var(--text-2)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 6%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--bg-muted)", color: "var(--text)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent)" },
  ".cm-panels": { backgroundColor: "var(--bg-subtle)", color: "var(--text)" },
  ".cm-panels.cm-panels-top": { borderBottom: "1px solid var(--border)" },
  ".cm-searchMatch": { backgroundColor: "color-mix(in srgb, var(--amber) 30%, transparent)" },
  ".cm-tooltip": {
    backgroundColor: "var(--surface-raised)",
    color: "var(--text)",
    border: "1px solid var(--border)",
  },
  ".cm-foldPlaceholder": { backgroundColor: "var(--bg-muted)", color: "var(--text-2)", border: "none" },
  // The diff view's changes, in the app's green and red.
  ".cm-changedLine, .cm-inlineChangedLine": { backgroundColor: "var(--green-soft)" },
  ".cm-deletedChunk, .cm-deletedLine": { backgroundColor: "var(--red-soft)" },
  ".cm-changedText": { background: "color-mix(in srgb, var(--green) 30%, transparent)" },
  ".cm-deletedText, .cm-deletedChunk del": {
    background: "color-mix(in srgb, var(--red) 30%, transparent)",
    textDecoration: "none",
  },
  ".cm-changeGutter": { width: "3px", paddingLeft: "0" },
  ".cm-changedLineGutter": { background: "var(--green)" },
  ".cm-deletedLineGutter": { background: "var(--red)" },
  ".cm-collapsedLines": {
    backgroundColor: "var(--bg-subtle)",
    color: "var(--text-2)",
    fontFamily: "var(--font)",
    fontSize: "12px",
  },
});

/** The app's look for CodeMirror: theme, token colours, wrapped lines, and an accessible name. */
export function appearance(label: string): Extension {
  return [
    theme,
    syntaxHighlighting(highlight),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ "aria-label": label }),
  ];
}
