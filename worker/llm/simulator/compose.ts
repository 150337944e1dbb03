// Turns what the simulated model "wants to say" into the content blocks it actually emits, after
// the request's limits: `max_tokens` cuts output (stop_reason max_tokens), `stop_sequences` cut
// text (stop_reason stop_sequence), and tool calls make stop_reason tool_use. Block order is the
// API's: thinking, then text, then tool_use.
import type { Reply } from "./conversation";
import { randomId, toolUseId } from "./ids";
import type { SimRequest } from "./request";
import { tokensOf } from "./usage";

export type OutBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown>; json: string };

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";

export type Outcome = {
  blocks: OutBlock[];
  stopReason: StopReason;
  stopSequence: string | null;
  outputTokens: number;
};

export function compose(reply: Reply, request: SimRequest): Outcome {
  const blocks: OutBlock[] = [];
  let remaining = request.max_tokens;
  let used = 0;

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
  const truncated = (): Outcome => ({
    blocks,
    stopReason: "max_tokens",
    stopSequence: null,
    outputTokens: used,
  });

  if (reply.thinking) {
    const t = take(reply.thinking);
    // A signature proves the thinking came from the API; here it only has to look the part.
    blocks.push({ type: "thinking", thinking: t.text, signature: randomId("sim_sig_", 64) });
    if (!t.fits) return truncated();
  }

  if (reply.text) {
    const stop = firstStop(reply.text, request.stop_sequences ?? []);
    const t = take(stop ? reply.text.slice(0, stop.at) : reply.text);
    if (t.text.length > 0) blocks.push({ type: "text", text: t.text });
    if (!t.fits) return truncated();
    if (stop) return { blocks, stopReason: "stop_sequence", stopSequence: stop.sequence, outputTokens: used };
  }

  for (const call of reply.tools) {
    const json = JSON.stringify(call.input);
    // A tool call cut in half is useless to the caller; it is dropped and the turn ends at max_tokens.
    if (tokensOf(json) > remaining) return truncated();
    take(json);
    blocks.push({ type: "tool_use", id: toolUseId(), name: call.name, input: call.input, json });
  }

  const calledTools = blocks.some((b) => b.type === "tool_use");
  return {
    blocks,
    stopReason: calledTools ? "tool_use" : "end_turn",
    stopSequence: null,
    outputTokens: Math.max(used, 1),
  };
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
