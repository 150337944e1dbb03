// The syntax half of the linear-time matcher (regex.ts): JS regular-expression syntax, without the
// `u` flag, parsed into a tree over UTF-16 code units. Features that can't run in linear time
// (backreferences, lookaround) are refused here with a PatternError.
/** The pattern uses a feature this matcher can't run in linear time. */
export class PatternError extends Error {}
/** Not valid regex syntax (the caller may search for the text literally instead). */
export class PatternSyntaxError extends Error {}

const MAX_REPEAT = 1_000;

/** A set of UTF-16 code units as sorted [lo, hi] ranges, as JS matches without the `u` flag. */
export type CharSet = { ranges: number[]; negate: boolean };
export type Node =
  | { t: "set"; set: CharSet }
  | { t: "cat"; items: Node[] }
  | { t: "alt"; items: Node[] }
  | { t: "rep"; node: Node; min: number; max: number }
  | { t: "assert"; kind: Assert };
export type Assert = typeof BOL | typeof EOL | typeof WORD_B | typeof NOT_WORD_B;

export const BOL = 0;
export const EOL = 1;
export const WORD_B = 2;
export const NOT_WORD_B = 3;

const DIGIT = [48, 57];
const WORD = [48, 57, 65, 90, 95, 95, 97, 122];
const SPACE = [
  9, 13, 32, 32, 160, 160, 5760, 5760, 8192, 8202, 8232, 8233, 8239, 8239, 8287, 8287, 12288, 12288, 65279,
  65279,
];
const NOT_LINE_END: CharSet = { ranges: [10, 10, 13, 13, 8232, 8233], negate: true };
export const isWord = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95 || (c >= 97 && c <= 122);
const single = (c: number): CharSet => ({ ranges: [c, c], negate: false });

/** Recursive-descent parser over UTF-16 code units, following JS (Annex B) syntax where it can. */
export class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new PatternSyntaxError("unmatched )");
    return node;
  }

  private peek(offset = 0) {
    return this.src[this.i + offset];
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.peek() === "|") {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { t: "alt", items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== "|" && this.peek() !== ")") items.push(this.repeat());
    return { t: "cat", items };
  }

  private repeat(): Node {
    const atom = this.atom();
    const q = this.quantifier();
    if (!q) return atom;
    if (atom.t === "assert") throw new PatternSyntaxError("nothing to repeat");
    if (this.peek() === "?") this.i++; // lazy: the same texts match
    if (this.quantifier(true)) throw new PatternSyntaxError("nothing to repeat");
    return { t: "rep", node: atom, min: q.min, max: q.max };
  }

  /** Reads `*`, `+`, `?` or `{m[,[n]]}`; a `{` that isn't one is a literal (Annex B). */
  private quantifier(peekOnly = false): { min: number; max: number } | null {
    const c = this.peek();
    let q: { min: number; max: number } | null = null;
    let len = 1;
    if (c === "*") q = { min: 0, max: Number.POSITIVE_INFINITY };
    else if (c === "+") q = { min: 1, max: Number.POSITIVE_INFINITY };
    else if (c === "?") q = { min: 0, max: 1 };
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i, this.i + 24));
      if (!m) return null;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Number.POSITIVE_INFINITY;
      if (max < min) throw new PatternSyntaxError("numbers out of order in {} quantifier");
      if (min > MAX_REPEAT || (max !== Number.POSITIVE_INFINITY && max > MAX_REPEAT)) {
        throw new PatternError(`repetition counts above ${MAX_REPEAT} are not supported`);
      }
      q = { min, max };
      len = m[0].length;
    }
    if (q && !peekOnly) this.i += len;
    return q;
  }

  private atom(): Node {
    const c = this.src[this.i++]!;
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return { t: "set", set: this.charClass() };
      case ".":
        return { t: "set", set: NOT_LINE_END };
      case "^":
        return { t: "assert", kind: BOL };
      case "$":
        return { t: "assert", kind: EOL };
      case "\\":
        return this.escape();
      case "*":
      case "+":
      case "?":
        throw new PatternSyntaxError("nothing to repeat");
      case "{":
        this.i--;
        if (this.quantifier(true)) throw new PatternSyntaxError("nothing to repeat");
        this.i++;
        return { t: "set", set: single(123) };
      default:
        return { t: "set", set: single(c.charCodeAt(0)) };
    }
  }

  private group(): Node {
    if (this.peek() === "?") {
      const rest = this.src.slice(this.i, this.i + 3);
      if (/^\?(=|!|<=|<!)/.test(rest)) throw new PatternError("lookahead and lookbehind are not supported");
      if (rest.startsWith("?:")) this.i += 2;
      else if (rest.startsWith("?<")) {
        const end = this.src.indexOf(">", this.i);
        if (end < 0) throw new PatternSyntaxError("invalid group name");
        this.i = end + 1;
      } else throw new PatternSyntaxError("invalid group");
    }
    const inner = this.alternation();
    if (this.src[this.i++] !== ")") throw new PatternSyntaxError("unterminated group");
    return inner;
  }

  private escape(): Node {
    const c = this.src[this.i];
    if (c === undefined) throw new PatternSyntaxError("\\ at end of pattern");
    if (c === "b" || c === "B") {
      this.i++;
      return { t: "assert", kind: c === "b" ? WORD_B : NOT_WORD_B };
    }
    if (/[1-9]/.test(c) || (c === "k" && this.peek(1) === "<")) {
      throw new PatternError("backreferences are not supported");
    }
    return { t: "set", set: this.classEscape(false) };
  }

  /** The escape after a backslash as a set; `inClass` makes \b a backspace. */
  private classEscape(inClass: boolean): CharSet {
    const c = this.src[this.i++]!;
    const hex = (n: number) => {
      const digits = this.src.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) return null;
      this.i += n;
      return Number.parseInt(digits, 16);
    };
    switch (c) {
      case "d":
      case "D":
        return { ranges: DIGIT, negate: c === "D" };
      case "w":
      case "W":
        return { ranges: WORD, negate: c === "W" };
      case "s":
      case "S":
        return { ranges: SPACE, negate: c === "S" };
      case "t":
        return single(9);
      case "n":
        return single(10);
      case "v":
        return single(11);
      case "f":
        return single(12);
      case "r":
        return single(13);
      case "0":
        return single(0);
      case "b":
        return single(inClass ? 8 : 98);
      case "c": {
        const letter = this.peek();
        if (letter && /[a-zA-Z]/.test(letter)) {
          this.i++;
          return single(letter.charCodeAt(0) % 32);
        }
        this.i--; // Annex B: a lone \c is a backslash followed by c
        return single(92);
      }
      case "x":
        return single(hex(2) ?? 120);
      case "u":
        return single(hex(4) ?? 117);
      default:
        return single(c.charCodeAt(0));
    }
  }

  private charClass(): CharSet {
    const negate = this.peek() === "^";
    if (negate) this.i++;
    const ranges: number[] = [];
    for (;;) {
      if (this.i >= this.src.length) throw new PatternSyntaxError("unterminated character class");
      if (this.peek() === "]") {
        this.i++;
        break;
      }
      const lo = this.classAtom();
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.i++;
        const hi = this.classAtom();
        if (!lo.single || !hi.single) {
          // Annex B: [\d-z] is \d, "-" and z.
          ranges.push(...lo.set.ranges, 45, 45, ...hi.set.ranges);
          continue;
        }
        if (hi.set.ranges[0]! < lo.set.ranges[0]!) throw new PatternSyntaxError("range out of order");
        ranges.push(lo.set.ranges[0]!, hi.set.ranges[0]!);
      } else ranges.push(...lo.set.ranges);
    }
    return { ranges, negate };
  }

  private classAtom(): { set: CharSet; single: boolean } {
    const c = this.src[this.i++]!;
    if (c !== "\\") return { set: single(c.charCodeAt(0)), single: true };
    const negated = /[DWS]/.test(this.peek() ?? "");
    const set = this.classEscape(true);
    if (negated) {
      // A negated escape inside a class: store its complement as ranges.
      return { set: { ranges: complement(set.ranges), negate: false }, single: false };
    }
    return { set, single: set.ranges.length === 2 && set.ranges[0] === set.ranges[1] };
  }
}

function complement(ranges: number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    if (ranges[k]! > next) out.push(next, ranges[k]! - 1);
    next = ranges[k + 1]! + 1;
  }
  if (next <= 0xffff) out.push(next, 0xffff);
  return out;
}

/**
 * JS's case folding without the `u` flag (Canonicalize in the spec): upper-case one code unit,
 * unless that leaves one unit or maps a non-ASCII character into ASCII.
 */
const foldCache = new Map<number, number>();
function fold(c: number): number {
  if (c < 128) return c >= 97 && c <= 122 ? c - 32 : c;
  let f = foldCache.get(c);
  if (f === undefined) {
    const up = String.fromCharCode(c).toUpperCase();
    f = up.length === 1 && up.charCodeAt(0) >= 128 ? up.charCodeAt(0) : c;
    foldCache.set(c, f);
  }
  return f;
}
const lower = (c: number) =>
  c < 128 ? (c >= 65 && c <= 90 ? c + 32 : c) : String.fromCharCode(c).toLowerCase().charCodeAt(0);

function inRanges(ranges: number[], c: number): boolean {
  for (let k = 0; k < ranges.length; k += 2) if (c >= ranges[k]! && c <= ranges[k + 1]!) return true;
  return false;
}

/**
 * Case-insensitive membership. One character compares folded forms, as JS does; a class tests the
 * character, its folded (upper) and lower forms, which covers every cased range short of exotic
 * many-to-one foldings.
 */
export function setHas(set: CharSet, c: number): boolean {
  const f = fold(c);
  if (set.ranges.length === 2 && set.ranges[0] === set.ranges[1])
    return (fold(set.ranges[0]!) === f) !== set.negate;
  const hit =
    inRanges(set.ranges, c) ||
    inRanges(set.ranges, f) ||
    (fold(lower(c)) === f && inRanges(set.ranges, lower(c)));
  return hit !== set.negate;
}

/** A compiled pattern: instructions in parallel arrays (op, x, y), sets by index. */
