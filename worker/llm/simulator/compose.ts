// Turns what the simulated model "wants to say" into the content blocks it actually emits, after
// the request's limits: `max_tokens` cuts output (stop_reason max_tokens), `stop_sequences` cut
// text (stop_reason stop_sequence), and tool calls make stop_reason tool_use. Block order is the
// API's: thinking (only when the request enables it), server tool calls each followed by its
// result, text (citing those results), then tool_use. A reply marked `pause` stops with pause_turn
// after its server tools; the request that sends that content back gets the rest.
import type { ContentBlock, TextCitation } from "@anthropic-ai/sdk/resources/messages";
import type { Reply } from "./conversation";
import { randomId, toolUseId } from "./ids";
import { blocksOf, type SimRequest } from "./request";
import { citationsFor, isServerCall, runServerCall, type ServerCounters } from "./server-tools";
import { tokensOf } from "./usage";

export type OutBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "text"; text: string; citations: TextCitation[] }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown>; json: string }
  | { type: "server_tool_use"; id: string; name: string; input: Record<string, unknown>; json: string }
  /** A server tool's result: sent whole in its content_block_start, as the API does. */
  | { type: "server_result"; block: ContentBlock };

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "pause_turn";

export type Outcome = {
  blocks: OutBlock[];
  stopReason: StopReason;
  stopSequence: string | null;
  outputTokens: number;
  /** Billed server tool requests (`usage.server_tool_use`), null when the response made none. */
  serverToolUse: { web_search_requests: number; web_fetch_requests: number } | null;
  /** Input the server results added inside the response (the model read them): billed as input. */
  resultInputTokens: number;
};

const thinkingEnabled = (request: SimRequest) =>
  request.thinking?.type === "enabled" || request.thinking?.type === "adaptive";

/** The trailing assistant message a continuation (after pause_turn) goes on from, if any. */
function pausedContent(request: SimRequest): unknown[] | null {
  const last = request.messages.at(-1);
  return last?.role === "assistant" ? blocksOf(last.content) : null;
}

export function compose(reply: Reply, request: SimRequest): Outcome {
  const blocks: OutBlock[] = [];
  let remaining = request.max_tokens;
  let used = 0;
  const counters: ServerCounters = { search: 0, fetch: 0 };
  let resultInputTokens = 0;

  // Returns the part of `text` that fits, and whether it all did.
  const take = (text: string): { text: string; fits: boolean } => {
    const need = tokensOf(text);
    if (need <= remaining) {
      remaining -= need;
      used += need;
      return { text, fits: true };
    }
    const cut = text.slice(0, remaining * 4);
    used += remaining;
    remaining = 0;
    return { text: cut, fits: false };
  };
  const serverToolUse = () =>
    counters.search || counters.fetch
      ? { web_search_requests: counters.search, web_fetch_requests: counters.fetch }
      : null;
  const outcome = (stopReason: StopReason, stopSequence: string | null = null): Outcome => ({
    blocks,
    stopReason,
    stopSequence,
    outputTokens: stopReason === "max_tokens" || stopReason === "stop_sequence" ? used : Math.max(used, 1),
    serverToolUse: serverToolUse(),
    resultInputTokens,
  });

  const continuing = reply.pause ? pausedContent(request) : null;
  const serverCalls = reply.tools.filter((t) => isServerCall(request, t.name));
  const clientCalls = reply.tools.filter((t) => !isServerCall(request, t.name));

  if (!continuing) {
    if (reply.thinking && thinkingEnabled(request)) {
      const t = take(reply.thinking);
      // A signature proves the thinking came from the API; here it only has to look the part.
      blocks.push({ type: "thinking", thinking: t.text, signature: randomId("sim_sig_", 64) });
      if (!t.fits) return outcome("max_tokens");
    }
    for (const call of serverCalls) {
      const run = runServerCall(request, call, counters);
      // A call cut in half never runs; the turn ends at max_tokens.
      if (tokensOf(run.use.json) > remaining) return outcome("max_tokens");
      take(run.use.json);
      blocks.push({ type: "server_tool_use", ...run.use });
      blocks.push({ type: "server_result", block: run.result });
      resultInputTokens += tokensOf(JSON.stringify(run.result));
    }
    if (reply.pause) return outcome("pause_turn");
  }

  if (reply.text) {
    const results = continuing ?? blocks.flatMap((b) => (b.type === "server_result" ? [b.block] : []));
    const citations = citationsFor(results);
    const stop = firstStop(reply.text, request.stop_sequences ?? []);
    const t = take(stop ? reply.text.slice(0, stop.at) : reply.text);
    if (t.text.length > 0) blocks.push({ type: "text", text: t.text, citations });
    if (!t.fits) return outcome("max_tokens");
    if (stop) return outcome("stop_sequence", stop.sequence);
  }

  for (const call of clientCalls) {
    const json = JSON.stringify(call.input);
    // A tool call cut in half is useless to the caller; it is dropped and the turn ends at max_tokens.
    if (tokensOf(json) > remaining) return outcome("max_tokens");
    take(json);
    blocks.push({ type: "tool_use", id: toolUseId(), name: call.name, input: call.input, json });
  }

  return outcome(blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
}

function firstStop(text: string, sequences: string[]): { at: number; sequence: string } | null {
  let best: { at: number; sequence: string } | null = null;
  for (const sequence of sequences) {
    if (sequence.length === 0) continue;
    const at = text.indexOf(sequence);
    if (at >= 0 && (best === null || at < best.at)) best = { at, sequence };
  }
  return best;
}
