// Keeps a long-lived conversation inside its model's context window: past a threshold, older turns
// are summarised by the model and replaced with the summary, announced as `context.compacted`.
import { modelInfo } from "../llm/prices";
import { buildMessages } from "./messages";
import type { RunnerHost } from "./runner";

/** Compact when the last call used more than this share of the window. */
export const COMPACT_AT = 0.75;
/** Share of the window the verbatim tail may fill after compaction. */
const KEEP_SHARE = 0.4;

const estimateTokens = (content: unknown) => Math.ceil(JSON.stringify(content).length / 4);

export async function compactIfNeeded(host: RunnerHost, runId: string): Promise<void> {
  const config = host.store.config();
  const window = config.contextWindow ?? modelInfo(config.model).contextWindow;
  const used = host.store.get("contextTokens") ?? 0;
  if (used < window * COMPACT_AT) return;
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
  if (cut <= 0) return;
  const older = buildMessages(conv.slice(0, cut));
  let summary: string;
  try {
    const res = await host.client().messages.create({
      model: config.model,
      max_tokens: 2048,
      system: "You write faithful, compact summaries of conversations for an AI agent's memory.",
      messages: [
        ...older,
        {
          role: "user",
          content:
            "Summarise the conversation so far for your own future reference: goals, decisions, agents and files involved, results, open questions. Be specific and brief.",
        },
      ],
    });
    summary = res.content
      .map((b) => (b.type === "text" ? b.text : ""))
      .join("")
      .trim();
  } catch (err) {
    console.error("compaction summary failed; continuing uncompacted", err);
    return;
  }
  if (!summary) return;
  const firstKept = conv[cut]!;
  host.store.transaction(() => {
    host.store.replacePrefix(
      firstKept.idx,
      [{ type: "text", text: `[Summary of the earlier conversation]\n${summary}` }],
      runId,
    );
    host.store.set("contextTokens", 0);
    host.emit({ type: "context.compacted", messagesBefore: cut, tokensBefore: used });
  });
}
