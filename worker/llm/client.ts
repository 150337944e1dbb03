// One place that builds the Anthropic client: the real API with a key (the user's own, else the
// operator's), the simulator without.
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

/** Whether a user's calls are simulated: they have no key of their own and the server has none. */
export function isSimulated(env: Env, ownKey = false): boolean {
  return !ownKey && !env.ANTHROPIC_API_KEY;
}

const NO_TELEMETRY = { traces: false, propagation: false } as const;

/**
 * The client for one user's calls: their own key (bring your own key) if they set one, else the
 * operator's ANTHROPIC_API_KEY, else the simulator.
 */
export function createLlmClient(env: Env, userKey?: string | null): Anthropic {
  const apiKey = userKey || env.ANTHROPIC_API_KEY;
  // Retries are ours (announced as llm.retry events), so the SDK must not retry silently. Nothing
  // here registers an OpenTelemetry provider, so the SDK's spans and trace headers would only cost
  // CPU: reading their settings from the environment each time a client is made, and a span around
  // every call.
  if (apiKey) {
    return new Anthropic({
      apiKey,
      baseURL: env.ANTHROPIC_BASE_URL || undefined,
      maxRetries: 0,
      timeout: 10 * 60_000,
      openTelemetry: NO_TELEMETRY,
    });
  }
  return new Anthropic({
    apiKey: "simulator",
    baseURL: "http://simulator.baton.internal",
    fetch: simulatorFetch(sharedSimulator(env)),
    maxRetries: 0,
    openTelemetry: NO_TELEMETRY,
  });
}
