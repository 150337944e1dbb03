// The production object classes with the benchmarks' extra RPC. The bench Worker exports these
// under the production names (Orchestrator, Agent), so the bindings, migrations and storage are
// exactly production's; only the bench Worker's objects can run a cost probe.
import { Agent } from "../../worker/objects/agent";
import { Orchestrator } from "../../worker/objects/orchestrator";
import { RelayChannel } from "./relay";
import { runSqlCost, type SqlCostOp } from "./sql-cost";

/** Marks an upgrade for the bare relay's channel (bench/fanout), which an unused agent object holds. */
export const RELAY_HEADER = "X-Bench-Relay";

export class BenchOrchestrator extends Orchestrator {
  /** bench/costs.ts: n repetitions of one storage operation in this object's SQLite. */
  async benchSqlCost(n: number, op: SqlCostOp): Promise<void> {
    await runSqlCost(this.ctx.storage, n, op);
  }
}

export class BenchAgent extends Agent {
  private relay: RelayChannel | null = null;

  /** The bare relay's fan-out channel, in an object never initialised as an agent. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get(RELAY_HEADER) !== "1") return super.fetch(request);
    this.relay ??= new RelayChannel(this.env);
    return this.relay.accept();
  }

  /** The same probe in an agent object. */
  async benchSqlCost(n: number, op: SqlCostOp): Promise<void> {
    await runSqlCost(this.ctx.storage, n, op);
  }
}
