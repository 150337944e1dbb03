import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import type { EventBody } from "../../schema/events";
import type { ContentBlock } from "../db/store";
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
      { emit: (b) => emitted.push(b), onAttemptAborted: () => {} },
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
      { emit: (b) => emitted.push(b), onAttemptAborted: () => {} },
    );
    expect(out.stopReason).toBe("tool_use");
    const use = out.content.find((b) => b.type === "tool_use");
    expect(use?.type === "tool_use" && use.input).toEqual(input);
    expect(emitted.map((e) => e.type)).toEqual(expect.arrayContaining(["tool.started", "tool.called"]));
  });

  it("drops a server tool call cut off before its result, closes its card, and keeps the retried one whole", async () => {
    const { client } = tappedClient();
    const emitted: EventBody[] = [];
    const aborted: ContentBlock[][] = [];
    const query = "the long and winding history of the safety bicycle";
    const out = await callModel(
      {
        client,
        params: {
          model: "claude-haiku-5-5",
          max_tokens: 2000,
          tools: [{ type: "web_search_20260318", name: "web_search", max_uses: 5 }],
          messages: [
            {
              role: "user",
              content: script([
                { fault: "disconnect" },
                { tools: [{ name: "web_search", input: { query } }], text: "Found it." },
              ]),
            },
          ],
        },
        messageId: "m3",
        signal: new AbortController().signal,
        idleTimeoutMs: 5000,
        retryBaseMs: 1,
        maxAttempts: 2,
      },
      {
        emit: (b) => emitted.push(b),
        onAttemptAborted: (a) => aborted.push(a.content),
      },
    );
    // The cut-off attempt: its half-streamed server call is not kept, and its card is closed.
    expect(aborted).toHaveLength(1);
    expect(aborted[0]!.some((b) => b.type === "server_tool_use")).toBe(false);
    const started = emitted.filter((e) => e.type === "tool.started");
    expect(started).toHaveLength(2);
    const [cut, kept] = started.map((e) => (e.type === "tool.started" ? e.toolUseId : ""));
    expect(emitted).toContainEqual(
      expect.objectContaining({ type: "tool.result", toolUseId: cut, isError: true, server: true }),
    );
    // The retry: call, result and cited text, kept verbatim; the search billed.
    expect(out.content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "text"]);
    expect(out.content[0]).toMatchObject({ id: kept, input: { query } });
    expect(emitted).toContainEqual(
      expect.objectContaining({ type: "tool.called", toolUseId: kept, input: { query }, server: true }),
    );
    const result = emitted.find((e) => e.type === "tool.result" && e.toolUseId === kept);
    expect(result).toMatchObject({
      isError: false,
      server: true,
      content: expect.stringMatching(/^3 results:/),
    });
    const text = out.content[2];
    expect(text?.type === "text" && text.citations?.[0]?.type).toBe("web_search_result_location");
    expect(out.usage.webSearchRequests).toBe(1);
    expect(out.costUsd).toBeGreaterThanOrEqual(0.01);
  });
});
