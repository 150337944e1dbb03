// Event builders for tests: realistic envelopes with a running seq per stream.
import type { AgentSummary, EventBody, StreamEvent } from "../../schema/events";

export function makeStream(stream = "orchestrator:o1", start = 1, t0 = 1_700_000_000_000) {
  let seq = start;
  return (body: EventBody, at?: number): StreamEvent => {
    const s = seq++;
    return { stream, seq: s, ts: at ?? t0 + s * 10, ...body } as StreamEvent;
  };
}

export const usage = (input = 100, output = 20) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

export function agentSummary(over: Partial<AgentSummary> = {}): AgentSummary {
  return {
    id: "a1",
    name: "researcher",
    model: "claude-haiku-5-5",
    instructions: "Research things.",
    tools: null,
    status: "idle",
    note: null,
    task: null,
    result: null,
    totals: { ...usage(0, 0), costUsd: 0 },
    contextTokens: 0,
    contextWindow: 200_000,
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** A plain orchestrator turn: user message, a streamed answer in `chunks`, completion. */
export function simpleTurn(
  ev: ReturnType<typeof makeStream>,
  n: number,
  chunks = ["Hel", "lo"],
): StreamEvent[] {
  const out = [
    ev({ type: "message.user", messageId: `u${n}`, text: `question ${n}` }),
    ev({ type: "run.started", runId: `r${n}`, trigger: "user" }),
    ev({ type: "message.started", messageId: `m${n}`, model: "claude-sonnet-5-5" }),
  ];
  for (const text of chunks) out.push(ev({ type: "text.delta", messageId: `m${n}`, index: 0, text }));
  out.push(
    ev({
      type: "message.completed",
      messageId: `m${n}`,
      stopReason: "end_turn",
      usage: usage(),
      costUsd: 0.001,
    }),
    ev({ type: "run.completed", runId: `r${n}`, usage: usage(), costUsd: 0.001 }),
  );
  return out;
}
