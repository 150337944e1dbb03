// The Messages API's request rules, beyond types (request.ts checks those). Each rule answers the
// API's 400 `invalid_request_error` with the API's own message where it is known (from the API's
// answers as reported in public issues, cited in rules.test.ts), else a close paraphrase that names
// the field. The first broken rule answers, roughly in the order the API checks.
//
// What the API accepts, the simulator accepts too:
// - Consecutive user (or assistant) turns: "Consecutive `user` or `assistant` turns in your request
//   will be combined into a single turn" (API reference, `messages`). They are merged here, then the
//   merged conversation is what the simulator reads and what tool-result pairing is checked on.
// - A first message from the assistant: the first-party API accepts it (only Bedrock still answers
//   "first message must use the \"user\" role"; anthropics/anthropic-sdk-typescript#622).
// - `{"role":"system"}` messages after the first: mid-conversation system messages, on the models
//   that have them (models.ts), placed as the API requires (checkSystemMessages).
import { openObjectError } from "./json-schema";
import { modelRules } from "./models";
import { type Block, blocksOf, type Message, parseShape, type SimRequest, stringField } from "./request";

/**
 * `request` is what the simulator answers (consecutive turns merged), `sent` the request exactly as
 * it arrived, for observers.
 */
export type Validated = { ok: true; request: SimRequest; sent: SimRequest } | { ok: false; message: string };

/** Parses and checks a Messages body. `countTokens`: the count_tokens body, which has no max_tokens. */
export function validate(body: unknown, opts: { countTokens?: boolean } = {}): Validated {
  const countTokens = opts.countTokens === true;
  const shape = parseShape(countTokens ? { max_tokens: 0, ...asObject(body) } : body);
  if (!shape.ok) return shape;
  const sent = shape.request;
  const refusal = checkRules(sent, countTokens);
  if (refusal) return { ok: false, message: refusal };
  return { ok: true, sent, request: { ...sent, messages: mergeTurns(sent.messages) } };
}

/** The API allows at most this many `cache_control` breakpoints per request. */
const MAX_BREAKPOINTS = 4;
/** "Must be ≥1024 and less than `max_tokens`" (ThinkingConfigEnabled.budget_tokens). */
const MIN_THINKING_BUDGET = 1024;

type Rule = (r: SimRequest, countTokens: boolean) => string | null;

const RULES: Rule[] = [
  (r) => (r.messages.length === 0 ? "messages: at least one message is required" : null),
  checkMaxTokens,
  checkSampling,
  checkThinking,
  (r) => checkTextBlocks("system", r.system === undefined ? [] : blocksOf(r.system)),
  checkSystemMessages,
  checkContent,
  checkBreakpoints,
  checkToolBlocksDeclared,
  checkToolChoice,
  checkOutputFormat,
  (r) => checkToolPairing(mergeTurns(r.messages)),
];

export function checkRules(request: SimRequest, countTokens = false): string | null {
  for (const rule of RULES) {
    const refusal = rule(request, countTokens);
    if (refusal) return refusal;
  }
  return null;
}

/** "Different models have different maximum values for this parameter." (`max_tokens`) */
function checkMaxTokens(r: SimRequest, countTokens: boolean): string | null {
  const max = modelRules(r.model).maxOutput;
  if (countTokens || max === null || r.max_tokens <= max) return null;
  return `max_tokens: ${r.max_tokens} > ${max}, which is the maximum allowed number of output tokens for ${r.model}`;
}

/**
 * temperature "Ranges from 0.0 to 1.0", top_p is a probability, top_k a count; then what the model
 * accepts (models.ts `sampling`).
 */
function checkSampling(r: SimRequest): string | null {
  if (r.temperature !== undefined && (r.temperature < 0 || r.temperature > 1))
    return "temperature: range: 0..1";
  if (r.top_p !== undefined && (r.top_p < 0 || r.top_p > 1)) return "top_p: range: 0..1";
  if (r.top_k !== undefined && r.top_k < 0) return "top_k: Input should be greater than or equal to 0";
  const sampling = modelRules(r.model).sampling;
  if (sampling === "defaults-only") {
    if (r.temperature !== undefined && r.temperature !== 1)
      return "`temperature` is deprecated for this model.";
    if (r.top_p !== undefined && r.top_p !== 1) return "`top_p` is deprecated for this model.";
    if (r.top_k !== undefined) return "`top_k` is deprecated for this model.";
  }
  if (sampling === "exclusive" && r.temperature !== undefined && r.top_p !== undefined) {
    return "`temperature` and `top_p` cannot both be specified for this model. Please use only one.";
  }
  return null;
}

/** budget_tokens "Must be ≥1024 and less than `max_tokens`"; and the thinking kinds the model has. */
function checkThinking(r: SimRequest, countTokens: boolean): string | null {
  const t = r.thinking;
  if (!t) return null;
  const rules = modelRules(r.model);
  if (t.type === "enabled") {
    if (t.budget_tokens === undefined) return "thinking.enabled.budget_tokens: Field required";
    if (t.budget_tokens < MIN_THINKING_BUDGET)
      return `thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`;
    if (!rules.budgetThinking)
      return '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
    if (!countTokens && r.max_tokens <= t.budget_tokens)
      return "`max_tokens` must be greater than `thinking.budget_tokens`.";
  }
  if (t.type === "adaptive" && !rules.adaptiveThinking)
    return "adaptive thinking is not supported on this model";
  return null;
}

/**
 * Mid-conversation system messages: "must immediately follow a `user` message or an `assistant`
 * message that ends in server tool use", "must either be the last entry in the messages array or be
 * followed by an `assistant` turn", "cannot be the first entry in the messages array", no two in a
 * row, text content only, and only on models that have them.
 */
function checkSystemMessages(r: SimRequest): string | null {
  const ms = r.messages;
  for (let i = 0; i < ms.length; i++) {
    if (ms[i]!.role !== "system") continue;
    const at = `messages.${i}`;
    if (!modelRules(r.model).midConversationSystem)
      return `${at}: role 'system' is not supported on this model`;
    if (i === 0) {
      return `${at}: Unexpected role "system" for the first message. The Messages API accepts a top-level \`system\` parameter for the instructions a conversation starts with; a "system" message may only follow a "user" turn.`;
    }
    const prev = ms[i - 1]!;
    if (prev.role === "system") return `${at}: consecutive "system" messages are not allowed`;
    if (prev.role === "assistant" && blocksOf(prev.content).at(-1)?.type !== "server_tool_use") {
      return `${at}: a "system" message must immediately follow a "user" message or an "assistant" message that ends in server tool use`;
    }
    const next = ms[i + 1];
    if (next && next.role !== "assistant") {
      return `${at}: a "system" message must be the last message or be followed by an "assistant" message`;
    }
    const blocks = blocksOf(ms[i]!.content);
    const other = blocks.findIndex((b) => b.type !== "text");
    if (other >= 0) return `${at}.content.${other}: "system" messages may only contain text blocks`;
  }
  return null;
}

/**
 * "all messages must have non-empty content except for the optional final assistant message" (the
 * final assistant message is a prefill the response continues), and text blocks need text.
 */
function checkContent(r: SimRequest): string | null {
  const ms = r.messages;
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i]!;
    const finalAssistant = i === ms.length - 1 && m.role === "assistant";
    const blocks = blocksOf(m.content);
    const empty = typeof m.content === "string" ? m.content.length === 0 : m.content.length === 0;
    if (empty && !finalAssistant) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    if (!empty) {
      const refusal = checkTextBlocks("messages", blocks);
      if (refusal) return refusal;
    }
  }
  return null;
}

function checkTextBlocks(field: string, blocks: Block[]): string | null {
  for (const b of blocks) {
    if (b.type !== "text") continue;
    const text = stringField(b, "text") ?? "";
    if (text.length === 0) return `${field}: text content blocks must be non-empty`;
    if (text.trim().length === 0) return `${field}: text content blocks must contain non-whitespace text`;
  }
  return null;
}

function checkBreakpoints(r: SimRequest): string | null {
  let n = 0;
  for (const t of r.tools ?? []) if (t.cache_control) n++;
  if (Array.isArray(r.system)) for (const b of r.system) if (b.cache_control) n++;
  for (const m of r.messages) for (const b of blocksOf(m.content)) if (b.cache_control) n++;
  return n > MAX_BREAKPOINTS
    ? `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${n}.`
    : null;
}

/** A conversation holding client tool calls or results must declare tools (any: the set may change). */
function checkToolBlocksDeclared(r: SimRequest): string | null {
  if ((r.tools?.length ?? 0) > 0) return null;
  const hasToolBlocks = r.messages.some((m) =>
    blocksOf(m.content).some((b) => b.type === "tool_use" || b.type === "tool_result"),
  );
  return hasToolBlocks
    ? "Requests which include `tool_use` or `tool_result` blocks must define tools."
    : null;
}

/**
 * tool_choice needs tools to choose from, a named tool must be one of them, and forcing a tool
 * (`any`, `tool`) is incompatible with extended thinking ("Thinking may not be enabled when
 * tool_choice forces tool use.") and with models that don't do forced tool use.
 */
function checkToolChoice(r: SimRequest): string | null {
  const choice = r.tool_choice;
  if (!choice) return null;
  const tools = r.tools ?? [];
  if (tools.length === 0) return "tool_choice may only be specified while providing tools.";
  if (choice.type === "tool" && !tools.some((t) => t.name === choice.name)) {
    return `tool_choice.name: Tool '${choice.name}' not found in the provided \`tools\`.`;
  }
  const forced = choice.type === "any" || choice.type === "tool";
  if (forced && r.thinking?.type === "enabled")
    return "Thinking may not be enabled when tool_choice forces tool use.";
  if (forced && !modelRules(r.model).forcedToolUse) {
    return "tool_choice forces tool use is not compatible with this model. Use tool_choice auto or none.";
  }
  return null;
}

/** Structured outputs: every object in the schema is closed (`additionalProperties: false`). */
function checkOutputFormat(r: SimRequest): string | null {
  const format = r.output_config?.format;
  return format ? openObjectError(format.schema, "output_config.format.schema") : null;
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

/** Consecutive user (or assistant) turns as the API combines them; system messages stay apart. */
export function mergeTurns(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const m of messages) {
    const prev = out.at(-1);
    if (prev && prev.role === m.role && m.role !== "system") {
      prev.content = [...blocksOf(prev.content), ...blocksOf(m.content)];
    } else {
      out.push({ ...m });
    }
  }
  return out;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
