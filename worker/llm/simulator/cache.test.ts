// Prompt-cache emulation: breakpoints write prefixes, later requests read the longest live one,
// reads refresh the TTL, and a long conversation with a moving tail breakpoint is billed mostly
// as cache reads.
import type Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, TextBlockParam, Tool, Usage } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { MODEL, post, setup } from "./testing";

const ephemeral = { type: "ephemeral" as const };
const tools: Tool[] = [
  { name: "read_file", description: "Read a file from the workspace.", input_schema: { type: "object" } },
  {
    name: "report",
    description: "Report the result of the task.",
    input_schema: { type: "object" },
    cache_control: ephemeral,
  },
];
const system: TextBlockParam[] = [
  {
    type: "text",
    text: `You are a careful assistant. ${"Follow the house rules. ".repeat(150)}`,
    cache_control: ephemeral,
  },
];

const inputTotal = (u: Usage) =>
  u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);

async function usageOf(
  client: Anthropic,
  messages: MessageParam[],
  extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {},
) {
  const message = await client.messages.create({
    model: MODEL,
    max_tokens: 200,
    tools,
    system,
    messages,
    ...extra,
  });
  return message.usage;
}

/** The conversation with a single tail breakpoint on the last block, as the loop sends it. */
function withTail(history: MessageParam[]): MessageParam[] {
  return history.map((m, i) => {
    if (i !== history.length - 1) return m;
    const text = typeof m.content === "string" ? m.content : "";
    return { role: m.role, content: [{ type: "text", text, cache_control: ephemeral }] };
  });
}

describe("simulator prompt caching", () => {
  it("writes the tools+system prefix once, then reads it", async () => {
    const { client, sim } = setup();
    const messages: MessageParam[] = [{ role: "user", content: "Hello there, how are things going today?" }];
    const first = await usageOf(client, messages);
    const second = await usageOf(client, messages);

    const counted = await post(
      sim,
      JSON.stringify({ model: MODEL, tools, system, messages }),
      "/v1/messages/count_tokens",
    );
    const { input_tokens: total } = await counted.json<{ input_tokens: number }>();
    expect(inputTotal(first)).toBe(total);
    expect(inputTotal(second)).toBe(total);

    expect(first.cache_read_input_tokens).toBe(0);
    expect(first.cache_creation_input_tokens).toBeGreaterThan(500);
    expect(first.cache_creation?.ephemeral_5m_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBe(0);
    expect(second.input_tokens).toBe(first.input_tokens);
  });

  it("reports the cache split in message_start and message_delta when streaming", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [{ role: "user", content: "hi" }];
    await usageOf(client, messages);
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, tools, system, messages });
    let startRead: number | null = null;
    stream.on("streamEvent", (e) => {
      if (e.type === "message_start") startRead = e.message.usage.cache_read_input_tokens;
    });
    const final = await stream.finalMessage();
    expect(startRead).toBeGreaterThan(500);
    expect(final.usage.cache_read_input_tokens).toBe(startRead);
  });

  it("bills a 20-turn conversation with a moving tail breakpoint mostly as cache reads", async () => {
    const { client } = setup();
    const history: MessageParam[] = [];
    let read = 0;
    let all = 0;
    let last: Usage | undefined;
    for (let turn = 1; turn <= 20; turn++) {
      history.push({
        role: "user",
        content: `Turn ${turn}: tell me one more thing about the history of tea in Asia.`,
      });
      const message = await client.messages.create({
        model: MODEL,
        max_tokens: 300,
        tools,
        system,
        messages: withTail(history),
      });
      if (turn > 1) expect(message.usage.cache_read_input_tokens).toBeGreaterThan(0);
      read += message.usage.cache_read_input_tokens ?? 0;
      all += inputTotal(message.usage);
      last = message.usage;
      history.push({ role: "assistant", content: message.content });
    }
    if (!last) throw new Error("no usage");
    expect(last.cache_read_input_tokens ?? 0).toBeGreaterThan(0.9 * inputTotal(last));
    expect(last.input_tokens).toBe(0); // everything up to the tail breakpoint is cached or written
    expect(read / all).toBeGreaterThan(0.8);
  });

  it("expires entries after 5 minutes unless a read refreshes them; 1h entries last longer", async () => {
    let now = 1_000_000;
    const { client } = setup({ now: () => now });
    const messages: MessageParam[] = [{ role: "user", content: "hi" }];
    const minutes = (m: number) => {
      now += m * 60_000;
    };
    expect((await usageOf(client, messages)).cache_read_input_tokens).toBe(0);
    minutes(4);
    expect(await usageOf(client, messages)).toMatchObject({ cache_creation_input_tokens: 0 });
    minutes(4); // 8 minutes after the write, 4 after the refreshing read
    expect((await usageOf(client, messages)).cache_read_input_tokens).toBeGreaterThan(0);
    minutes(6);
    expect((await usageOf(client, messages)).cache_read_input_tokens).toBe(0);

    const hour: TextBlockParam[] = [
      {
        type: "text",
        text: "Long-lived rules. ".repeat(100),
        cache_control: { type: "ephemeral", ttl: "1h" },
      },
    ];
    const written = await usageOf(client, messages, { system: hour });
    expect(written.cache_creation?.ephemeral_1h_input_tokens).toBeGreaterThan(0);
    minutes(30);
    expect((await usageOf(client, messages, { system: hour })).cache_read_input_tokens).toBeGreaterThan(0);
  });

  it("misses when anything before the breakpoint changes, or the model does", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [{ role: "user", content: "hi" }];
    await usageOf(client, messages);
    const changedTools = await usageOf(client, messages, {
      tools: tools.map((t) => ({ ...t, description: "changed" })),
    });
    expect(changedTools.cache_read_input_tokens).toBe(0);
    const otherModel = await usageOf(client, messages, { model: "claude-haiku-5-5" });
    expect(otherModel.cache_read_input_tokens).toBe(0);
    // Tools unchanged but the system prompt differs: the tools-only prefix is still a hit.
    const changedSystem = await usageOf(client, messages, {
      system: [{ ...system[0]!, text: "Other rules." }],
    });
    expect(changedSystem.cache_read_input_tokens).toBeGreaterThan(0);
    expect(changedSystem.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it("rejects more than four breakpoints like the API", async () => {
    const { client } = setup();
    const blocks = Array.from({ length: 5 }, (_, i) => ({
      type: "text" as const,
      text: `b${i}`,
      cache_control: ephemeral,
    }));
    await expect(
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: blocks }] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
