// The object's runs. A run's row is written at its first status change (waiting on agents or an
// approval, or its end), not at its start: until then the log says it is under way (its
// `run.started` shares a row with the message that started it) and the ledger row holds its usage.
// One row fewer per run; a restart finds the run under way in the log, as it finds the message
// that was streaming. Rows of runs started before this (written `active` at their start) are found
// as they were.
// The input a run took in as it arrived (a user message or a task that found the object idle) is
// kept in the run's row, not in an inbox row of its own: the inbox holds what waits. Until the row
// is written the log has it (its `message.user` is in the row of the `run.started` right after it).
// A message's lookups (by id, by the client's key) find it here as the inbox row it would have been.
import { type StreamEvent, type Usage, zeroTotals } from "../../schema/events";
import { type Ledger, usageOf } from "./ledger";
import { type InboxRow, parse, type RunRow, type RunSql, runOver, toRun, withStepUsage } from "./store-types";

/** An input a run took in as it arrived: in the run's row instead of the inbox. */
export type ArrivedInput = Pick<InboxRow, "kind" | "payload" | "clientId">;

/** A run the log says is under way: its last run boundary is this `run.started`. */
export type RunStart = { id: string; trigger: string; createdAt: number; input: ArrivedInput | null };

/** How a message is looked up: by its id, or by the key its client sent it with. */
export type InputKey = { messageId: string } | { clientId: string };

const matches = (input: ArrivedInput, key: InputKey) =>
  "clientId" in key ? input.clientId === key.clientId : input.payload.messageId === key.messageId;

/**
 * The input a run took in as it arrived, from the log: the `message.user` right before its
 * `run.started` (one transaction wrote both) when it is the message the run started with. Null for a
 * run started by what waited in the inbox (the inbox has it), a report or a retry.
 */
export function arrivedInput(
  start: Extract<StreamEvent, { type: "run.started" }>,
  log: { read(after: number, limit: number): StreamEvent[] },
): ArrivedInput | null {
  if (!start.messageId || start.retryOf || start.trigger === "agent_report") return null;
  const m = log.read(start.seq - 2, 1)[0];
  if (m?.type !== "message.user" || m.messageId !== start.messageId) return null;
  const kind = start.trigger === "task" ? "task" : "user";
  const clientId = m.clientId ?? null;
  return {
    kind,
    clientId,
    payload: {
      text: m.text,
      messageId: m.messageId,
      ...(kind === "task" && clientId ? { taskId: clientId } : {}),
      ...(m.edits ? { edits: m.edits } : {}),
      ...(m.regenerates ? { regenerates: m.regenerates } : {}),
    },
  };
}

/** An arrived input as the inbox row it would have been: taken by its run as the run began. */
const asInboxRow = (runId: string, createdAt: number, input: ArrivedInput): InboxRow => ({
  id: input.payload.messageId,
  ...input,
  runId,
  createdAt,
  consumedAt: createdAt,
});

/** A run's columns but the input it arrived with (only lookups read that). */
const RUN_COLUMNS =
  "id, trigger, status, steps, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, created_at, ended_at";

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
  /** The input of the run under way while its row isn't written yet. */
  private pending: { runId: string; input: ArrivedInput } | null = null;

  constructor(
    private readonly sql: () => SqlStorage,
    private readonly ledger: Ledger,
    /** The run under way according to the log, or null (the object's log; none in a bare store). */
    private readonly underWayInLog: () => RunStart | null,
  ) {}

  get(id: string): RunRow | undefined {
    const hit = this.copies.get(id);
    if (hit) return { ...hit };
    const row = this.sql().exec<RunSql>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`, id).toArray()[0];
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
      const start = this.startInLog;
      if (start?.input) this.pending = { runId: start.id, input: start.input };
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

  /**
   * A run starts: in memory only; the caller logs its `run.started` in the same transaction (and an
   * arrived `input`'s `message.user` just before it).
   */
  start(id: string, trigger: string, input?: ArrivedInput): void {
    this.copies.set(id, fresh(id, trigger, Date.now()));
    this.pending = input ? { runId: id, input } : null;
    this.active = id;
  }

  /**
   * The input a run took in as it arrived, as an inbox row taken by that run, or undefined. A
   * client's key is unique here without a unique index: a send looks it up (inbox, then runs) and
   * writes in one synchronous turn, so a repeat always finds the first.
   */
  arrived(key: InputKey): InboxRow | undefined {
    const active = this.activeId();
    const pending = this.pending;
    if (active && pending?.runId === active && matches(pending.input, key))
      return asInboxRow(active, this.get(active)!.createdAt, pending.input);
    const [column, value] = "clientId" in key ? ["client_id", key.clientId] : ["message_id", key.messageId];
    const row = this.sql()
      .exec<{ id: string; input: string; created_at: number }>(
        `SELECT id, input, created_at FROM runs WHERE ${column} = ? ORDER BY created_at LIMIT 1`,
        value,
      )
      .toArray()[0];
    return row ? asInboxRow(row.id, row.created_at, parse<ArrivedInput>(row.input)) : undefined;
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
    this.pending = null;
    this.active = undefined;
    this.startInLog = null;
  }

  /**
   * The whole row: inserted at a run's first status change, updated at the next ones. The input it
   * arrived with goes in with the insert (from then on the row has it).
   */
  private write(run: RunRow): void {
    const input = this.pending?.runId === run.id ? this.pending.input : undefined;
    this.sql().exec(
      `INSERT INTO runs (id, trigger, status, steps, input_tokens, output_tokens, cache_read_tokens,
         cache_write_tokens, cost_usd, created_at, ended_at, input, client_id, message_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at,
         steps = excluded.steps, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
         cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
         cost_usd = excluded.cost_usd, input = coalesce(runs.input, excluded.input),
         client_id = coalesce(runs.client_id, excluded.client_id),
         message_id = coalesce(runs.message_id, excluded.message_id)`,
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
      input ? JSON.stringify(input) : null,
      input?.clientId ?? null,
      input?.payload.messageId ?? null,
    );
    if (input) this.pending = null;
    this.copies.set(run.id, run);
  }
}
