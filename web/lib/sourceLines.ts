// Highlighted source split into lines, for the file view that wraps long lines and numbers each
// one: a token spanning lines (a block comment, a template string) is cut at each newline and its
// pieces keep their class, so every line is well-formed HTML on its own. Output is escaped.
import { escapeHtml, tokenize } from "./highlight";

/** One escaped HTML string per line of `code` ("a\n" is two lines, the second empty). */
export function highlightLines(code: string, lang: string | null | undefined): string[] {
  const lines: string[] = [""];
  for (const t of tokenize(code, lang)) {
    // A Windows line end's \r stays out of the rendered line.
    const pieces = t.text.split(/\r?\n/);
    pieces.forEach((piece, i) => {
      if (i > 0) lines.push("");
      if (!piece) return;
      const html = escapeHtml(piece);
      lines[lines.length - 1] += t.type === "text" ? html : `<span class="tok-${t.type}">${html}</span>`;
    });
  }
  return lines;
}

/** The whole file as line elements, numbered by `data-n` (CSS draws the number, unselectable). */
export function linesToHtml(lines: readonly string[]): string {
  let out = "";
  for (let i = 0; i < lines.length; i++) out += `<div class="code-line" data-n="${i + 1}">${lines[i]}</div>`;
  return out;
}
