// Keeps a long-lived conversation inside its model's context window: past a threshold, older turns
// are summarised by the model and replaced with the summary, announced as `context.compacted`.
import type Anthropic from "@anthropic-ai/sdk";
import type { EventBody, Usage } from "../../schema/events";
import type { Store } from "../db/store";
import { costUsd, modelInfo, reservationUsd } from "../llm/prices";
import { buildMessages } from "./messages";
import { declaredServerTools } from "./server-tools";
import { type Tool, toolParams } from "./tool";

/** What compaction needs from the object. */
export type CompactionHost = {
  readonly store: Store;
  tools(): Tool[];
  client(): Promise<Anthropic>;
  emit(body: EventBody): void;
};

/** The summary is a billed model call like any other: reserved before, billed after. */
export type CompactionBilling = {
  /** Reserves the call's worst case; a refusal sentence, or null. */
  reserve: (usd: number) => Promise<string | null>;
  billed: (messageId: string, usage: Usage, costUsd: number) => void;
  /** The call failed without a bill: its reservation is released. */
  failed: () => void;
};

const SUMMARY_MAX_TOKENS = 2048;

/** Compact when the last call used more than this share of the window. */
export const COMPACT_AT = 0.75;
/** Share of the window the verbatim tail may fill after compaction. */
const KEEP_SHARE = 0.4;

const estimateTokens = (content: unknown) => Math.ceil(JSON.stringify(content).length / 4);

/** Returns a refusal when the budget can't cover the summary call (the run then fails as over budget). */
export async function compactIfNeeded(
  host: CompactionHost,
  runId: string,
  billing: CompactionBilling,
): Promise<{ refusal: string | null }> {
  const none = { refusal: null };
  const config = host.store.config();
  const window = config.contextWindow ?? modelInfo(config.model).contextWindow;
  const used = host.store.get("contextTokens") ?? 0;
  if (used < window * COMPACT_AT) return none;
  const conv = host.store.conversation();
  // Keep the longest recent tail that fits KEEP_SHARE of the window, cut at a plain user turn (not
  // tool results) so no tool call is separated from its result. The latest turn is always kept.
  let cut = -1;
  let tail = 0;
  for (let i = conv.length - 1; i > 0; i--) {
    const m = conv[i]!;
    tail += estimateTokens(m.content);
    const plainUserTurn = m.role === "user" && m.content.every((b) => b.type === "text");
    if (!plainUserTurn) continue;
    if (cut === -1 || tail <= window * KEEP_SHARE) cut = i;
    if (tail > window * KEEP_SHARE) break;
  }
  if (cut <= 0) return none;
  // The API requires a request holding tool calls to declare the tools; the summary may not use
  // them (tool_choice none), and server tools stay declared so their blocks go back as they are.
  const tools: Anthropic.ToolUnion[] = [
    ...(toolParams(host.tools()) as Anthropic.Tool[]),
    ...declaredServerTools(config),
  ];
  const params: Anthropic.MessageCreateParamsNonStreaming = {
    model: config.model,
    max_tokens: SUMMARY_MAX_TOKENS,
    ...(tools.length ? { tools, tool_choice: { type: "none" as const } } : {}),
    system: "You write faithful, compact summaries of conversations for an AI agent's memory.",
    messages: [
      ...buildMessages(conv.slice(0, cut)),
      {
        role: "user",
        content:
          "Summarise the conversation so far for your own future reference: goals, decisions, agents and files involved, results, open questions. Be specific and brief.",
      },
    ],
  };
  const estimatedInput = Math.ceil(JSON.stringify(params).length / 4);
  const refusal = await billing.reserve(reservationUsd(config.model, estimatedInput, SUMMARY_MAX_TOKENS));
  if (refusal) return { refusal };
  let summary: string;
  let usage: Usage;
  let messageId: string;
  try {
    const res = await (await host.client()).messages.create(params);
    messageId = res.id;
    usage = {
      inputTokens: res.usage.input_tokens,
      outputTokens: res.usage.output_tokens,
      cacheReadTokens: res.usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: res.usage.cache_creation_input_tokens ?? 0,
    };
    summary = res.content
      .map((b) => (b.type === "text" ? b.text : ""))
      .join("")
      .trim();
  } catch (err) {
    console.error("compaction summary failed; continuing uncompacted", err);
    billing.failed();
    return none;
  }
  const cost = costUsd(config.model, usage);
  billing.billed(`${messageId}_summary`, usage, cost);
  if (!summary) return none;
  const firstKept = conv[cut]!;
  host.store.transaction(() => {
    host.store.replacePrefix(
      firstKept.idx,
      [{ type: "text", text: `[Summary of the earlier conversation]\n${summary}` }],
      runId,
    );
    host.store.set("contextTokens", 0);
    host.emit({ type: "context.compacted", messagesBefore: cut, tokensBefore: used, usage, costUsd: cost });
  });
  return none;
}
