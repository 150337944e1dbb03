// What each model family accepts, for the request rules that depend on the model (rules.ts). The
// Messages API refuses some parameters on some models with a 400; the simulator refuses the same
// ones, so an app that works offline doesn't break the day it gets a key. Sources, per field:
//
// - maxOutput: the models overview (Baton's own catalogue, schema/models.ts, where it is at least as
//   generous as the API; Claude 4.6 and 5.x accept 128k).
// - sampling: "full" accepts temperature, top_p and top_k; "exclusive" refuses temperature and
//   top_p together ("`temperature` and `top_p` cannot both be specified for this model. Please use
//   only one." — Claude 4.5 and 4.6, e.g. anthropics/claude-code#18928); "defaults-only" refuses any
//   non-default value ("Setting `temperature`, `top_p`, or `top_k` to any non-default value on
//   Claude Opus 4.7 returns a 400 error", migration guide; likewise Opus 4.8, the 5 generation).
// - forcedToolUse: tool_choice any/tool. Refused by Sonnet 5.5, Opus 5.5 and the Fable models (the
//   AI SDK's model table, @ai-sdk/anthropic `forcedToolUse: false`; pydantic-ai's Anthropic docs).
// - budgetThinking: thinking {type:"enabled", budget_tokens}. Refused by Opus 4.7/4.8 and the 5.5
//   and Fable models: "\"thinking.type.enabled\" is not supported for this model. Use
//   \"thinking.type.adaptive\" and \"output_config.effort\" to control thinking behavior."
// - adaptiveThinking: thinking {type:"adaptive"}; Claude 4.6 and later ("adaptive thinking is not
//   supported on this model" before that).
// - midConversationSystem: {"role":"system"} inside messages; "models released before Opus 4.8
//   reject them", and Sonnet 5 does too.
//
// Where the sources are silent the simulator accepts: refusing what the API accepts would break
// working apps, which is worse than letting an edge case through. Unknown model ids accept
// everything and have no output limit.

export type Sampling = "full" | "exclusive" | "defaults-only";

export type ModelRules = {
  maxOutput: number | null;
  sampling: Sampling;
  forcedToolUse: boolean;
  budgetThinking: boolean;
  adaptiveThinking: boolean;
  midConversationSystem: boolean;
};

const PERMISSIVE: ModelRules = {
  maxOutput: null,
  sampling: "full",
  forcedToolUse: true,
  budgetThinking: true,
  adaptiveThinking: true,
  midConversationSystem: true,
};

/** Current models: sampling fixed at its defaults, adaptive thinking, 128k output. */
const CURRENT: ModelRules = {
  maxOutput: 128_000,
  sampling: "defaults-only",
  forcedToolUse: true,
  budgetThinking: true,
  adaptiveThinking: true,
  midConversationSystem: true,
};
/** Claude 4.5 and 4.6: temperature or top_p, not both; no mid-conversation system messages. */
const GEN_4: ModelRules = {
  maxOutput: 64_000,
  sampling: "exclusive",
  forcedToolUse: true,
  budgetThinking: true,
  adaptiveThinking: false,
  midConversationSystem: false,
};
const OLDER: ModelRules = { ...GEN_4, sampling: "full" };

/** Families by id prefix; the longest matching prefix wins (so claude-opus-5-5 isn't claude-opus-5). */
const FAMILIES: [string, ModelRules][] = [
  ["claude-sonnet-5-5", { ...CURRENT, forcedToolUse: false, budgetThinking: false }],
  ["claude-opus-5-5", { ...CURRENT, forcedToolUse: false, budgetThinking: false }],
  ["claude-haiku-5-5", { ...CURRENT, budgetThinking: false }],
  ["claude-fable-5", { ...CURRENT, forcedToolUse: false, budgetThinking: false }],
  ["claude-mythos", { ...CURRENT, forcedToolUse: false, budgetThinking: false }],
  ["claude-opus-5", CURRENT],
  ["claude-sonnet-5", { ...CURRENT, midConversationSystem: false }],
  ["claude-opus-4-8", { ...CURRENT, budgetThinking: false }],
  ["claude-opus-4-7", { ...CURRENT, budgetThinking: false, midConversationSystem: false }],
  ["claude-opus-4-6", { ...GEN_4, maxOutput: 128_000, adaptiveThinking: true }],
  ["claude-sonnet-4-6", { ...GEN_4, maxOutput: 128_000, adaptiveThinking: true }],
  ["claude-opus-4-5", GEN_4],
  ["claude-sonnet-4-5", GEN_4],
  ["claude-haiku-4-5", GEN_4],
  ["claude-opus-4-1", { ...OLDER, maxOutput: 32_000 }],
  ["claude-opus-4", { ...OLDER, maxOutput: 32_000 }],
  ["claude-sonnet-4", OLDER],
];

export function modelRules(model: string): ModelRules {
  let best: [string, ModelRules] | undefined;
  for (const family of FAMILIES) {
    if (model.startsWith(family[0]) && (!best || family[0].length > best[0].length)) best = family;
  }
  return best?.[1] ?? PERMISSIVE;
}
