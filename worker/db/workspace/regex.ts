// A linear-time matcher for model-supplied search patterns (DESIGN §8). JavaScript's RegExp
// backtracks: `(a+)+$` over thirty a's takes seconds, and while it runs the isolate answers nothing.
// Here a pattern compiles to an NFA whose every alternative advances together (Thompson), with the
// sets of NFA states reached cached as DFA states built on demand (as RE2 does), so each text
// character costs one table look-up, or at worst one pass over the program: O(text × program).
// It answers only "does this text contain a match", case-insensitively: all search_files needs.
import {
  BOL,
  type CharSet,
  EOL,
  isWord,
  type Node,
  Parser,
  PatternError,
  setHas,
  WORD_B,
} from "./regex-parse";

export { PatternError, PatternSyntaxError } from "./regex-parse";

/** The caller's step budget ran out (see `Matcher.resume`). */
export class BudgetExhausted extends Error {}

/** Programs larger than this are refused: building a DFA state may visit every instruction. */
export const MAX_PROGRAM = 5_000;
/** Cached DFA states; past this the cache starts over (the budget still bounds the work). */
const MAX_STATES = 1_000;
const STATE_COST = 256;

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const ASSERT = 3;
const MATCH = 4;

/** Where in the text a DFA state's closure is taken: the facts assertions look at. */
const AT_START = 1;
const AT_END = 2;
const PREV_WORD = 4;
const NEXT_WORD = 8;

/** Work allowed: `steps` for the whole search, `slice` until the next pause (see `resume`). */
export type Budget = { steps: number; slice: number };

/** A scan in progress over text[start, end): where it is and in which state. */
export type Scan = {
  text: string;
  start: number;
  end: number;
  pos: number;
  state: State | null;
  found: boolean;
};

type State = {
  /** Index in `states` (while this state is live: see `forget`). */
  id: number;
  /** The NFA threads waiting on a character (CHAR instructions), sorted. */
  pcs: Int32Array;
  match: boolean;
  /** Next state per (ASCII character, context bits); -1 = not built yet. */
  ascii: Int32Array;
  other: Map<number, number>;
};

export class Matcher {
  private readonly op: number[] = [];
  private readonly x: number[] = [];
  private readonly y: number[] = [];
  private readonly sets: CharSet[] = [];
  private readonly asciiSets: Uint8Array;
  /** Which context bits can change a closure: only those the program's assertions read. */
  private contextMask = 0;
  private states: State[] = [];
  private index = new Map<string, number>();
  private starts = new Map<number, number>();
  // Scratch for closures: per instruction, the pass that last visited it.
  private mark: Int32Array = new Int32Array(0);
  private stack: Int32Array = new Int32Array(0);
  private pass = 0;

  /** Throws PatternSyntaxError for invalid syntax, PatternError for unsupported or oversized patterns. */
  constructor(pattern: string) {
    this.emit(new Parser(pattern).parse());
    this.push(MATCH, 0, 0);
    this.asciiSets = new Uint8Array(this.sets.length * 128);
    this.mark = new Int32Array(this.op.length);
    this.stack = new Int32Array(this.op.length * 2 + 2);
  }

  get size(): number {
    return this.op.length;
  }

  private push(op: number, x: number, y: number): number {
    if (this.op.length >= MAX_PROGRAM) throw new PatternError("the pattern is too large to search with");
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    return this.op.length - 1;
  }

  private emit(n: Node): void {
    switch (n.t) {
      case "set":
        this.sets.push(n.set);
        this.push(CHAR, this.sets.length - 1, 0);
        return;
      case "assert":
        this.contextMask |=
          n.kind === BOL ? AT_START : n.kind === EOL ? AT_END : AT_START | AT_END | PREV_WORD | NEXT_WORD;
        this.push(ASSERT, n.kind, 0);
        return;
      case "cat":
        for (const item of n.items) this.emit(item);
        return;
      case "alt": {
        // split L1, L2; L1: first; jmp end; L2: split … ; the last alternative falls through.
        const jumps: number[] = [];
        for (let k = 0; k < n.items.length - 1; k++) {
          const split = this.push(SPLIT, 0, 0);
          this.x[split] = this.op.length;
          this.emit(n.items[k]!);
          jumps.push(this.push(JMP, 0, 0));
          this.y[split] = this.op.length;
        }
        this.emit(n.items[n.items.length - 1]!);
        for (const j of jumps) this.x[j] = this.op.length;
        return;
      }
      case "rep": {
        for (let k = 0; k < n.min; k++) this.emit(n.node);
        if (n.max === Number.POSITIVE_INFINITY) {
          const split = this.push(SPLIT, 0, 0);
          this.x[split] = this.op.length;
          this.emit(n.node);
          this.push(JMP, split, 0);
          this.y[split] = this.op.length;
          return;
        }
        const splits: number[] = [];
        for (let k = n.min; k < n.max; k++) {
          const split = this.push(SPLIT, 0, 0);
          splits.push(split);
          this.x[split] = this.op.length;
          this.emit(n.node);
        }
        for (const s of splits) this.y[s] = this.op.length;
        return;
      }
    }
  }

  private holds(kind: number, ctx: number): boolean {
    if (kind === BOL) return (ctx & AT_START) !== 0;
    if (kind === EOL) return (ctx & AT_END) !== 0;
    const boundary = ((ctx & PREV_WORD) !== 0) !== ((ctx & NEXT_WORD) !== 0);
    return kind === WORD_B ? boundary : !boundary;
  }

  /**
   * The DFA state for the threads `seeds` (plus a new match starting here: the search is
   * unanchored) after following every split, jump and assertion that holds in `ctx`. Costs
   * `budget.steps` per instruction visited.
   */
  private closure(seeds: number[], ctx: number, budget: Budget): number {
    if (++this.pass > 1 << 30) {
      this.mark.fill(0);
      this.pass = 1;
    }
    const { op, x, y, mark, stack, pass } = this;
    const pcs: number[] = [];
    let match = false;
    let sp = 0;
    stack[sp++] = 0;
    for (const s of seeds) stack[sp++] = s;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (mark[pc] === pass) continue;
      mark[pc] = pass;
      budget.steps--;
      switch (op[pc]) {
        case JMP:
          stack[sp++] = x[pc]!;
          break;
        case SPLIT:
          stack[sp++] = y[pc]!;
          stack[sp++] = x[pc]!;
          break;
        case ASSERT:
          if (this.holds(x[pc]!, ctx)) stack[sp++] = pc + 1;
          break;
        case MATCH:
          match = true;
          break;
        default:
          pcs.push(pc);
      }
    }
    return this.intern(
      pcs.sort((a, b) => a - b),
      match,
      budget,
    );
  }

  /** The id of the state for these sorted threads, built if it isn't cached. */
  private intern(pcs: ArrayLike<number>, match: boolean, budget: Budget): number {
    // The key costs a pass over the threads (and sorting them cost more): charge for them too.
    budget.steps -= pcs.length;
    const key = `${match ? "m" : ""}${Array.prototype.join.call(pcs, ",")}`;
    const known = this.index.get(key);
    if (known !== undefined) return known;
    if (this.states.length >= MAX_STATES) this.forget();
    // Building a state allocates its tables: charge that like the instructions it stands for.
    budget.steps -= STATE_COST;
    const id = this.states.length;
    this.states.push({
      id,
      pcs: Int32Array.from(pcs),
      match,
      ascii: new Int32Array(128 * 4).fill(-1),
      other: new Map(),
    });
    this.index.set(key, id);
    return id;
  }

  /**
   * Drops the cached states. A dropped state object still steps correctly (its threads are
   * intact) but its memoised ids are stale: `live` tells, and callers re-intern it.
   */
  private live(state: State): boolean {
    return this.states[state.id] === state;
  }

  private forget(): void {
    this.states = [];
    this.index.clear();
    this.starts.clear();
  }

  /** Whether set `k` holds `c`; ASCII answers are remembered (0 unknown, 1 no, 2 yes). */
  private has(k: number, c: number): boolean {
    if (c >= 128) return setHas(this.sets[k]!, c);
    const at = k * 128 + c;
    let known = this.asciiSets[at]!;
    if (known === 0) known = this.asciiSets[at] = setHas(this.sets[k]!, c) ? 2 : 1;
    return known === 2;
  }

  /** The state after reading `c` in state `from`; `ctx` describes the position after `c`. */
  private next(from: State, c: number, ctx: number, budget: Budget): number {
    const seeds: number[] = [];
    for (const pc of from.pcs) {
      budget.steps--;
      if (this.has(this.x[pc]!, c)) seeds.push(pc + 1);
    }
    return this.closure(seeds, ctx, budget);
  }

  /** Starts scanning text[start, end) for a match; drive it with `resume`. */
  scan(text: string, start = 0, end = text.length): Scan {
    return { text, start, end, pos: start, state: null, found: false };
  }

  /**
   * Advances `scan` until it is decided (returns true; `scan.found` says whether it matched) or
   * `budget.slice` runs out (returns false: call again to go on, after yielding to other work).
   * Every character, every instruction visited and every state built costs steps from both
   * counters; when `budget.steps` runs out BudgetExhausted is thrown, so the caller bounds the
   * work of a whole search, not just one text.
   */
  resume(scan: Scan, budget: Budget): boolean {
    const { text, start, end } = scan;
    const mask = this.contextMask;
    const ctxAt = (pos: number, prevWord: boolean) =>
      ((pos === start ? AT_START : 0) |
        (pos === end ? AT_END : 0) |
        (prevWord ? PREV_WORD : 0) |
        (pos < end && isWord(text.charCodeAt(pos)) ? NEXT_WORD : 0)) &
      mask;
    const before = budget.steps;
    let state = scan.state;
    if (state && !this.live(state)) state = this.states[this.intern(state.pcs, state.match, budget)]!;
    if (!state) {
      const ctx0 = ctxAt(start, false);
      let id = this.starts.get(ctx0);
      if (id === undefined) {
        id = this.closure([], ctx0, budget);
        this.starts.set(ctx0, id);
      }
      state = this.states[id]!;
    }
    let pos = scan.pos;
    const stop = Math.max(before - budget.slice, 0);
    while (pos < end && !state.match) {
      if (--budget.steps < stop) break;
      const c = text.charCodeAt(pos);
      const ctx = mask === 0 ? 0 : ctxAt(pos + 1, isWord(c));
      // PREV_WORD follows from c itself (and AT_START never holds here): two bits make the key.
      const slot = (ctx & AT_END ? 1 : 0) | (ctx & NEXT_WORD ? 2 : 0);
      let to: number = c < 128 ? state.ascii[c * 4 + slot]! : (state.other.get(c * 4 + slot) ?? -1);
      if (to < 0) {
        to = this.next(state, c, ctx, budget);
        // If building `to` dropped the cache, `state` is gone: don't memoise new ids into it.
        if (this.live(state)) {
          if (c < 128) state.ascii[c * 4 + slot] = to;
          else state.other.set(c * 4 + slot, to);
        }
      }
      state = this.states[to]!;
      pos++;
    }
    budget.slice -= before - budget.steps;
    scan.pos = pos;
    scan.state = state;
    if (budget.steps < 0) throw new BudgetExhausted();
    if (state.match || pos >= end) {
      scan.found = state.match;
      return true;
    }
    return false;
  }

  /** Whether text[start, end) contains a match, in one go (see `resume` for the budget). */
  test(text: string, start = 0, end = text.length, steps = Number.MAX_SAFE_INTEGER): boolean {
    const scan = this.scan(text, start, end);
    const budget = { steps, slice: steps };
    while (!this.resume(scan, budget)) budget.slice = steps;
    return scan.found;
  }
}
