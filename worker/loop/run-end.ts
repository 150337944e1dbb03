// A run's end (DESIGN §5): exactly one terminal event — run.completed with the run's usage and cost,
// run.failed with its error, or run.interrupted — written in one transaction with everything the
// end settles: tool calls left without a result are closed, the active run, its wait and its
// in-flight call are cleared, a reservation no billed call replaced is released, and decided
// approvals are pruned. Then the object's runEnded hook is called, without waiting for it. Inside
// a transaction already under way (the checkpoint of a reply that ends the run) the end joins it:
// one commit and one log row for both, and the hook runs once that transaction has committed.
import type { RunFailureCode } from "../../schema/errors";
import { runOver } from "../db/store-types";
import type { Approvals } from "./approvals";
import type { Checkpoints } from "./checkpoints";
import type { RunEnd, RunnerHost } from "./host";

/** Ends a run with exactly one terminal event; a run that already ended is left as it is. */
export function finishRun(
  host: RunnerHost,
  cp: Checkpoints,
  approvals: Approvals,
  runId: string,
  end: RunEnd,
  error?: { code: RunFailureCode; message: string },
): void {
  const store = host.store;
  const run = store.run(runId);
  if (!run || runOver(run.status)) return;
  let held: string | null = null;
  store.joined(() => {
    cp.closeDanglingToolCalls(runId, end);
    store.setRunStatus(runId, end);
    store.set("waiting", null);
    held = cp.releaseUnbilled();
    approvals.prune();
    const fresh = store.run(runId)!;
    const usage = {
      inputTokens: fresh.inputTokens,
      outputTokens: fresh.outputTokens,
      cacheReadTokens: fresh.cacheReadTokens,
      cacheWriteTokens: fresh.cacheWriteTokens,
    };
    if (end === "completed")
      host.emit({
        type: "run.completed",
        runId,
        usage,
        costUsd: Math.round(fresh.costUsd * 1e6) / 1e6,
      });
    else if (end === "failed")
      host.emit({
        type: "run.failed",
        runId,
        error: error ?? { code: "internal_error", message: "The run failed." },
      });
    else host.emit({ type: "run.interrupted", runId });
  });
  store.afterCommit(() => {
    void host
      .runEnded(runId, end, run.trigger, held)
      .catch((err) => console.error("runEnded hook failed", err));
  });
}
