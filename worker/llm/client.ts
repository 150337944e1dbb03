// One place that builds the Anthropic client: the real API with a key, the simulator without.
import Anthropic from "@anthropic-ai/sdk";
import { Simulator, simulatorFetch } from "./simulator";

let simulator: Simulator | null = null;

/** One simulator per isolate, so its prompt-cache emulation and fault counters persist across calls. */
export function sharedSimulator(env: Env): Simulator {
  simulator ??= new Simulator({
    tokensPerSecond: Number(env.SIM_TOKENS_PER_SECOND || 400),
    firstTokenMs: Number(env.SIM_FIRST_TOKEN_MS || 250),
  });
  return simulator;
}

export function isSimulated(env: Env): boolean {
  return !env.ANTHROPIC_API_KEY;
}

export function createLlmClient(env: Env): Anthropic {
  // Retries are ours (announced as llm.retry events), so the SDK must not retry silently.
  if (env.ANTHROPIC_API_KEY) {
    return new Anthropic({
      apiKey: env.ANTHROPIC_API_KEY,
      baseURL: env.ANTHROPIC_BASE_URL || undefined,
      maxRetries: 0,
      timeout: 10 * 60_000,
    });
  }
  return new Anthropic({
    apiKey: "simulator",
    baseURL: "http://simulator.baton.internal",
    fetch: simulatorFetch(sharedSimulator(env)),
    maxRetries: 0,
  });
}
