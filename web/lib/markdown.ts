// Markdown → safe HTML for model output and workspace files. Loaded lazily (marked is the heavy
// part). Raw HTML in the source is shown as text, links only keep absolute http(s), mailto and
// same-origin relative targets, and unfinished input (mid-stream) renders sensibly: an open code
// fence shows as a code block.
import { Marked, type Tokens } from "marked";
import { escapeHtml, highlightToHtml, resolveLang } from "./highlight";

/** A stand-in origin: a relative link is safe when it can't leave whatever origin it is resolved on. */
const PROBE_BASE = "https://baton.invalid/app/page";
const PROBE_ORIGIN = new URL(PROBE_BASE).origin;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export type SafeLink = { href: string; external: boolean };

/**
 * What a markdown link may point at: an explicit absolute `http(s)://` URL (external, opened in a
 * new tab), `mailto:`, or a relative link that stays on this origin. Browsers drop tabs and
 * newlines anywhere in a URL and read `\` as `/` (so `/\evil.example` is `//evil.example`, another
 * site), so those are refused outright; anything else is judged by how the URL parser resolves it.
 */
export function safeHref(raw: string): SafeLink | null {
  const h = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (!h || /[\u0000-\u001f\u007f\\]/.test(h)) return null;
  if (HAS_SCHEME.test(h)) {
    if (/^mailto:/i.test(h)) return { href: h, external: false };
    // Only the full `scheme://host` form: `https:evil.com` means another site or this one,
    // depending on the page's own scheme.
    if (!/^https?:\/\//i.test(h) || !URL.canParse(h)) return null;
    return { href: new URL(h).href, external: true };
  }
  if (!URL.canParse(h, PROBE_BASE)) return null;
  return new URL(h, PROBE_BASE).origin === PROBE_ORIGIN ? { href: h, external: false } : null;
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    code({ text, lang }: Tokens.Code) {
      const language = (lang ?? "").split(/\s/)[0] ?? "";
      const known = resolveLang(language);
      const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : "";
      return `<div class="code-block">${label}<button type="button" class="code-copy" data-copy aria-label="Copy code">Copy</button><pre><code${known ? ` class="lang-${known}"` : ""}>${highlightToHtml(text, known)}</code></pre></div>`;
    },
    link({ href, title, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      const link = safeHref(href);
      if (!link) return inner;
      const external = link.external ? ' class="md-external" target="_blank" rel="noopener noreferrer"' : "";
      return `<a href="${escapeHtml(link.href)}"${title ? ` title="${escapeHtml(title)}"` : ""}${external}>${inner}</a>`;
    },
    image({ href, text }: Tokens.Image) {
      // No remote images from model output (tracking pixels, CSP): show the alt text as a link.
      const link = safeHref(href);
      return link
        ? `<a href="${escapeHtml(link.href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text || link.href)}</a>`
        : escapeHtml(text);
    },
  },
});

/** Where a workspace path links to, or null when it isn't one (say, a file the chat never saw). */
export type PathLinker = (path: string) => string | null;

/** Candidate paths in running text: names with a dot or a slash, made of path characters. */
const PATHISH = /(?<![\w./-])(?:\.\/)?[\w.-]*[\w-](?:\/[\w.-]*[\w-])*(?![\w/-])/g;

function lookUp(linkPath: PathLinker, raw: string): { path: string; href: string } | null {
  if (!raw.includes("/") && !raw.includes(".")) return null;
  for (const path of [raw, raw.replace(/^\.?\//, "")]) {
    const href = linkPath(path);
    if (href) return { path, href };
  }
  return null;
}

type Tok = Tokens.Generic & { noPaths?: boolean };

/** Marks a token's descendants: no path links inside a link. */
function noPathsBelow(token: Tok): void {
  for (const child of (token.tokens ?? []) as Tok[]) {
    child.noPaths = true;
    noPathsBelow(child);
  }
}

/**
 * Turns workspace paths into links: an inline code span that is exactly a path, and paths in
 * running text. Never inside links or code blocks; `linkPath` says which strings are paths.
 */
function pathLinks(linkPath: PathLinker) {
  return (token: Tok) => {
    if (token.noPaths) return;
    if (token.type === "link") return noPathsBelow(token);
    if (token.type === "codespan") {
      const found = lookUp(linkPath, token.text ?? "");
      if (!found) return;
      const inner: Tok = { type: "codespan", raw: token.raw, text: token.text, noPaths: true };
      Object.assign(token, { type: "link", href: found.href, title: null, tokens: [inner], noPaths: true });
      return;
    }
    if (token.type !== "text" || token.tokens || token.escaped) return;
    const text: string = token.text ?? "";
    const parts: Tok[] = [];
    let at = 0;
    for (const m of text.matchAll(PATHISH)) {
      // A sentence's full stop is not part of the path.
      const raw = m[0].replace(/\.+$/, "");
      const found = lookUp(linkPath, raw);
      if (!found) continue;
      const start = m.index ?? 0;
      if (start > at)
        parts.push({ type: "text", raw: text.slice(at, start), text: text.slice(at, start), noPaths: true });
      parts.push({
        type: "link",
        raw,
        href: found.href,
        title: null,
        text: raw,
        tokens: [{ type: "text", raw, text: raw, noPaths: true }],
        noPaths: true,
      });
      at = start + raw.length;
    }
    if (!parts.length) return;
    if (at < text.length)
      parts.push({ type: "text", raw: text.slice(at), text: text.slice(at), noPaths: true });
    token.tokens = parts;
  };
}

/** Safe HTML for `source`; with `linkPath`, workspace paths it mentions become links to them. */
export function renderMarkdown(source: string, linkPath?: PathLinker): string {
  return marked.parse(source, { async: false, ...(linkPath ? { walkTokens: pathLinks(linkPath) } : {}) });
}
