// Markdown → safe HTML for model output and workspace files. Loaded lazily (marked is the heavy
// part). Raw HTML in the source is shown as text, links only keep http(s)/mailto/relative targets,
// and unfinished input (mid-stream) renders sensibly: an open code fence shows as a code block.
import { Marked, type Tokens } from "marked";
import { escapeHtml, highlightToHtml, resolveLang } from "./highlight";

const SAFE_URL = /^(https?:|mailto:|#|\/(?!\/)|\.{0,2}\/|[^:]*$)/i;

function safeHref(href: string): string | null {
  const h = href.trim();
  return SAFE_URL.test(h) ? h : null;
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
      const url = safeHref(href);
      if (!url) return inner;
      const external = /^https?:/i.test(url);
      return `<a href="${escapeHtml(url)}"${title ? ` title="${escapeHtml(title)}"` : ""}${external ? ' target="_blank" rel="noopener noreferrer"' : ""}>${inner}</a>`;
    },
    image({ href, text }: Tokens.Image) {
      // No remote images from model output (tracking pixels, CSP): show the alt text as a link.
      const url = safeHref(href);
      return url
        ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text || url)}</a>`
        : escapeHtml(text);
    },
  },
});

export function renderMarkdown(source: string): string {
  return marked.parse(source, { async: false });
}
