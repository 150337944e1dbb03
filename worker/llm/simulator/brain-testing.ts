// Driving the demo brain like the app's loop does (for its tests): the tools each role is offered,
// one request at a time, and a result for each tool call the reply made.
import type Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageParam, Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { MODEL } from "./testing";

const tool = (name: string): Tool => ({ name, description: name, input_schema: { type: "object" } });
export const ORCHESTRATOR = [
  "create_agent",
  "list_agents",
  "command_agent",
  "check_agent_status",
  "read_agent_output",
  "wait_for_agents",
  "interrupt_agent",
  "delete_agent",
  "list_files",
  "read_file",
].map(tool);
export const AGENT = [
  "list_files",
  "read_file",
  "write_file",
  "edit_file",
  "delete_file",
  "search_files",
  "report",
].map(tool);

export const callsOf = (m: Message) => m.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
export const textOf = (m: Message) => m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");

export function next(
  client: Anthropic,
  tools: Tool[],
  messages: MessageParam[],
  thinking = false,
): Promise<Message> {
  return client.messages
    .stream({
      model: MODEL,
      max_tokens: 4000,
      tools,
      messages,
      ...(thinking ? { thinking: { type: "adaptive" as const } } : {}),
    })
    .finalMessage();
}

/** Appends the assistant message and a result for each of its calls (`results` by tool name). */
export function answer(
  messages: MessageParam[],
  m: Message,
  results: Record<string, string>,
  isError = false,
) {
  messages.push({ role: "assistant", content: m.content });
  messages.push({
    role: "user",
    content: callsOf(m).map((c) => ({
      type: "tool_result" as const,
      tool_use_id: c.id,
      content: results[c.name] ?? "ok",
      is_error: isError,
    })),
  });
}
