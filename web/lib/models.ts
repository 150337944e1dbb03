// Models offered in pickers. Mirrors the Worker's price table (worker/llm/prices.ts); any other id
// can still be typed in, the server prices unknown ids conservatively.
export const MODEL_OPTIONS: ReadonlyArray<{ id: string; label: string; contextWindow: number }> = [
  { id: "claude-sonnet-5-5", label: "Claude Sonnet 5.5", contextWindow: 1_000_000 },
  { id: "claude-haiku-5-5", label: "Claude Haiku 5.5", contextWindow: 1_000_000 },
  { id: "claude-opus-5-5", label: "Claude Opus 5.5", contextWindow: 1_000_000 },
  { id: "claude-opus-5", label: "Claude Opus 5", contextWindow: 1_000_000 },
  { id: "claude-sonnet-5", label: "Claude Sonnet 5", contextWindow: 1_000_000 },
  { id: "claude-opus-4-8", label: "Claude Opus 4.8", contextWindow: 200_000 },
  { id: "claude-sonnet-4-6", label: "Claude Sonnet 4.6", contextWindow: 200_000 },
  { id: "claude-sonnet-4-5", label: "Claude Sonnet 4.5", contextWindow: 200_000 },
  { id: "claude-haiku-4-5", label: "Claude Haiku 4.5", contextWindow: 200_000 },
];

export const DEFAULT_MODEL = "claude-sonnet-5-5";

export function modelLabel(id: string): string {
  return MODEL_OPTIONS.find((m) => m.id === id)?.label ?? id;
}
