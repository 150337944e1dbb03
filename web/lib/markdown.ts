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

export function renderMarkdown(source: string): string {
  return marked.parse(source, { async: false });
}
