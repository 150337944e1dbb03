// Reading a conversation the way a model would: which user turn is the latest real one (not just
// tool results), what the user said in it, and which tool calls followed with what results. Both
// the script runner and the demo brain decide from this state, never from hidden counters, so a
// retried or resumed request gets the same answer.
import { blocksOf, type Message, stringField } from "./request";

export type ToolCall = { name: string; input: Record<string, unknown> };

/**
 * What the simulated model says in one assistant message, before limits are applied. `pause`: the
 * response stops with pause_turn after its server tool calls, and the request that sends it back
 * (as the last, assistant message) gets the rest — the text and any client tool calls.
 */
export type Reply = { thinking?: string; text?: string; tools: ToolCall[]; pause?: boolean };

export type PastCall = {
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** Index of the assistant message that made the call. */
  turn: number;
  result?: { isError: boolean; text: string };
};

/** The top-level text of a message (text blocks only; tool results don't count). */
export function textOf(message: Message): string {
  return blocksOf(message.content)
    .map((b) => (b.type === "text" ? (stringField(b, "text") ?? "") : ""))
    .filter((t) => t.length > 0)
    .join("\n");
}

/** Index of the latest user message that carries text, i.e. a real turn rather than tool results. */
export function latestUserTextTurn(messages: Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "user" && textOf(m).trim().length > 0) return i;
  }
  return -1;
}

/**
 * Assistant messages after `turn`. A trailing assistant message is a prefill the model is about to
 * continue, not a finished response, so it isn't counted.
 */
export function responsesAfter(messages: Message[], turn: number): number {
  let n = 0;
  const end = messages.at(-1)?.role === "assistant" ? messages.length - 1 : messages.length;
  for (let i = turn + 1; i < end; i++) if (messages[i]!.role === "assistant") n++;
  return n;
}

/** Every tool call made after message `from`, joined with its result when one came back. */
export function callsAfter(messages: Message[], from: number): PastCall[] {
  const calls: PastCall[] = [];
  const byId = new Map<string, PastCall>();
  for (let i = from + 1; i < messages.length; i++) {
    const m = messages[i]!;
    for (const b of blocksOf(m.content)) {
      if (m.role === "assistant" && b.type === "tool_use") {
        const id = stringField(b, "id") ?? "";
        const call: PastCall = { id, name: stringField(b, "name") ?? "", input: asRecord(b.input), turn: i };
        calls.push(call);
        byId.set(id, call);
      } else if (m.role === "user" && b.type === "tool_result") {
        const call = byId.get(stringField(b, "tool_use_id") ?? "");
        if (call) call.result = { isError: b.is_error === true, text: resultText(b.content) };
      }
    }
  }
  return calls;
}

/** The calls of the most recent assistant message that made any. */
export function lastRound(calls: PastCall[]): PastCall[] {
  const turn = calls.at(-1)?.turn;
  return calls.filter((c) => c.turn === turn);
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const item of content) {
    const text = asRecord(item).text;
    if (typeof text === "string") parts.push(text);
  }
  return parts.join("\n");
}
