// The Message object and its usage, typed with the SDK's own response types so the compiler checks
// that what the simulator emits is exactly what the SDK expects to receive.
import type {
  ContentBlock,
  Message,
  MessageDeltaUsage,
  ServerToolUseBlock,
  Usage,
} from "@anthropic-ai/sdk/resources/messages";
import type { OutBlock, Outcome } from "./compose";
import type { InputUsage } from "./usage";
import { tokensOf } from "./usage";

/** The message as announced by `message_start`: no content yet, output_tokens 1 (as the API does). */
export function startedMessage(id: string, model: string, input: InputUsage): Message {
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: usage(input, 1, null),
  };
}

/** The finished message, as a non-streaming response returns it. */
export function finishedMessage(id: string, model: string, input: InputUsage, outcome: Outcome): Message {
  return {
    ...startedMessage(id, model, input),
    content: outcome.blocks.map(fullBlock),
    stop_reason: outcome.stopReason,
    stop_sequence: outcome.stopSequence,
    usage: {
      ...usage(
        { ...input, input_tokens: input.input_tokens + outcome.resultInputTokens },
        outcome.outputTokens,
        thinkingTokens(outcome),
      ),
      server_tool_use: outcome.serverToolUse,
    },
  };
}

/**
 * `message_delta` usage: cumulative totals for the whole message, never increments. Server tool
 * results the model read inside the response add to its input (so the final input can exceed what
 * message_start said), and the billed server tool requests are counted.
 */
export function deltaUsage(input: InputUsage, outcome: Outcome): MessageDeltaUsage {
  const thinking = thinkingTokens(outcome);
  return {
    input_tokens: input.input_tokens + outcome.resultInputTokens,
    cache_creation_input_tokens: input.cache_creation_input_tokens,
    cache_read_input_tokens: input.cache_read_input_tokens,
    output_tokens: outcome.outputTokens,
    output_tokens_details: thinking === null ? null : { thinking_tokens: thinking },
    server_tool_use: outcome.serverToolUse,
  };
}

/** A block as `content_block_start` announces it: empty, to be filled by deltas. */
export function emptyBlock(block: OutBlock): ContentBlock {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "text":
      return { type: "text", text: "", citations: null };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {}, caller: { type: "direct" } };
    case "server_tool_use":
      return { ...serverToolUse(block), input: {} };
    case "server_result":
      return block.block;
  }
}

export function fullBlock(block: OutBlock): ContentBlock {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "text":
      return { type: "text", text: block.text, citations: block.citations.length ? block.citations : null };
    case "tool_use":
      return {
        type: "tool_use",
        id: block.id,
        name: block.name,
        input: block.input,
        caller: { type: "direct" },
      };
    case "server_tool_use":
      return serverToolUse(block);
    case "server_result":
      return block.block;
  }
}

function serverToolUse(block: Extract<OutBlock, { type: "server_tool_use" }>): ServerToolUseBlock {
  return {
    type: "server_tool_use",
    id: block.id,
    name: block.name as ServerToolUseBlock["name"],
    input: block.input,
    caller: { type: "direct" },
  };
}

function usage(input: InputUsage, outputTokens: number, thinking: number | null): Usage {
  return {
    input_tokens: input.input_tokens,
    cache_creation_input_tokens: input.cache_creation_input_tokens,
    cache_read_input_tokens: input.cache_read_input_tokens,
    cache_creation: { ...input.cache_creation },
    output_tokens: outputTokens,
    output_tokens_details: thinking === null ? null : { thinking_tokens: thinking },
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: null,
    speed: null,
  };
}

function thinkingTokens(outcome: Outcome): number | null {
  let n: number | null = null;
  for (const b of outcome.blocks) if (b.type === "thinking") n = (n ?? 0) + tokensOf(b.thinking);
  return n;
}
