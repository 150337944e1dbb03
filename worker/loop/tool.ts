// What a tool is: a name, a description and zod input schema for the model, and an executor.
import { z } from "zod";
import type { EventBody } from "../../schema/events";
import type { ObjectConfig } from "../db/store";
import { CallerError } from "../http/errors";
import { describeIssues } from "../http/issues";

/** A tool either answers, or (wait_for_agents) asks the runner to suspend the run until woken. */
export type ToolOutcome =
  | { content: string; isError?: boolean }
  | { suspend: { names: string[]; deadline: number; agentIds: string[] } };

export type ToolContext = {
  env: Env;
  config: ObjectConfig;
  toolUseId: string;
  runId: string;
  signal: AbortSignal;
  emit: (body: EventBody) => void;
};

export type Tool<C extends ToolContext = ToolContext> = {
  name: string;
  description: string;
  schema: z.ZodType;
  /** The input's JSON Schema as given to the model, when it comes from elsewhere (MCP servers). */
  inputSchema?: Record<string, unknown>;
  /**
   * Not idempotent (remote MCP calls): the call is recorded durably before it runs, and a call
   * found recorded without a result after a restart is answered "outcome unknown", never re-run.
   */
  once?: boolean;
  /** Calls in one message run in parallel within a phase, phases in order (create, act, wait). */
  phase?: number;
  run: (input: never, ctx: C) => Promise<ToolOutcome>;
};

export function defineTool<S extends z.ZodType, C extends ToolContext = ToolContext>(tool: {
  name: string;
  description: string;
  schema: S;
  phase?: number;
  run: (input: z.infer<S>, ctx: C) => Promise<ToolOutcome>;
}): Tool<C> {
  return tool as unknown as Tool<C>;
}

/** An error the model should see and can act on; anything else is reported as an internal failure. */
export class ToolError extends CallerError {}

export const MAX_TOOL_OUTPUT_CHARS = 20_000;

export function truncateOutput(content: string): { content: string; truncated: boolean } {
  if (content.length <= MAX_TOOL_OUTPUT_CHARS) return { content, truncated: false };
  const more = content.length - MAX_TOOL_OUTPUT_CHARS;
  return {
    content: `${content.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n[output truncated: ${more} more characters not shown]`,
    truncated: true,
  };
}

/** JSON Schema per zod schema: converting is costly and every model call needs every tool's. */
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

export function toolParams(
  tools: Tool[],
): { name: string; description: string; input_schema: { type: "object" } }[] {
  return tools.map((t) => {
    if (t.inputSchema) {
      const { $schema: _drop, ...given } = t.inputSchema;
      return {
        name: t.name,
        description: t.description,
        input_schema: { ...given, type: "object" as const },
      };
    }
    let schema = jsonSchemas.get(t.schema);
    if (!schema) {
      const { $schema: _drop, ...rest } = z.toJSONSchema(t.schema) as Record<string, unknown>;
      schema = rest;
      jsonSchemas.set(t.schema, schema);
    }
    // A fresh top-level object each time: callers mark the last tool for prompt caching.
    return { name: t.name, description: t.description, input_schema: { ...schema, type: "object" as const } };
  });
}

/** Validates the model's input and runs the tool; every failure becomes an is_error result. */
export async function runTool<C extends ToolContext>(
  tool: Tool<C>,
  input: unknown,
  ctx: C,
): Promise<ToolOutcome> {
  const parsed = tool.schema.safeParse(input);
  if (!parsed.success) {
    return {
      content: `Invalid input for ${tool.name}: ${describeIssues(parsed.error, "input")}`,
      isError: true,
    };
  }
  try {
    return await tool.run(parsed.data as never, ctx);
  } catch (err) {
    if (err instanceof CallerError) return { content: err.message, isError: true };
    console.error(`tool ${tool.name} failed`, err);
    return {
      content: `${tool.name} failed unexpectedly; try again or take another approach.`,
      isError: true,
    };
  }
}
