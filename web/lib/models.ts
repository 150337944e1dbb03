// Models offered in pickers: the same catalogue the Worker prices with. Any other id can still be
// typed in; the server prices unknown ids conservatively.
import { DEFAULT_ORCHESTRATOR_MODEL, MODELS } from "../../schema/models";

export const MODEL_OPTIONS: ReadonlyArray<{ id: string; label: string; contextWindow: number }> = MODELS;

export const DEFAULT_MODEL = DEFAULT_ORCHESTRATOR_MODEL;

export function modelLabel(id: string): string {
  return MODEL_OPTIONS.find((m) => m.id === id)?.label ?? id;
}
