// One model step (DESIGN §5.7–§5.10): compact if the context is full, reserve the call's worst
// case at every budget, stream the call (retries inside), and checkpoint what came back. Returns
// how the run ends when this step ends it, else null.
import type { RunFailureCode } from "../../schema/errors";
import type { RunRow } from "../db/store";
import { RUN_LIMITS } from "../limits";
import { modelInfo, reservationUsd } from "../llm/prices";
import type { Checkpoints } from "./checkpoints";
import { compactIfNeeded } from "./compaction";
import { newId, type RunEnd, type RunnerHost } from "./host";
import { buildMessages, withCacheBreakpoints } from "./messages";
import { CallFailed, CallInterrupted, callModel } from "./model-call";

export type StepEnd = { end: RunEnd; error?: { code: RunFailureCode; message: string } } | null;

export async function modelStep(
  host: RunnerHost,
  env: Env,
  cp: Checkpoints,
  run: RunRow,
  abort: AbortController,
): Promise<StepEnd> {
  const store = host.store;
  const config = store.config();
  const tools = host.tools();
  const compaction = await compactIfNeeded(host, run.id, {
    reserve: (usd) => cp.reserveCall(usd),
    billed: (messageId, usage, cost) => cp.billSide(run.id, messageId, usage, cost),
    failed: () => cp.releaseUnbilled(),
  });
  if (compaction.refusal) {
    return { end: "failed", error: { code: "budget_exceeded", message: compaction.refusal } };
  }
  const maxTokens = config.maxTokens ?? Math.min(RUN_LIMITS.maxTokens, modelInfo(config.model).maxOutput);
  const params = withCacheBreakpoints({
    model: config.model,
    max_tokens: maxTokens,
    system: host.system(),
    tools,
    messages: buildMessages(store.conversation()),
  });
  const estimatedInput = Math.ceil(JSON.stringify(params).length / 4);
  const refusal = await cp.reserveCall(reservationUsd(config.model, estimatedInput, maxTokens));
  if (refusal) return { end: "failed", error: { code: "budget_exceeded", message: refusal } };

  const messageId = newId("msg");
  try {
    const out = await callModel(
      {
        client: host.client(),
        params,
        messageId,
        signal: abort.signal,
        idleTimeoutMs: Number(env.LLM_IDLE_TIMEOUT_MS || 60_000),
        retryBaseMs: Number(env.LLM_RETRY_BASE_MS || 1000),
        maxAttempts: RUN_LIMITS.maxAttempts,
      },
      {
        emit: (b) => host.emit(b),
        onAttemptStart: (id, usage) => store.set("inflight", { runId: run.id, messageId: id, usage }),
        // Billed, but the retry still runs under the call's reservation.
        onAttemptAborted: (a, reason) =>
          cp.recordMessage(run.id, a.messageId, a.content, reason, a.usage, a.costUsd, false),
      },
    );
    const settles = cp.recordMessage(
      run.id,
      out.messageId,
      out.content,
      out.stopReason,
      out.usage,
      out.costUsd,
      true,
      true,
    );
    await host.messageCheckpointed(out.usage, out.costUsd, settles);
    await host.flush();
    if (out.stopReason === "max_tokens" && !out.content.some((b) => b.type === "tool_use")) {
      // Let the model continue where it was cut off rather than ending mid-sentence.
      store.appendMessage(run.id, newId("msg"), "user", [{ type: "text", text: "Continue." }]);
    }
    return null;
  } catch (err) {
    if (err instanceof CallInterrupted) {
      if (err.partial) {
        const p = err.partial;
        const settles = cp.recordMessage(
          run.id,
          p.messageId,
          p.content,
          "interrupted",
          p.usage,
          p.costUsd,
          p.content.length > 0,
          true,
        );
        await host.messageCheckpointed(p.usage, p.costUsd, settles);
      }
      return { end: "interrupted" };
    }
    if (err instanceof CallFailed) return { end: "failed", error: { code: err.code, message: err.message } };
    throw err;
  }
}
