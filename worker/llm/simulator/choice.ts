// What the request lets the model say, applied to what it wants to say (a script's step or the demo
// brain's reply): `tool_choice` and structured output (`output_config.format`). The API enforces
// both while the model writes, so the response always complies; here the reply is adjusted after:
//
// - tool_choice `none`: no tool calls (the model can't make any). A reply that was only calls says
//   so in a short text instead.
// - tool_choice `any` / `tool`: the API prefills the start of a tool call, so the response is tool
//   calls and no text ("the model will not emit a natural language response or explanation before
//   `tool_use` content blocks"). `tool` keeps only calls to the named tool; a reply without a
//   fitting call gets one, with input generated from the tool's input_schema. Thinking stays.
// - `disable_parallel_tool_use`: at most one call (`auto`), exactly one (`any`, `tool`).
// - `output_config.format` (json_schema): the text is JSON valid against the schema. A script's
//   text that already is stays as written; any other text is replaced by generated JSON. A reply
//   that calls tools keeps its calls and drops its text (the JSON answer comes after the tools).
import type { Reply, ToolCall } from "./conversation";
import { latestUserTextTurn, textOf } from "./conversation";
import { type JsonSchema, sampleOf, schemaError } from "./json-schema";
import type { SimRequest, Tool } from "./request";
import { isServerCall } from "./server-tools";

export function applyChoice(reply: Reply, request: SimRequest): Reply {
  const choice = request.tool_choice;
  const out: Reply = { ...reply, tools: [...reply.tools] };
  const single =
    choice !== undefined &&
    "disable_parallel_tool_use" in choice &&
    choice.disable_parallel_tool_use === true;

  switch (choice?.type) {
    case "none":
      if (out.tools.length > 0) {
        if (!out.text)
          out.text = `(simulator) tool_choice is "none", so I answer without calling ${names(out.tools)}.`;
        out.tools = [];
      }
      break;
    case "any":
    case "tool": {
      const named = choice.type === "tool" ? choice.name : null;
      if (named !== null) out.tools = out.tools.filter((t) => t.name === named);
      if (out.tools.length === 0) {
        const tool = named !== null ? findTool(request, named) : pickTool(request);
        if (tool) out.tools = [{ name: tool.name, input: inputFor(tool) }];
      }
      delete out.text;
      if (single) out.tools = out.tools.slice(0, 1);
      break;
    }
    default:
      if (single) out.tools = out.tools.slice(0, 1);
  }
  if (out.pause && !out.tools.some((t) => isServerCall(request, t.name))) delete out.pause;

  const format = request.output_config?.format;
  if (format) {
    if (out.tools.length > 0) delete out.text;
    else if (out.text === undefined || !fits(out.text, format.schema)) {
      out.text = JSON.stringify(sampleOf(format.schema));
    }
  }
  return out;
}

function fits(text: string, schema: JsonSchema): boolean {
  try {
    return schemaError(JSON.parse(text), schema) === null;
  } catch {
    return false;
  }
}

/** Client tools the request declares (custom tools have an input_schema; server tools a type). */
function clientTools(request: SimRequest): Tool[] {
  return (request.tools ?? []).filter((t) => t.type === undefined || t.type === "custom");
}

function findTool(request: SimRequest, name: string): Tool | undefined {
  return (request.tools ?? []).find((t) => t.name === name);
}

/** For `any`: the tool the user's latest words name, else the first one declared. */
function pickTool(request: SimRequest): Tool | undefined {
  const tools = clientTools(request);
  const turn = latestUserTextTurn(request.messages);
  const said = turn >= 0 ? textOf(request.messages[turn]!).toLowerCase() : "";
  const named = tools.find(
    (t) => said.includes(t.name.toLowerCase().replace(/_/g, " ")) || said.includes(t.name.toLowerCase()),
  );
  return named ?? tools[0] ?? request.tools?.[0];
}

function inputFor(tool: Tool): Record<string, unknown> {
  const schema = tool.input_schema;
  const value = typeof schema === "object" && schema !== null ? sampleOf(schema) : {};
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function names(calls: ToolCall[]): string {
  return [...new Set(calls.map((c) => `\`${c.name}\``))].join(", ");
}
