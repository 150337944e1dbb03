// The object's runs. A run's row is written at its first status change (waiting on agents or an
// approval, or its end), not at its start: until then the log says it is under way (its
// `run.started` shares a row with the message that started it) and the ledger row holds its usage.
// One row fewer per run; a restart finds the run under way in the log, as it finds the message
// that was streaming. Rows of runs started before this (written `active` at their start) are found
// as they were.
import { type Usage, zeroTotals } from "../../schema/events";
import { type Ledger, usageOf } from "./ledger";
import { type RunRow, type RunSql, runOver, toRun, withStepUsage } from "./store-types";

/** A run the log says is under way: its last run boundary is this `run.started`. */
export type RunStart = { id: string; trigger: string; createdAt: number };

/** A run that has just started: active, nothing billed yet. */
const fresh = (id: string, trigger: string, createdAt: number): RunRow => ({
  id,
  trigger,
  status: "active",
  steps: 0,
  ...zeroTotals(),
  createdAt,
  endedAt: null,
});

export class Runs {
  private readonly copies = new Map<string, RunRow>();
  /** The run under way, once read (undefined: not read since the copies were dropped). */
  private active: string | null | undefined;
  /** Its start as the log gave it, when that is where it was found (no row yet). */
  private startInLog: RunStart | null = null;

  constructor(
    private readonly sql: () => SqlStorage,
    private readonly ledger: Ledger,
    /** The run under way according to the log, or null (the object's log; none in a bare store). */
    private readonly underWayInLog: () => RunStart | null,
  ) {}

  get(id: string): RunRow | undefined {
    const hit = this.copies.get(id);
    if (hit) return { ...hit };
    const row = this.sql().exec<RunSql>("SELECT * FROM runs WHERE id = ?", id).toArray()[0];
    let run: RunRow;
    if (row) run = toRun(row);
    else {
      // Not written yet: the run under way, from the log (its start) and the ledger (its usage).
      const start = this.activeId() === id ? this.startInLog : null;
      if (start?.id !== id) return undefined;
      run = fresh(id, start.trigger, start.createdAt);
    }
    // The usage of the run under way is in the ledger; its row gets it when its status changes.
    const live = this.ledger.run();
    if (live?.id === id) run = { ...run, ...live };
    this.copies.set(id, run);
    return { ...run };
  }

  /**
   * The run under way (active, or waiting on its agents or a person), or null: the log's, whose
   * last run boundary says it (an older row left active by a run that never ended is not it), else
   * a row written active or waiting (an object without such a log).
   */
  activeId(): string | null {
    // null is an answer too ("no run"), so only undefined reads again.
    if (this.active === undefined) {
      this.startInLog = this.underWayInLog();
      this.active =
        this.startInLog?.id ??
        this.sql()
          .exec<{ id: string }>(
            "SELECT id FROM runs WHERE status IN ('active', 'waiting') ORDER BY created_at DESC, rowid DESC LIMIT 1",
          )
          .toArray()[0]?.id ??
        null;
    }
    return this.active;
  }

  /** The most recent run, whatever its state. */
  latest(): RunRow | undefined {
    const active = this.activeId();
    if (active) return this.get(active);
    const r = this.sql()
      .exec<{ id: string }>("SELECT id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1")
      .toArray()[0];
    return r ? this.get(r.id) : undefined;
  }

  /** A run starts: in memory only; the caller logs its `run.started` in the same transaction. */
  start(id: string, trigger: string): void {
    this.copies.set(id, fresh(id, trigger, Date.now()));
    this.active = id;
  }

  /** A run's new status, with its usage so far (kept in the ledger while it runs). */
  setStatus(id: string, status: RunRow["status"]): void {
    const terminal = runOver(status);
    const run = this.get(id);
    if (!run) return;
    this.write({ ...run, status, endedAt: terminal ? Date.now() : null });
    if (!terminal) this.active = id;
    else if (this.active === id) this.active = null;
  }

  /**
   * One more billed step of a run: into the ledger row, which the call's checkpoint writes anyway.
   * Returns whether the ledger changed.
   */
  addUsage(id: string, usage: Usage, costUsd: number): boolean {
    const run = this.get(id);
    if (!run) return false;
    const next = withStepUsage(run, usage, costUsd);
    const live = this.ledger.run();
    // Rare: the ledger holds another run that never reached a status change, or this run has
    // ended already. Each keeps its usage in its own row.
    if (live && live.id !== id) {
      const other = this.get(live.id);
      if (other && !runOver(other.status)) this.write(other);
    }
    if (runOver(run.status)) this.write(next);
    else this.copies.set(id, next);
    this.ledger.setRun(usageOf(next));
    return true;
  }

  /** Drops the copies (a rolled-back transaction): the next read goes to SQLite and the log. */
  forget(): void {
    this.copies.clear();
    this.active = undefined;
    this.startInLog = null;
  }

  /** The whole row: inserted at a run's first status change, updated at the next ones. */
  private write(run: RunRow): void {
    this.sql().exec(
      `INSERT INTO runs (id, trigger, status, steps, input_tokens, output_tokens, cache_read_tokens,
         cache_write_tokens, cost_usd, created_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at,
         steps = excluded.steps, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
         cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
         cost_usd = excluded.cost_usd`,
      run.id,
      run.trigger,
      run.status,
      run.steps,
      run.inputTokens,
      run.outputTokens,
      run.cacheReadTokens,
      run.cacheWriteTokens,
      run.costUsd,
      run.createdAt,
      run.endedAt,
    );
    this.copies.set(run.id, run);
  }
}
