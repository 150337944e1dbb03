// The Messages request as the simulator understands it, validated the way the real API does, so a
// malformed request fails here with the same 400 it would get from Anthropic instead of "working"
// offline and breaking in production. Shapes are deliberately loose (unknown fields pass through):
// only what the simulator reads, or what the API is strict about, is checked. This file checks
// types (the API's schema layer, hence pydantic-style messages); rules.ts checks the rules between
// fields, one by one, each with the documentation it follows.
import { z } from "zod";

const required =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? "Field required" : `Input should be ${expected}`;

const cacheControl = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });

const block = z.looseObject({ type: z.string(), cache_control: cacheControl.nullish() });
const content = z.union([z.string(), z.array(block)]);

const message = z.looseObject({
  role: z.enum(["user", "assistant", "system"], {
    error: required("'user', 'assistant' or 'system'"),
  }),
  content,
});

const tool = z.looseObject({ name: z.string(), cache_control: cacheControl.nullish() });

const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("auto"), ...parallel }),
    z.looseObject({ type: z.literal("any"), ...parallel }),
    z.looseObject({
      type: z.literal("tool"),
      name: z.string({ error: required("a valid string") }),
      ...parallel,
    }),
    z.looseObject({ type: z.literal("none") }),
  ],
  { error: () => "Input tag should be 'auto', 'any', 'tool' or 'none'" },
);

const outputConfig = z.looseObject({
  effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
  format: z
    .looseObject({
      type: z.literal("json_schema", { error: () => "Input should be 'json_schema'" }),
      schema: z.record(z.string(), z.unknown(), { error: required("a valid dictionary") }),
    })
    .nullish(),
});

const thinking = z.looseObject({
  type: z.enum(["enabled", "disabled", "adaptive", "between_tools"], {
    error: () => "Input tag should be 'enabled', 'disabled', 'adaptive' or 'between_tools'",
  }),
  budget_tokens: z
    .number({ error: required("a valid integer") })
    .int("Input should be a valid integer")
    .optional(),
});

const requestSchema = z.looseObject({
  model: z.string({ error: required("a valid string") }).min(1, "String should have at least 1 character"),
  max_tokens: z
    .number({ error: required("a valid integer") })
    .int("Input should be a valid integer")
    .min(0, "Input should be greater than or equal to 0"),
  messages: z.array(message, { error: required("a valid list") }),
  system: z.union([z.string(), z.array(block)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  output_config: outputConfig.optional(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  thinking: thinking.optional(),
  temperature: z.number({ error: required("a valid number") }).optional(),
  top_p: z.number({ error: required("a valid number") }).optional(),
  top_k: z
    .number({ error: required("a valid integer") })
    .int("Input should be a valid integer")
    .optional(),
});

export type Block = z.infer<typeof block>;
export type Content = z.infer<typeof content>;
export type Message = z.infer<typeof message>;
export type Tool = z.infer<typeof tool>;
export type ToolChoice = z.infer<typeof toolChoice>;
export type SimRequest = z.infer<typeof requestSchema>;

/** Checks the body's shape and types; the rules between fields come after (rules.ts). */
export function parseShape(
  body: unknown,
): { ok: true; request: SimRequest } | { ok: false; message: string } {
  const result = requestSchema.safeParse(body);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  const path = issue?.path.join(".") ?? "";
  return { ok: false, message: path ? `${path}: ${issue?.message}` : (issue?.message ?? "Invalid request") };
}

export function blocksOf(content: Content): Block[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

export function stringField(block: Block, key: string): string | undefined {
  const value = block[key];
  return typeof value === "string" ? value : undefined;
}
