// Pricing: cost = tokens × the catalogue's rates (schema/models.ts), cache writes and reads included.
import { MODELS, modelInfo } from "../../schema/models";

export {
  costUsd,
  DEFAULT_AGENT_MODEL,
  DEFAULT_ORCHESTRATOR_MODEL,
  MODELS,
  type ModelInfo,
  modelInfo,
} from "../../schema/models";

/** Prices are per million tokens. */
const PER_MILLION = 1_000_000;

const known = new Set(MODELS.map((m) => m.id));

export function isKnownModel(id: string): boolean {
  return known.has(id);
}

/** Worst-case cost of one more call: what the budget check reserves before calling. */
export function reservationUsd(modelId: string, inputTokens: number, maxTokens: number): number {
  const p = modelInfo(modelId);
  return (inputTokens * p.input + maxTokens * p.output) / PER_MILLION;
}
