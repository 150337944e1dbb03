import { describe, expect, it } from "vitest";
import { highlightLines, linesToHtml } from "./sourceLines";

describe("highlightLines", () => {
  it("cuts a token spanning lines at each newline, each piece keeping its class", () => {
    const lines = highlightLines("const a = `one\ntwo`;\nlet b = '<x>';", "js");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('<span class="tok-keyword">const</span> a = <span class="tok-string">`one</span>');
    expect(lines[1]).toBe('<span class="tok-string">two`</span>;');
    expect(lines[2]).toContain(`<span class="tok-string">'&lt;x&gt;'</span>`);
  });

  it("keeps empty lines, leaves out Windows line ends, and numbers lines for CSS", () => {
    expect(highlightLines("a\r\n\r\nb\n", null)).toEqual(["a", "", "b", ""]);
    expect(linesToHtml(["x", ""])).toBe(
      '<div class="code-line" data-n="1">x</div><div class="code-line" data-n="2"></div>',
    );
  });
});
