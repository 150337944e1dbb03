// The Messages request as the simulator understands it, validated the way the real API does, so a
// malformed request fails here with the same 400 it would get from Anthropic instead of "working"
// offline and breaking in production. Shapes are deliberately loose (unknown fields pass through):
// only what the simulator reads, or what the API is strict about, is checked.
import { z } from "zod";

const required =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? "Field required" : `Input should be ${expected}`;

const cacheControl = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });

const block = z.looseObject({ type: z.string(), cache_control: cacheControl.nullish() });
const content = z.union([z.string(), z.array(block)]);

const message = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content,
});

const tool = z.looseObject({ name: z.string(), cache_control: cacheControl.nullish() });

const requestSchema = z.looseObject({
  model: z.string({ error: required("a valid string") }).min(1, "String should have at least 1 character"),
  max_tokens: z
    .number({ error: required("a valid integer") })
    .int()
    .min(1),
  messages: z.array(message, { error: required("a valid list") }),
  system: z.union([z.string(), z.array(block)]).optional(),
  tools: z.array(tool).optional(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.number().optional() }).optional(),
});

export type Block = z.infer<typeof block>;
export type Content = z.infer<typeof content>;
export type Message = z.infer<typeof message>;
export type Tool = z.infer<typeof tool>;
export type SimRequest = z.infer<typeof requestSchema>;

export type Parsed = { ok: true; request: SimRequest } | { ok: false; message: string };

/** The API allows at most this many `cache_control` breakpoints per request. */
const MAX_BREAKPOINTS = 4;

export function parseRequest(body: unknown): Parsed {
  const result = requestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join(".") ?? "";
    return {
      ok: false,
      message: path ? `${path}: ${issue?.message}` : (issue?.message ?? "Invalid request"),
    };
  }
  const request = result.data;
  if (request.messages.length === 0) {
    return { ok: false, message: "messages: at least one message is required" };
  }
  const breakpoints = countBreakpoints(request);
  if (breakpoints > MAX_BREAKPOINTS) {
    return {
      ok: false,
      message: `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`,
    };
  }
  const budget = request.thinking?.type === "enabled" ? request.thinking.budget_tokens : undefined;
  if (budget !== undefined && request.max_tokens <= budget) {
    return { ok: false, message: "`max_tokens` must be greater than `thinking.budget_tokens`." };
  }
  const pairing = checkToolPairing(request.messages);
  if (pairing) return { ok: false, message: pairing };
  return { ok: true, request };
}

export function blocksOf(content: Content): Block[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

export function stringField(block: Block, key: string): string | undefined {
  const value = block[key];
  return typeof value === "string" ? value : undefined;
}

function countBreakpoints(request: SimRequest): number {
  let n = 0;
  for (const t of request.tools ?? []) if (t.cache_control) n++;
  if (Array.isArray(request.system)) for (const b of request.system) if (b.cache_control) n++;
  for (const m of request.messages) for (const b of blocksOf(m.content)) if (b.cache_control) n++;
  return n;
}

/**
 * The two conversation-shape errors every tool loop eventually hits (a dangling tool_use after an
 * interruption, or a tool_result for a call that isn't in the previous message). The real API
 * rejects both with these messages, so the simulator does too.
 */
function checkToolPairing(messages: Message[]): string | null {
  for (let i = 0; i < messages.length; i++) {
    const msg = messages[i]!;
    const prev = messages[i - 1];
    const uses = msg.role === "assistant" ? idsOf(msg, "tool_use", "id") : [];
    const next = messages[i + 1];
    if (uses.length > 0 && next) {
      const answered = next.role === "user" ? idsOf(next, "tool_result", "tool_use_id") : [];
      const missing = uses.filter((id) => !answered.includes(id));
      if (missing.length > 0) {
        return (
          `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
          `${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
        );
      }
    }
    if (msg.role !== "user") continue;
    const offered = prev?.role === "assistant" ? idsOf(prev, "tool_use", "id") : [];
    const blocks = blocksOf(msg.content);
    for (let j = 0; j < blocks.length; j++) {
      const b = blocks[j]!;
      const id = b.type === "tool_result" ? stringField(b, "tool_use_id") : undefined;
      if (b.type === "tool_result" && (id === undefined || !offered.includes(id))) {
        return (
          `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. ` +
          "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
        );
      }
    }
  }
  return null;
}

function idsOf(msg: Message, type: string, key: string): string[] {
  const ids: string[] = [];
  for (const b of blocksOf(msg.content)) {
    const id = b.type === type ? stringField(b, key) : undefined;
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
