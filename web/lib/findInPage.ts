// Find in the conversation: every occurrence of a query in the rendered chat, as DOM Ranges in
// document order, and painting them with the CSS Custom Highlight API (no DOM is changed, so the
// markdown React rendered stays as it is). Where the API is missing, the ranges still count and the
// current one is still scrolled to.

/** Text that counts: inside `[data-searchable]` regions, not inside buttons or `[data-search-skip]`. */
function textNodes(root: Element): Text[] {
  const out: Text[] = [];
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest("button, [data-search-skip]")) continue;
    if (parent.closest("[data-searchable]") !== root) continue;
    out.push(n as Text);
  }
  return out;
}

/** Case-insensitive occurrences of `query` in the searchable text under `container`. */
export function findRanges(container: Element, query: string): Range[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [];
  const ranges: Range[] = [];
  for (const root of container.querySelectorAll("[data-searchable]")) {
    for (const node of textNodes(root)) {
      const text = (node.data ?? "").toLocaleLowerCase();
      for (let at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + q.length)) {
        const r = container.ownerDocument.createRange();
        r.setStart(node, at);
        r.setEnd(node, at + q.length);
        ranges.push(r);
      }
    }
  }
  return ranges;
}

type Registry = { set(name: string, h: unknown): void; delete(name: string): void };
type HighlightCtor = new (...ranges: Range[]) => unknown;

function registry(): { reg: Registry; Ctor: HighlightCtor } | null {
  const reg = (globalThis as { CSS?: { highlights?: Registry } }).CSS?.highlights;
  const Ctor = (globalThis as { Highlight?: HighlightCtor }).Highlight;
  return reg && Ctor ? { reg, Ctor } : null;
}

export const HIGHLIGHT_ALL = "chat-find";
export const HIGHLIGHT_CURRENT = "chat-find-current";

/** Paints every match and the current one; returns whether the browser could. */
export function paintHighlights(all: Range[], current: Range | null): boolean {
  const r = registry();
  if (!r) return false;
  r.reg.set(HIGHLIGHT_ALL, new r.Ctor(...all));
  if (current) r.reg.set(HIGHLIGHT_CURRENT, new r.Ctor(current));
  else r.reg.delete(HIGHLIGHT_CURRENT);
  return true;
}

export function clearHighlights(): void {
  const r = registry();
  r?.reg.delete(HIGHLIGHT_ALL);
  r?.reg.delete(HIGHLIGHT_CURRENT);
}

/** Opens folded `<details>` around a match and scrolls it to the middle of its scroller. */
export function reveal(range: Range): void {
  let el = range.startContainer.parentElement;
  for (let d = el?.closest("details"); d; d = d.parentElement?.closest("details") ?? null) d.open = true;
  el = range.startContainer.parentElement;
  el?.scrollIntoView?.({ block: "center", behavior: "auto" });
}
