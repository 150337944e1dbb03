import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { EventBody } from "../../schema/events";
import { Simulator, simulatorFetch } from "../llm/simulator";
import { callModel } from "./model-call";

/** The SDK over the simulator, keeping a copy of every raw SSE body it received. */
function tappedClient() {
  const sim = new Simulator({ tokensPerSecond: 50_000, firstTokenMs: 0 });
  const inner = simulatorFetch(sim);
  const bodies: Promise<string>[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const res = await inner(input, init);
    if (!res.body) return res;
    const [a, b] = res.body.tee();
    bodies.push(new Response(b).text());
    return new Response(a, res);
  };
  return {
    client: new Anthropic({ apiKey: "sim", baseURL: "http://sim.local", fetch, maxRetries: 0 }),
    bodies,
  };
}

const script = (steps: unknown[]) => `go\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;

describe("callModel", () => {
  it("reports exactly the final cumulative message_delta usage, never a sum", async () => {
    const { client, bodies } = tappedClient();
    const emitted: EventBody[] = [];
    const out = await callModel(
      {
        client,
        params: {
          model: "claude-haiku-5-5",
          max_tokens: 2000,
          messages: [{ role: "user", content: script([{ text: "word ".repeat(300) }]) }],
        },
        messageId: "m1",
        signal: new AbortController().signal,
        idleTimeoutMs: 5000,
        retryBaseMs: 1,
        maxAttempts: 1,
      },
      { emit: (b) => emitted.push(b), onAttemptStart: () => {}, onAttemptAborted: () => {} },
    );
    const raw = await bodies[0]!;
    const deltas = raw
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; usage?: Record<string, number> })
      .filter((e) => e.type === "message_delta");
    expect(deltas.length).toBeGreaterThanOrEqual(1);
    const last = deltas.at(-1)!.usage!;
    expect(out.usage).toEqual({
      inputTokens: last.input_tokens,
      outputTokens: last.output_tokens,
      cacheReadTokens: last.cache_read_input_tokens,
      cacheWriteTokens: last.cache_creation_input_tokens,
    });
    expect(emitted.filter((e) => e.type === "text.delta").length).toBeGreaterThan(5);
    expect(out.stopReason).toBe("end_turn");
  });

  it("parses tool input streamed in several fragments", async () => {
    const { client } = tappedClient();
    const emitted: EventBody[] = [];
    const input = { path: "notes/a.md", content: "x".repeat(500) };
    const out = await callModel(
      {
        client,
        params: {
          model: "claude-haiku-5-5",
          max_tokens: 2000,
          tools: [{ name: "write_file", description: "w", input_schema: { type: "object" } }],
          messages: [{ role: "user", content: script([{ tools: [{ name: "write_file", input }] }]) }],
        },
        messageId: "m2",
        signal: new AbortController().signal,
        idleTimeoutMs: 5000,
        retryBaseMs: 1,
        maxAttempts: 1,
      },
      { emit: (b) => emitted.push(b), onAttemptStart: () => {}, onAttemptAborted: () => {} },
    );
    expect(out.stopReason).toBe("tool_use");
    const use = out.content.find((b) => b.type === "tool_use");
    expect(use?.type === "tool_use" && use.input).toEqual(input);
    expect(emitted.map((e) => e.type)).toEqual(expect.arrayContaining(["tool.started", "tool.called"]));
  });
});
