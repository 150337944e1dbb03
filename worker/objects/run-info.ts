// What became of one run (GET …/runs/:runId, the MCP server's get_run and send_message {wait}):
// its status, usage and cost from the runs table, its final text (the last assistant message it
// wrote), and the error it failed with. Read from the object's own SQLite; nothing is kept extra.
import type { MessageState, RunInfo } from "../../schema/api";
import type { EventLog } from "../db/event-log";
import type { Store } from "../db/store";

type Row = { content: string };

export function runInfo(store: Store, log: EventLog, runId: string): RunInfo | null {
  const run = store.run(runId);
  if (!run) return null;
  const rows = store.sql
    .exec<Row>(
      "SELECT content FROM conversation WHERE run_id = ? AND role = 'assistant' ORDER BY idx DESC LIMIT 1",
      runId,
    )
    .toArray();
  const blocks = rows[0] ? (JSON.parse(rows[0].content) as { type: string; text?: string }[]) : [];
  const text = blocks
    .filter((b) => b.type === "text")
    .map((b) => b.text ?? "")
    .join("");
  let error: RunInfo["error"] = null;
  if (run.status === "failed") {
    const failed = log.lastOf(["run.failed"], (e) => e.runId === runId);
    if (failed) error = failed.error;
  }
  return {
    runId,
    trigger: run.trigger,
    status: run.status,
    text,
    usage: {
      inputTokens: run.inputTokens,
      outputTokens: run.outputTokens,
      cacheReadTokens: run.cacheReadTokens,
      cacheWriteTokens: run.cacheWriteTokens,
    },
    costUsd: Math.round(run.costUsd * 1e6) / 1e6,
    steps: run.steps,
    startedAt: run.createdAt,
    endedAt: run.endedAt,
    error,
  };
}

/**
 * Where a message stands: waiting in the inbox, taken in by a run, or dropped unrun (Stop all
 * cancels an agent's queue). Null when this object never had it.
 */
export function runOfMessage(store: Store, messageId: string): MessageState | null {
  const row = store.input({ messageId });
  if (!row) return null;
  const state = row.runId ? "taken" : row.consumedAt === null ? "queued" : "cancelled";
  return { messageId, runId: row.runId, state };
}
