// What every billed model call changes, kept in one meta row ("ledger") written at most once per
// transaction (issue 16): the object's totals and context size, the usage of the run under way, and
// the rows bound for D1. Each of these was a row of its own: a call wrote totals, context size and
// the run's usage, queued an outbox row, and deleted that row once D1 took it. Five rows, now one.
//
// Rows bound for D1 are sent oldest first and dropped from memory once D1 has them; the stored row
// keeps them until its next write. A restart can therefore send a few again, and D1 takes each to
// the same end: a message insert does nothing on an id it has (so its triggers don't bill twice),
// tool-call and agent rows are upserts whose last write wins (and are sent in the order queued),
// and a release deletes. A backlog (D1 unavailable for a while) moves to the outbox table, so the
// row stays small however long D1 is away.
import type { Totals } from "../../schema/events";
import { parse, type RunRow, readMeta, writeMeta } from "./store-types";

/** A run's usage so far, the part of its row each billed call changes. */
export type RunUsage = Pick<
  RunRow,
  "id" | "steps" | "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "costUsd"
>;
export type QueuedD1 = { kind: string; payload: unknown };
type State = { totals?: Totals; contextTokens?: number; run?: RunUsage; d1: QueuedD1[] };
/** The meta keys the ledger row holds. */
export const LEDGER_KEYS = ["totals", "contextTokens"] as const;
export type LedgerKey = (typeof LEDGER_KEYS)[number];

const KEY = "ledger";
/** More rows than this waiting for D1 move to the outbox table at the next write… */
export const SPILL_AT = 50;
/** …and so do the rows waiting when the ledger row would be longer than this. */
export const SPILL_CHARS = 32_768;

export const usageOf = (r: RunRow): RunUsage => ({
  id: r.id,
  steps: r.steps,
  inputTokens: r.inputTokens,
  outputTokens: r.outputTokens,
  cacheReadTokens: r.cacheReadTokens,
  cacheWriteTokens: r.cacheWriteTokens,
  costUsd: r.costUsd,
});

export class Ledger {
  /** What the row says, plus changes not yet written (null: not read since forgotten). */
  private state: State | null = null;
  private dirty = false;

  constructor(
    private readonly sql: () => SqlStorage,
    /** Takes a backlog of D1 rows into the outbox table (outbox-table.ts). */
    private readonly spill: (items: QueuedD1[]) => void,
  ) {}

  private read(): State {
    if (!this.state) {
      const json = readMeta(this.sql(), KEY);
      const stored = json ? parse<{ v: Partial<State> }>(json).v : {};
      this.state = { ...stored, d1: stored.d1 ?? [] };
    }
    return this.state;
  }

  /** Undefined when this object has no ledger value for the key (it may have a meta row of its own). */
  get<K extends LedgerKey>(key: K): State[K] {
    return this.read()[key];
  }

  set<K extends LedgerKey>(key: K, value: NonNullable<State[K]>): void {
    this.read()[key] = value;
    this.dirty = true;
  }

  run(): RunUsage | undefined {
    return this.read().run;
  }

  setRun(run: RunUsage): void {
    this.read().run = run;
    this.dirty = true;
  }

  queue(item: QueuedD1): void {
    this.read().d1.push(item);
    this.dirty = true;
  }

  /** Rows waiting for D1 here (not counting the outbox table). */
  get waiting(): number {
    return this.read().d1.length;
  }

  /**
   * The oldest rows waiting (up to `limit`), and what to call once D1 has them: it drops exactly
   * those rows from memory, wherever they are by then; ones a spill or a forget moved meanwhile are
   * sent again later, which D1 takes to the same end.
   */
  head(limit: number): { payloads: unknown[]; sent: () => void } | null {
    const state = this.read();
    if (!state.d1.length) return null;
    const taken = new Set(state.d1.slice(0, limit));
    return {
      payloads: [...taken].map((i) => i.payload),
      sent: () => {
        if (this.state) this.state.d1 = this.state.d1.filter((i) => !taken.has(i));
      },
    };
  }

  /**
   * Writes the row if anything changed since the last write. A backlog of D1 rows, or rows too big
   * to carry from write to write (tool results), move to the outbox table first: each transaction
   * rewrites this row, so what it carries is kept small.
   */
  write(): void {
    if (!this.dirty || !this.state) return;
    let json = JSON.stringify({ v: this.state });
    if (this.state.d1.length > SPILL_AT || (json.length > SPILL_CHARS && this.state.d1.length)) {
      this.spill(this.state.d1);
      this.state.d1 = [];
      json = JSON.stringify({ v: this.state });
    }
    writeMeta(this.sql(), KEY, json);
    this.dirty = false;
  }

  /** Drops what is in memory (a rolled-back transaction): the next read goes to SQLite. */
  forget(): void {
    this.state = null;
    this.dirty = false;
  }
}
