// Pricing: cost = tokens × the catalogue's rates (schema/models.ts), cache writes and reads included.
import type { Usage } from "../../schema/events";
import { MODELS, type ModelInfo } from "../../schema/models";

export { DEFAULT_AGENT_MODEL, DEFAULT_ORCHESTRATOR_MODEL, MODELS, type ModelInfo } from "../../schema/models";

/** Prices are per million tokens. */
const PER_MILLION = 1_000_000;

const byId = new Map(MODELS.map((m) => [m.id, m]));

export function isKnownModel(id: string): boolean {
  return byId.has(id);
}

/** Unknown ids (e.g. a dated snapshot) are priced as the most expensive known model, never as free. */
export function modelInfo(id: string): ModelInfo {
  const exact = byId.get(id);
  if (exact) return exact;
  const family = MODELS.find((m) => id.startsWith(m.id));
  if (family) return family;
  return MODELS.reduce((a, b) => (b.output > a.output ? b : a));
}

export function costUsd(modelId: string, usage: Usage): number {
  const p = modelInfo(modelId);
  const usd =
    (usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheWriteTokens * p.cacheWrite +
      usage.cacheReadTokens * p.cacheRead) /
    PER_MILLION;
  // Micro-dollar precision keeps sums stable across many rows.
  return Math.round(usd * 1e6) / 1e6;
}

/** Worst-case cost of one more call: what the budget check reserves before calling. */
export function reservationUsd(modelId: string, inputTokens: number, maxTokens: number): number {
  const p = modelInfo(modelId);
  return (inputTokens * p.input + maxTokens * p.output) / PER_MILLION;
}
