// Per-object counters (/api/_bench/stats) summed over a phase: D1 statements the objects sent and
// rows they wrote to their own SQLite. They live in the objects' memory (the SQLite one is the
// connection's total_changes()), so an object evicted while idle restarts at 0: read them often
// enough (after every run, or every few seconds) and treat a drop as a restart, never as negative work.
import { type BenchServer, call } from "./server.ts";

export type D1Counters = { batches: number; statements: number; failures: number };
export type ObjectStats = { d1: D1Counters; sqliteRows: number };
type Counted = D1Counters & { sqliteRows: number };

const flat = (s: ObjectStats): Counted => ({ ...s.d1, sqliteRows: s.sqliteRows });
const KEYS = ["batches", "statements", "failures", "sqliteRows"] as const;

export class CounterDelta {
  private last = new Map<string, Counted>();
  readonly sum: Counted = { batches: 0, statements: 0, failures: 0, sqliteRows: 0 };

  add(id: string, stats: ObjectStats): void {
    const now = flat(stats);
    const prev = this.last.get(id) ?? { batches: 0, statements: 0, failures: 0, sqliteRows: 0 };
    // Each counter on its own: the D1 one can stand still while SQLite rows go on.
    for (const k of KEYS) this.sum[k] += now[k] < prev[k] ? now[k] : now[k] - prev[k];
    this.last.set(id, now);
  }

  /** Starts counting from the objects' current values (work before this isn't counted). */
  baseline(id: string, stats: ObjectStats): void {
    this.last.set(id, flat(stats));
  }

  /** Reads objects by id (orchestrators), adding (or with `baseline`, only recording) their counters. */
  async readOrchestrators(server: BenchServer, ids: string[], baseline = false): Promise<void> {
    const { stats } = await call<{ stats: ObjectStats[] }>(
      server,
      "GET",
      `/api/_bench/stats?ids=${ids.join(",")}`,
    );
    for (const [i, s] of stats.entries()) {
      if (baseline) this.baseline(ids[i]!, s);
      else this.add(ids[i]!, s);
    }
  }

  /** Reads an orchestrator's and all its agents' counters; `baseline` only records them. */
  async read(server: BenchServer, orchestrator: string, baseline = false): Promise<void> {
    const [orch, agents] = await Promise.all([
      call<{ stats: ObjectStats[] }>(server, "GET", `/api/_bench/stats?ids=${orchestrator}`),
      call<{ stats: (ObjectStats & { id: string })[] }>(
        server,
        "GET",
        `/api/_bench/stats/agents?orchestrator=${orchestrator}`,
      ),
    ]);
    const all: [string, ObjectStats][] = [
      [orchestrator, orch.stats[0]!],
      ...agents.stats.map((a): [string, ObjectStats] => [a.id, a]),
    ];
    for (const [id, s] of all) baseline ? this.baseline(id, s) : this.add(id, s);
  }
}
