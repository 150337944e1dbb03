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
