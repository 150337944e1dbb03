import { describe, expect, it } from "vitest";
import { highlightToHtml, langFromPath, tokenize } from "./highlight";
import { renderMarkdown } from "./markdown";

describe("renderMarkdown", () => {
  it("renders markdown with highlighted code blocks", () => {
    const html = renderMarkdown("# Title\n\nSome **bold**.\n\n```ts\nconst x = 1; // one\n```\n");
    expect(html).toContain("<h1");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('class="code-block"');
    expect(html).toContain('<span class="tok-keyword">const</span>');
    expect(html).toContain('<span class="tok-comment">// one</span>');
  });

  it("never passes raw HTML or script URLs through", () => {
    const html = renderMarkdown(
      "<img src=x onerror=alert(1)> <script>alert(2)</script>\n\n[click](javascript:alert(3)) ![i](http://t/p.png)",
    );
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain("&lt;script&gt;");
  });

  it("opens external links safely", () => {
    const html = renderMarkdown("[site](https://example.com)");
    expect(html).toContain('target="_blank" rel="noopener noreferrer"');
  });

  it("never links off-site unless the link is an explicit absolute http(s) URL", () => {
    // Resolved the way a browser resolves them (WHATWG URL), from a page of the app.
    const page = "https://app.example/orchestrators/orc_1";
    const hostile = [
      "/\\evil.example/phish",
      "\\\\evil.example/phish",
      "//evil.example/phish",
      "///evil.example",
      "/\\/evil.example",
      "<\\/evil.example>",
      "<java\tscript:alert(1)>",
      "<java\nscript:alert(1)>",
      "<\tjavascript:alert(1)>",
      "JaVaScRiPt:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "https:evil.example",
      "http:/evil.example",
      "<h\ttps://evil.example>",
      "&#47;&#47;evil.example",
      "%2F%2Fevil.example",
      "/%5Cevil.example",
    ];
    for (const target of hostile) {
      const html = renderMarkdown(`[x](${target}) ![i](${target})`);
      const doc = new DOMParser().parseFromString(html, "text/html");
      for (const a of doc.querySelectorAll("a")) {
        const href = a.getAttribute("href") ?? "";
        const resolved = new URL(href, page);
        expect(resolved.origin, `${target} → ${href}`).toBe("https://app.example");
      }
    }
  });

  it("keeps same-origin relative links in-app and marks absolute ones external", () => {
    const html = renderMarkdown(
      "[a](/orchestrators/orc_1/files) [b](notes/today.md) [c](../up) [d](#top) [e](?q=1) [m](mailto:a@b.example)",
    );
    const links = [...new DOMParser().parseFromString(html, "text/html").querySelectorAll("a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual([
      "/orchestrators/orc_1/files",
      "notes/today.md",
      "../up",
      "#top",
      "?q=1",
      "mailto:a@b.example",
    ]);
    for (const a of links) expect(a.hasAttribute("target")).toBe(false);
    const ext = new DOMParser()
      .parseFromString(renderMarkdown("[e](<HTTPS://Example.com/a b>)"), "text/html")
      .querySelector("a");
    expect(ext?.getAttribute("href")).toBe("https://example.com/a%20b");
    expect(ext?.getAttribute("target")).toBe("_blank");
    expect(ext?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(ext?.className).toBe("md-external");
  });

  it("links workspace paths the linker knows, in text and inline code, never in code blocks or links", () => {
    const files = new Set(["notes/a.md", "report.txt"]);
    const linkPath = (p: string) => (files.has(p) ? `/o/o1/files?path=${encodeURIComponent(p)}` : null);
    const html = renderMarkdown(
      "Wrote notes/a.md and `report.txt`. See ./notes/a.md, not notes/b.md.\n\n" +
        "[the notes](https://example.com/notes/a.md)\n\n```\nnotes/a.md\n```\n",
      linkPath,
    );
    expect(html).toContain('Wrote <a href="/o/o1/files?path=notes%2Fa.md">notes/a.md</a> and');
    expect(html).toContain('<a href="/o/o1/files?path=report.txt"><code>report.txt</code></a>');
    // A leading ./ still finds the file; the sentence's full stop and comma stay outside the link.
    expect(html).toContain('See <a href="/o/o1/files?path=notes%2Fa.md">./notes/a.md</a>, not notes/b.md.');
    expect(html).toContain('<a href="https://example.com/notes/a.md" class="md-external"');
    expect(html).not.toContain("notes/a.md</a></a>");
    expect(html).toMatch(/<pre><code>notes\/a\.md\n?<\/code><\/pre>/);
    // Without a linker nothing changes.
    expect(renderMarkdown("Wrote notes/a.md.")).not.toContain("<a ");
  });

  it("renders an unfinished code fence mid-stream as code", () => {
    const html = renderMarkdown("Here:\n\n```python\ndef f():\n    return 1");
    expect(html).toContain('class="code-block"');
    expect(html).toContain('<span class="tok-keyword">def</span>');
  });
});

describe("highlight", () => {
  it("tokenizes strings, numbers and keywords and escapes HTML", () => {
    const toks = tokenize('if (a < 2) return "x";', "js");
    expect(toks.find((t) => t.type === "keyword")?.text).toBe("if");
    expect(toks.find((t) => t.type === "number")?.text).toBe("2");
    expect(toks.find((t) => t.type === "string")?.text).toBe('"x"');
    expect(highlightToHtml("<b>", "js")).toBe("&lt;b&gt;");
    expect(highlightToHtml("<b>", null)).toBe("&lt;b&gt;");
  });

  it("marks JSON keys apart from values", () => {
    const toks = tokenize('{"a": "b", "n": 1, "t": true}', "json");
    expect(toks.filter((t) => t.type === "attr").map((t) => t.text)).toEqual(['"a"', '"n"', '"t"']);
    expect(toks.filter((t) => t.type === "string").map((t) => t.text)).toEqual(['"b"']);
  });

  it("knows languages from file names", () => {
    expect(langFromPath("src/a.tsx")).toBe("js");
    expect(langFromPath("x.py")).toBe("python");
    expect(langFromPath("README")).toBeNull();
  });
});
