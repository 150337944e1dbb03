// Turns the stored conversation into a valid Messages API request, with prompt-cache breakpoints.
import type Anthropic from "@anthropic-ai/sdk";
import { modelInfo } from "../../schema/models";
import type { ContentBlock, ObjectConfig, Role } from "../db/store";
import type { ServerToolParam } from "./server-tools";
import { type Tool, toolParams } from "./tool";

type Stored = { role: Role; content: ContentBlock[] };
const ephemeral = { type: "ephemeral" } as const;

/**
 * Merges consecutive same-role turns, drops empty text and unsigned thinking blocks (the API
 * rejects both), and answers any tool call left without a result, so the request is always valid.
 * Server tool blocks (server_tool_use and its result, encrypted content included) and text
 * citations pass through unchanged; a turn that stopped with pause_turn stays the last message,
 * which is how the API continues it.
 */
export function buildMessages(conv: Stored[]): Anthropic.MessageParam[] {
  const out: { role: Role; content: ContentBlock[] }[] = [];
  for (const m of conv) {
    const content = m.content.filter(
      (b) => !(b.type === "text" && !b.text) && !(b.type === "thinking" && !b.signature),
    );
    if (!content.length) continue;
    const prev = out[out.length - 1];
    if (prev && prev.role === m.role) prev.content = [...prev.content, ...structuredClone(content)];
    else out.push({ role: m.role, content: structuredClone(content) });
  }
  for (let i = 0; i < out.length; i++) {
    const m = out[i]!;
    if (m.role !== "assistant") continue;
    const uses = m.content
      .filter((b) => b.type === "tool_use")
      .map((b) => (b as Anthropic.ToolUseBlockParam).id);
    if (!uses.length) continue;
    const next = out[i + 1];
    const answered = new Set(
      next?.role === "user"
        ? next.content
            .filter((b) => b.type === "tool_result")
            .map((b) => (b as Anthropic.ToolResultBlockParam).tool_use_id)
        : [],
    );
    const missing: ContentBlock[] = uses
      .filter((id) => !answered.has(id))
      .map((id) => ({
        type: "tool_result",
        tool_use_id: id,
        content: "Not run: the turn was interrupted.",
        is_error: true,
      }));
    if (!missing.length) continue;
    if (next?.role === "user") next.content = [...missing, ...next.content];
    else out.splice(i + 1, 0, { role: "user", content: missing });
  }
  // Tool results must come first in a user turn.
  for (const m of out) {
    if (m.role === "user")
      m.content.sort((a, b) => Number(b.type === "tool_result") - Number(a.type === "tool_result"));
  }
  return out;
}

/**
 * Breakpoints: the tools, the system prompt, the previous request's tail and this request's tail.
 * The previous tail makes the whole earlier conversation a cache read; the new tail is written.
 * Server tools are declared after the object's own tools, so the tools breakpoint covers them too.
 * With `thinking`, the request asks for adaptive thinking (and its effort, when set).
 */
export function withCacheBreakpoints(p: {
  model: string;
  max_tokens: number;
  system: string;
  tools: Tool[];
  serverTools?: ServerToolParam[];
  thinking?: ObjectConfig["thinking"];
  messages: Anthropic.MessageParam[];
}): Omit<Anthropic.MessageCreateParamsStreaming, "stream"> {
  const tools: Anthropic.ToolUnion[] = [
    ...(toolParams(p.tools) as Anthropic.Tool[]),
    ...(p.serverTools ?? []).map((t) => ({ ...t })),
  ];
  const last = tools[tools.length - 1];
  if (last) last.cache_control = ephemeral;
  const messages = p.messages;
  const mark = (i: number) => {
    const m = messages[i];
    if (!m || typeof m.content === "string") return;
    const block = m.content[m.content.length - 1];
    if (block && block.type !== "thinking" && block.type !== "redacted_thinking") {
      (block as { cache_control?: typeof ephemeral }).cache_control = ephemeral;
    }
  };
  mark(messages.length - 1);
  mark(messages.length - 3);
  return {
    model: p.model,
    max_tokens: p.max_tokens,
    system: [{ type: "text", text: p.system, cache_control: ephemeral }],
    tools,
    messages,
    ...thinkingParams(p.model, p.max_tokens, p.thinking),
  };
}

/** Thinking budgets for models that take one (Claude 4.5), by effort; always under max_tokens. */
const BUDGET_BY_EFFORT = { low: 2048, medium: 6144, high: 16_384 } as const;

/**
 * Extended thinking as the model takes it: adaptive (with its effort) on Claude 4.6 and later, a
 * token budget on Claude 4.5 (the API refuses adaptive there) — none when max_tokens leaves no room
 * for the API's 1,024-token minimum budget.
 */
export function thinkingParams(
  model: string,
  maxTokens: number,
  thinking: ObjectConfig["thinking"],
): Pick<Anthropic.MessageCreateParams, "thinking" | "output_config"> {
  if (!thinking) return {};
  if (modelInfo(model).thinking === "adaptive") {
    return {
      thinking: { type: "adaptive" },
      ...(thinking.effort ? { output_config: { effort: thinking.effort } } : {}),
    };
  }
  const budget = Math.min(BUDGET_BY_EFFORT[thinking.effort ?? "medium"], maxTokens - 1024);
  return budget >= 1024 ? { thinking: { type: "enabled", budget_tokens: budget } } : {};
}
