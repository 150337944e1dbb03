// The production object classes with the benchmarks' extra RPC. The bench Worker exports these
// under the production names (Orchestrator, Agent), so the bindings, migrations and storage are
// exactly production's; only the bench Worker's objects can run a cost probe.
import { Agent } from "../../worker/objects/agent";
import { Orchestrator } from "../../worker/objects/orchestrator";
import { runSqlCost, type SqlCostOp } from "./sql-cost";

export class BenchOrchestrator extends Orchestrator {
  /** bench/costs.ts: n repetitions of one storage operation in this object's SQLite. */
  async benchSqlCost(n: number, op: SqlCostOp): Promise<void> {
    await runSqlCost(this.ctx.storage, n, op);
  }
}

export class BenchAgent extends Agent {
  /** The same probe in an agent object. */
  async benchSqlCost(n: number, op: SqlCostOp): Promise<void> {
    await runSqlCost(this.ctx.storage, n, op);
  }
}
