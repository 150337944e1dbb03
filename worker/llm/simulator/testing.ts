// Shared test setup: a fresh simulator per test (its cache and fault counters are per instance),
// reached through the real SDK exactly as the app reaches it.
import Anthropic from "@anthropic-ai/sdk";
import type { MessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { Simulator, type SimulatorOptions, simulatorFetch } from "./index";

export const MODEL = "claude-sonnet-5-5";

export function setup(
  opts: Partial<SimulatorOptions> = {},
  maxRetries = 0,
): { sim: Simulator; client: Anthropic } {
  const sim = new Simulator({ tokensPerSecond: 20_000, firstTokenMs: 0, ...opts });
  const client = new Anthropic({
    apiKey: "sim",
    baseURL: "http://sim.local",
    fetch: simulatorFetch(sim),
    maxRetries,
  });
  return { sim, client };
}

/** A user message carrying a sim script. */
export function scripted(steps: unknown[], before = "Please do as scripted."): string {
  return `${before}\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;
}

/** Streams a request through the SDK and returns every raw event plus the SDK's final message. */
export async function streamAll(client: Anthropic, params: Anthropic.MessageStreamParams) {
  const stream = client.messages.stream(params);
  const events: MessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, message: await stream.finalMessage() };
}

/** Posts a raw body to the simulator, bypassing the SDK (for malformed requests). */
export function post(sim: Simulator, body: string, path = "/v1/messages"): Promise<Response> {
  return sim.handle(
    new Request(`http://sim.local${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
}
