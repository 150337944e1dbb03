// The linear-time matcher: the same answers as RegExp(pattern, "i") on the syntax it accepts, work
// that grows linearly with the text for patterns that make RegExp backtrack exponentially, and
// budgets that pause and stop it.
import { describe, expect, it } from "vitest";
import { BudgetExhausted, Matcher, PatternError, PatternSyntaxError } from "./regex";

/** A small deterministic generator (so a failure names a reproducible case). */
function random(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

const ATOMS = [
  "a",
  "b",
  "A",
  ".",
  "\\w",
  "\\W",
  "\\d",
  "\\s",
  "[ab]",
  "[^a]",
  "[a-c]",
  "é",
  "É",
  "\\b",
  "\\B",
  "^",
  "$",
  " ",
];
const QUANTIFIERS = ["*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?"];

function pattern(rnd: (n: number) => number, depth = 0): string {
  const r = rnd(10);
  if (depth > 3 || r < 4) return ATOMS[rnd(ATOMS.length)]!;
  if (r < 6) return pattern(rnd, depth + 1) + pattern(rnd, depth + 1);
  if (r < 7) return `(${pattern(rnd, depth + 1)}|${pattern(rnd, depth + 1)})`;
  const inner = pattern(rnd, depth + 1);
  // JS refuses a quantifier on an assertion; keep the generated patterns valid.
  if (/^(\^|\$|\\[bB])$/.test(inner)) return inner;
  return `(?:${inner})${QUANTIFIERS[rnd(QUANTIFIERS.length)]}`;
}

describe("Matcher", () => {
  it("answers like RegExp with the i flag, on generated patterns and texts", () => {
    const rnd = random(20250101);
    const alphabet = ["a", "b", "A", "B", "x", " ", "1", "é", "É", "_", "-", "\n"];
    let cases = 0;
    for (let i = 0; i < 1500; i++) {
      const source = pattern(rnd);
      const js = new RegExp(source, "i");
      const ours = new Matcher(source);
      for (let k = 0; k < 20; k++) {
        let text = "";
        for (let n = rnd(10); n > 0; n--) text += alphabet[rnd(alphabet.length)];
        expect(ours.test(text), `${source} on ${JSON.stringify(text)}`).toBe(js.test(text));
        // A range of a longer string is matched as that substring alone (lines of a file).
        const from = rnd(3);
        const to = Math.max(from, text.length - rnd(3));
        expect(ours.test(text, from, to), `${source} on ${from}..${to} of ${JSON.stringify(text)}`).toBe(
          js.test(text.slice(from, to)),
        );
        cases += 2;
      }
    }
    expect(cases).toBe(60_000);
  });

  it("handles escapes, classes and quantifier forms as JS does", () => {
    const checks: [string, string, boolean][] = [
      ["\\x41\\u0042", "ab", true],
      ["[\\d-z]+", "-z9", true],
      ["a{2,}", "a", false],
      ["a{,2}", "a{,2}", true],
      ["[]", "x", false],
      ["[^]", "\n", true],
      ["\\bfoo\\b", "a foo.", true],
      ["\\bfoo\\b", "afoo", false],
      ["(?<word>ab)c", "ABC", true],
      ["ß", "SS", false],
      ["\\cJ", "\n", true],
      ["x$", "x\r", false],
    ];
    for (const [source, text, want] of checks) {
      expect(new RegExp(source, "i").test(text), `RegExp ${source}`).toBe(want);
      expect(new Matcher(source).test(text), `Matcher ${source}`).toBe(want);
    }
  });

  it("refuses what can't run in linear time, and tells bad syntax apart", () => {
    for (const source of ["(a)\\1", "\\k<x>", "(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "a{1001}"]) {
      expect(() => new Matcher(source), source).toThrow(PatternError);
    }
    expect(() => new Matcher("(?:a{1000}){10}")).toThrow(/too large/);
    for (const source of ["(a", "a)", "*a", "a**", "[b-a]", "\\", "a{3,1}", "^*"]) {
      expect(() => new RegExp(source)).toThrow(SyntaxError);
      expect(() => new Matcher(source), source).toThrow(PatternSyntaxError);
    }
  });

  it("does work linear in the text for patterns that make RegExp backtrack exponentially", () => {
    // Each of these takes RegExp seconds on 30 characters (and forever on more).
    const evil = ["(a+)+$", "(a|a)*$", "(a|aa)+$", "(.*a){12}$", "^(\\w+\\s?)*$", "(x+x+)+y"];
    for (const source of evil) {
      const m = new Matcher(source);
      const steps = (n: number) => {
        const budget = { steps: 1e9, slice: 1e9 };
        const text = `${"a".repeat(n)}!`;
        expect(m.resume(m.scan(text), budget)).toBe(true);
        return 1e9 - budget.steps;
      };
      const small = steps(10_000);
      const big = steps(100_000);
      // Ten times the text, about ten times the work (plus the states built once).
      expect(big / small, source).toBeLessThan(11);
      expect(big, source).toBeLessThan(4 * 100_000);
    }
  });

  it("pauses every slice and stops when the budget is spent", () => {
    const m = new Matcher("(a|b)*a(a|b){12}c");
    const text = "ab".repeat(500_000);
    const scan = m.scan(text);
    const budget = { steps: 5_000_000, slice: 100_000 };
    let pauses = 0;
    while (!m.resume(scan, budget)) {
      pauses++;
      budget.slice = 100_000;
    }
    expect(scan.found).toBe(false);
    expect(pauses).toBeGreaterThanOrEqual(9);
    expect(() => m.test("ab".repeat(50_000), 0, 100_000, 50_000)).toThrow(BudgetExhausted);
  });
});
