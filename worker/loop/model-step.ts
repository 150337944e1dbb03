// One model step (DESIGN §5.7–§5.10, §9): compact if the context is full, reserve the call's worst
// case at every budget (its declared server tools' included), stream the call (retries inside),
// and checkpoint what came back. A response that stopped with pause_turn is marked so the run
// continues it with one more step. Returns how the run ends when this step ends it, else null; a
// reply that ends the run (no tool calls, not paused, not cut off) ends it in its checkpoint.
import type { RunFailureCode } from "../../schema/errors";
import type { ConversationRow, ObjectConfig, RunRow } from "../db/store";
import { RUN_LIMITS } from "../limits";
import { modelInfo, reservationUsd } from "../llm/prices";
import type { Checkpoints } from "./checkpoints";
import { compactIfNeeded } from "./compaction";
import { newId, type RunEnd, type RunnerHost } from "./host";
import { buildMessages, withCacheBreakpoints } from "./messages";
import { CallFailed, CallInterrupted, type CallParams, callModel } from "./model-call";
import { declaredServerTools } from "./server-tools";
import type { Tool } from "./tool";

export type StepEnd = { end: RunEnd; error?: { code: RunFailureCode; message: string } } | null;

/**
 * The request the next call sends, and what the budgets reserve for it: the prompt (≈ 4 characters
 * a token), `max_tokens` of output, and the worst case of the server tools it declares.
 */
export function nextRequest(
  config: ObjectConfig,
  system: string,
  tools: Tool[],
  conversation: ConversationRow[],
): { params: CallParams; reserveUsd: number } {
  const maxTokens = config.maxTokens ?? Math.min(RUN_LIMITS.maxTokens, modelInfo(config.model).maxOutput);
  const serverTools = declaredServerTools(config);
  const params = withCacheBreakpoints({
    model: config.model,
    max_tokens: maxTokens,
    system,
    tools,
    serverTools,
    thinking: config.thinking,
    messages: buildMessages(conversation),
  });
  const estimatedInput = Math.ceil(JSON.stringify(params).length / 4);
  return { params, reserveUsd: reservationUsd(config.model, estimatedInput, maxTokens, serverTools) };
}

export async function modelStep(
  host: RunnerHost,
  env: Env,
  cp: Checkpoints,
  run: RunRow,
  abort: AbortController,
  endRun: (end: RunEnd) => void,
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
  const { params, reserveUsd } = nextRequest(config, host.system(), tools, store.conversation());
  const refusal = await cp.reserveCall(reserveUsd);
  if (refusal) return { end: "failed", error: { code: "budget_exceeded", message: refusal } };

  const messageId = newId("msg");
  try {
    const out = await callModel(
      {
        client: await host.client(),
        params,
        messageId,
        signal: abort.signal,
        idleTimeoutMs: Number(env.LLM_IDLE_TIMEOUT_MS || 60_000),
        retryBaseMs: Number(env.LLM_RETRY_BASE_MS || 1000),
        maxAttempts: RUN_LIMITS.maxAttempts,
      },
      {
        emit: (b) => host.emit(b),
        text: (id, kind, index, text) => host.liveText.append(id, kind, index, text),
        blockEnd: (id, index) => host.liveText.end(id, index),
        // Billed, but the retry still runs under the call's reservation.
        onAttemptAborted: (a, reason) =>
          cp.recordMessage(run.id, a.messageId, a.content, reason, a.usage, a.costUsd, false),
      },
    );
    // The reply ends the run when it calls no tool and wasn't paused or cut off (the same rule the
    // drive loop applies to the conversation's last message when it resumes after a restart).
    const calls = out.content.some((b) => b.type === "tool_use");
    const final = !calls && out.stopReason !== "pause_turn" && out.stopReason !== "max_tokens";
    store.transaction(() => {
      // pause_turn: the API paused a long turn (server tools mid-way); the run sends the content
      // back as-is for it to go on (runner.ts continues a paused turn instead of ending the run).
      store.set("pausedTurn", out.stopReason === "pause_turn" ? out.messageId : null);
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
      host.messageCheckpointed(out.usage, out.costUsd, settles);
      // The run's end shares this commit and log row: other streams wait for one commit, not two.
      if (final) endRun("completed");
    });
    // Awaited here, not deferred: the timing of this flush decides how an agent's notices batch,
    // and deferring it cost a team ~12% more D1 statements (bench/fanout).
    await host.flush();
    // Ended above, with the reply: the drive loop finds the run no longer active and stops.
    if (final) return null;
    if (out.stopReason === "max_tokens" && !calls) {
      // Let the model continue where it was cut off rather than ending mid-sentence.
      store.appendMessage(run.id, newId("msg"), "user", [{ type: "text", text: "Continue." }]);
    }
    return null;
  } catch (err) {
    if (err instanceof CallInterrupted) {
      if (err.partial) {
        const p = err.partial;
        store.transaction(() => {
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
          host.messageCheckpointed(p.usage, p.costUsd, settles);
        });
      }
      return { end: "interrupted" };
    }
    if (err instanceof CallFailed) return { end: "failed", error: { code: err.code, message: err.message } };
    throw err;
  }
}
