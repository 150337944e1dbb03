// Pricing: cost = tokens × the catalogue's rates (schema/models.ts), cache writes and reads included.
import { MODELS, modelInfo, SERVER_TOOL_PRICES } from "../../schema/models";

export {
  costUsd,
  DEFAULT_AGENT_MODEL,
  DEFAULT_ORCHESTRATOR_MODEL,
  MODELS,
  type ModelInfo,
  modelInfo,
  SERVER_TOOL_PRICES,
  serverToolsUsd,
} from "../../schema/models";

/** Prices are per million tokens. */
const PER_MILLION = 1_000_000;

const known = new Set(MODELS.map((m) => m.id));

export function isKnownModel(id: string): boolean {
  return known.has(id);
}

/** A server tool as a request declares it (only what its worst case depends on). */
export type DeclaredServerTool = { name: string; max_uses?: number | null };

/**
 * The most the declared server tools can add to one call: every allowed search made, and a code
 * execution session at the estimate a response that runs code is billed (SERVER_TOOL_PRICES).
 * Web fetch costs nothing beyond tokens. A tool declared without `max_uses` has no bound Baton
 * could reserve, so Baton always declares one.
 */
export function serverToolsWorstCaseUsd(tools: readonly DeclaredServerTool[]): number {
  const s = SERVER_TOOL_PRICES;
  let usd = 0;
  for (const t of tools) {
    if (t.name === "web_search") usd += (t.max_uses ?? 0) * s.webSearchPerRequest;
    else if (t.name === "web_fetch") usd += (t.max_uses ?? 0) * s.webFetchPerRequest;
    else if (t.name === "code_execution")
      usd += (s.codeExecutionMinimumSeconds / 3600) * s.codeExecutionPerHour;
  }
  return usd;
}

/**
 * Worst-case cost of one more call: what the budget check reserves before calling — the prompt,
 * `max_tokens` of output, and the declared server tools' worst case.
 */
export function reservationUsd(
  modelId: string,
  inputTokens: number,
  maxTokens: number,
  serverTools: readonly DeclaredServerTool[] = [],
): number {
  const p = modelInfo(modelId);
  return (inputTokens * p.input + maxTokens * p.output) / PER_MILLION + serverToolsWorstCaseUsd(serverTools);
}
