// send_message {wait}: follows the run a message started (or will start, when it was queued) to its
// end through the public API, reporting progress while it goes, and answers with the run's final
// text, usage and cost — or, when the wait runs out, with the runId to ask get_run about later.
import type { MessageState, RunInfo } from "../../schema/api";
import { MCP_LIMITS } from "../limits";

export type CallApi = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

export type WaitResult =
  | (RunInfo & { done: true })
  | { done: false; runId: string | null; messageId: string; status: string; note: string };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

const ENDED = new Set(["completed", "failed", "interrupted"]);

export async function waitForRun(
  call: CallApi,
  orchestratorId: string,
  messageId: string,
  firstRunId: string | null,
  opts: {
    timeoutMs: number;
    signal?: AbortSignal;
    progress?: (progress: number, message: string) => Promise<void>;
  },
): Promise<WaitResult> {
  const started = Date.now();
  const base = `/api/orchestrators/${encodeURIComponent(orchestratorId)}`;
  let runId = firstRunId;
  let status = runId ? "active" : "queued";
  for (let tick = 1; ; tick++) {
    if (!runId) {
      // Queued behind another run: the message gets its run when that one ends.
      const lookup = await call("GET", `${base}/messages/${encodeURIComponent(messageId)}`);
      if (lookup.status === 200) {
        const m = lookup.body as MessageState;
        if (m.state === "cancelled")
          return {
            done: false,
            runId: null,
            messageId,
            status: "cancelled",
            note: "The message was dropped unrun (Stop all).",
          };
        runId = m.runId;
      }
    }
    if (runId) {
      const r = await call("GET", `${base}/runs/${encodeURIComponent(runId)}`);
      if (r.status === 200) {
        const info = r.body as RunInfo;
        status = info.status;
        if (ENDED.has(info.status)) return { ...info, done: true };
      }
    }
    const elapsed = Date.now() - started;
    if (elapsed >= opts.timeoutMs || opts.signal?.aborted) {
      return {
        done: false,
        runId,
        messageId,
        status,
        note: runId
          ? "Still running; ask get_run with this runId later."
          : "Still queued behind another run; send_message again with wait, or look at list_orchestrators later.",
      };
    }
    await opts.progress?.(tick, `${status} for ${Math.round(elapsed / 1000)} s`);
    await sleep(Math.min(MCP_LIMITS.pollMs, opts.timeoutMs - elapsed), opts.signal);
  }
}
