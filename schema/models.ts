// The model catalogue: USD per million tokens (input, output, 5-minute cache write, cache read),
// context window and max output, and the server tools' rates. Shared by the Worker (pricing,
// budgets) and the web app (pickers).
import type { Usage } from "./events";

export type ModelInfo = {
  id: string;
  label: string;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  contextWindow: number;
  maxOutput: number;
  /**
   * How extended thinking is asked for: `adaptive` (Claude 4.6 and later: the model decides, with
   * an optional effort) or `budget` (Claude 4.5: `{type:"enabled", budget_tokens}`).
   */
  thinking: "adaptive" | "budget";
};

const model = (
  id: string,
  label: string,
  input: number,
  output: number,
  contextWindow: number,
  maxOutput: number,
): ModelInfo => ({
  id,
  label,
  input,
  output,
  // Anthropic's multipliers: 5-minute cache writes cost 1.25× input, cache hits 0.1× input.
  cacheWrite: input * 1.25,
  cacheRead: input * 0.1,
  contextWindow,
  maxOutput,
  thinking: "adaptive",
});

const M = 1_000_000;

export const MODELS: readonly ModelInfo[] = [
  model("claude-sonnet-5-5", "Claude Sonnet 5.5", 2, 10, M, 128_000),
  model("claude-haiku-5-5", "Claude Haiku 5.5", 0.1, 0.5, M, 128_000),
  model("claude-opus-5-5", "Claude Opus 5.5", 4, 20, M, 128_000),
  model("claude-opus-5", "Claude Opus 5", 5, 25, M, 128_000),
  model("claude-sonnet-5", "Claude Sonnet 5", 2, 10, M, 128_000),
  model("claude-opus-4-8", "Claude Opus 4.8", 5, 25, 200_000, 64_000),
  model("claude-sonnet-4-6", "Claude Sonnet 4.6", 3, 15, 200_000, 64_000),
  { ...model("claude-sonnet-4-5", "Claude Sonnet 4.5", 3, 15, 200_000, 64_000), thinking: "budget" },
  { ...model("claude-haiku-4-5", "Claude Haiku 4.5", 1, 5, 200_000, 64_000), thinking: "budget" },
];

const byId = new Map(MODELS.map((m) => [m.id, m]));

/** Unknown ids (e.g. a dated snapshot) are priced as their family, else the dearest known model, never free. */
export function modelInfo(id: string): ModelInfo {
  const exact = byId.get(id);
  if (exact) return exact;
  const family = MODELS.find((m) => id.startsWith(m.id));
  if (family) return family;
  return MODELS.reduce((a, b) => (b.output > a.output ? b : a));
}

/**
 * Server tools (DESIGN §9), the same for every model, on top of the tokens their results add:
 * - web search: $10 per 1,000 searches (`usage.server_tool_use.web_search_requests`);
 * - web fetch: no charge beyond the tokens of the fetched content;
 * - code execution: $0.05 per container-hour, each session billed at least 5 minutes. The API
 *   reports no container time, so Baton estimates it: every response that ran code is billed the
 *   5-minute minimum (worker/loop/server-tools.ts). That ignores the organisation's monthly free
 *   hours and the rule that code execution is free alongside web search/fetch, so it can overstate
 *   (by at most $0.0042 a response), never understate, what Anthropic charges.
 */
export const SERVER_TOOL_PRICES = {
  webSearchPerRequest: 10 / 1000,
  webFetchPerRequest: 0,
  codeExecutionPerHour: 0.05,
  codeExecutionMinimumSeconds: 300,
} as const;

/** What the server tools a call used cost (zero when it used none). */
export function serverToolsUsd(usage: Usage): number {
  const s = SERVER_TOOL_PRICES;
  return (
    (usage.webSearchRequests ?? 0) * s.webSearchPerRequest +
    (usage.webFetchRequests ?? 0) * s.webFetchPerRequest +
    ((usage.codeExecutionSeconds ?? 0) / 3600) * s.codeExecutionPerHour
  );
}

/**
 * What a call's usage costs: tokens × the catalogue's rates, cache writes and reads included, plus
 * its server tools at SERVER_TOOL_PRICES.
 */
export function costUsd(modelId: string, usage: Usage): number {
  const p = modelInfo(modelId);
  const usd =
    (usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheWriteTokens * p.cacheWrite +
      usage.cacheReadTokens * p.cacheRead) /
      1_000_000 +
    serverToolsUsd(usage);
  // Micro-dollar precision keeps sums stable across many rows.
  return Math.round(usd * 1e6) / 1e6;
}

export const DEFAULT_ORCHESTRATOR_MODEL = "claude-sonnet-5-5";
export const DEFAULT_AGENT_MODEL = "claude-haiku-5-5";
