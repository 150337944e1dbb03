// When an object's outbox goes to D1 (DESIGN §5: D1 at message boundaries): one flush at a time,
// one more if rows arrived while it ran, and a deferred flush for a run's close that lets other
// streams' waiting deltas go first.
import { type D1Stats, flushOutbox } from "../db/outbox";
import type { Store } from "../db/store";

export class OutboxFlusher {
  /** D1 statements this instance sent (for the writes benchmark); in memory, reset on eviction. */
  readonly stats: D1Stats = { batches: 0, statements: 0, failures: 0 };
  private flushing: Promise<void> | null = null;
  private again = false;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly env: Env,
    private readonly store: Store,
  ) {}

  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.again = false;
        await flushOutbox(this.env, this.store, this.stats);
      } while (this.again);
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /**
   * A flush after the turns already queued, once however often asked: what a run's close left for
   * D1 goes after other streams' waiting deltas instead of ahead of them. The rows are in the
   * outbox already, written in the run's closing transaction; a flush that fails is retried at the
   * next boundary or by the alarm. (The message checkpoint's flush stays awaited: model-step.ts.)
   */
  soon(): Promise<void> {
    this.queued ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      this.queued = null;
      return this.flush();
    });
    return this.queued;
  }
}
