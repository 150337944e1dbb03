// Per-object D1 counters (/api/_bench/stats) summed over a phase. They live in the objects' memory,
// so an object evicted while idle restarts at 0: read them often enough (after every run, or every
// few seconds) and treat a drop as a restart, never as negative work.
import { type BenchServer, call } from "./server.ts";

export type D1Counters = { batches: number; statements: number; failures: number };
type Stats = { d1: D1Counters };

export class CounterDelta {
  private last = new Map<string, D1Counters>();
  readonly sum: D1Counters = { batches: 0, statements: 0, failures: 0 };

  add(id: string, now: D1Counters): void {
    const prev = this.last.get(id) ?? { batches: 0, statements: 0, failures: 0 };
    const restarted = now.statements < prev.statements;
    for (const k of ["batches", "statements", "failures"] as const) {
      this.sum[k] += restarted ? now[k] : now[k] - prev[k];
    }
    this.last.set(id, now);
  }

  /** Starts counting from the objects' current values (work before this isn't counted). */
  baseline(id: string, now: D1Counters): void {
    this.last.set(id, now);
  }

  /** Reads an orchestrator's and all its agents' counters; `baseline` only records them. */
  async read(server: BenchServer, orchestrator: string, baseline = false): Promise<void> {
    const [orch, agents] = await Promise.all([
      call<{ stats: Stats[] }>(server, "GET", `/api/_bench/stats?ids=${orchestrator}`),
      call<{ stats: (Stats & { id: string })[] }>(
        server,
        "GET",
        `/api/_bench/stats/agents?orchestrator=${orchestrator}`,
      ),
    ]);
    const all: [string, D1Counters][] = [
      [orchestrator, orch.stats[0]!.d1],
      ...agents.stats.map((a): [string, D1Counters] => [a.id, a.d1]),
    ];
    for (const [id, d1] of all) baseline ? this.baseline(id, d1) : this.add(id, d1);
  }
}
