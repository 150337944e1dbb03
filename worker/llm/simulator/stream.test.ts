// The wire format, checked through the real SDK: streaming events, block kinds, usage, limits,
// non-streaming JSON, and request validation.
import type { MessageDeltaEvent, MessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { wordChunks } from "./sse";
import { MODEL, post, scripted, setup, streamAll } from "./testing";

const deltasOf = (events: MessageStreamEvent[], type: string) =>
  events.filter((e) => e.type === "content_block_delta" && e.delta.type === type);

describe("simulator streaming", () => {
  it("streams text in several deltas, framed like the API, with cumulative final usage", async () => {
    const { client } = setup();
    const text = "The quick brown fox jumps over the lazy dog and keeps running far away.";
    const { events, message } = await streamAll(client, {
      model: MODEL,
      max_tokens: 500,
      messages: [{ role: "user", content: scripted([{ text }]) }],
    });

    const types = events.map((e) => e.type);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(types.filter((t) => t === "content_block_start")).toHaveLength(1);
    const textDeltas = deltasOf(events, "text_delta");
    expect(textDeltas.length).toBeGreaterThanOrEqual(4);

    const start = events[0];
    if (start?.type !== "message_start") throw new Error("no message_start");
    expect(start.message.id).toMatch(/^msg_sim_/);
    expect(start.message.model).toBe(MODEL);
    // (The SDK mutates message_start's message into its snapshot; the raw usage is checked below.)

    expect(message.content).toEqual([{ type: "text", text, citations: null }]);
    expect(message.stop_reason).toBe("end_turn");
    const last = events.findLast((e): e is MessageDeltaEvent => e.type === "message_delta");
    expect(last?.usage.output_tokens).toBe(Math.ceil(text.length / 4));
    expect(message.usage.output_tokens).toBe(last?.usage.output_tokens);
    expect(message.usage.input_tokens).toBe(last?.usage.input_tokens);
    expect(message.usage.cache_read_input_tokens).toBe(last?.usage.cache_read_input_tokens);
    expect(message.usage.cache_creation_input_tokens).toBe(last?.usage.cache_creation_input_tokens);
  });

  it("sends a ping right after the first content block starts", async () => {
    const { client } = setup();
    const { events } = await streamAll(client, {
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: "user", content: scripted([{ text: "pong" }]) }],
    });
    // The SDK drops pings, so look at the raw body.
    expect(events.map((e) => e.type).slice(0, 2)).toEqual(["message_start", "content_block_start"]);
    const raw = await setup().sim.handle(
      new Request("http://sim.local/v1/messages", {
        method: "POST",
        body: JSON.stringify({
          model: MODEL,
          max_tokens: 50,
          stream: true,
          messages: [{ role: "user", content: "hi" }],
        }),
      }),
    );
    const body = await raw.text();
    expect(raw.headers.get("content-type")).toContain("text/event-stream");
    expect(body.indexOf("event: ping")).toBeGreaterThan(body.indexOf("event: content_block_start"));
    expect(body.indexOf("event: ping")).toBeLessThan(body.indexOf("event: content_block_delta"));
    expect(body.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    const start: unknown = JSON.parse(body.split("\n")[1]?.slice("data: ".length) ?? "");
    expect(start).toMatchObject({
      type: "message_start",
      message: {
        usage: {
          input_tokens: 1,
          output_tokens: 1,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
  });

  it("streams a thinking block (thinking deltas, then a signature) before the text", async () => {
    const { client } = setup();
    const thinking = "First I consider the question carefully, then I weigh a couple of options.";
    const { events, message } = await streamAll(client, {
      model: MODEL,
      max_tokens: 2000,
      thinking: { type: "adaptive" },
      messages: [{ role: "user", content: scripted([{ thinking, text: "Answer." }]) }],
    });
    expect(deltasOf(events, "thinking_delta").length).toBeGreaterThanOrEqual(3);
    const signatures = deltasOf(events, "signature_delta");
    expect(signatures).toHaveLength(1);
    const firstSig = events.findIndex(
      (e) => e.type === "content_block_delta" && e.delta.type === "signature_delta",
    );
    const lastThinking = events.findLastIndex(
      (e) => e.type === "content_block_delta" && e.delta.type === "thinking_delta",
    );
    expect(firstSig).toBeGreaterThan(lastThinking);

    expect(message.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    const block = message.content[0];
    if (block?.type !== "thinking") throw new Error("expected thinking");
    expect(block.thinking).toBe(thinking);
    expect(block.signature.length).toBeGreaterThan(20);
    expect(message.usage.output_tokens_details?.thinking_tokens).toBe(Math.ceil(thinking.length / 4));
  });

  it("streams tool_use input as several JSON fragments the SDK reassembles", async () => {
    const { client } = setup();
    const input = { path: "notes/plan.md", content: "# Plan\n\nStep one, step two, step three.\n" };
    const { events, message } = await streamAll(client, {
      model: MODEL,
      max_tokens: 1000,
      tools: [{ name: "write_file", description: "Write a file", input_schema: { type: "object" } }],
      messages: [
        {
          role: "user",
          content: scripted([{ text: "Writing it.", tools: [{ name: "write_file", input }] }]),
        },
      ],
    });
    const fragments = deltasOf(events, "input_json_delta");
    expect(fragments.length).toBeGreaterThanOrEqual(3);
    for (const f of fragments) {
      if (f.type !== "content_block_delta" || f.delta.type !== "input_json_delta")
        throw new Error("bad delta");
      const piece = f.delta.partial_json;
      expect(() => JSON.parse(piece)).toThrow(); // each is only a piece
    }
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.map((b) => b.type)).toEqual(["text", "tool_use"]);
    const call = message.content[1];
    if (call?.type !== "tool_use") throw new Error("expected tool_use");
    expect(call.id).toMatch(/^toolu_sim_/);
    expect(call.name).toBe("write_file");
    expect(call.input).toEqual(input);
  });

  it("answers non-streaming requests with the whole message as JSON", async () => {
    const { client } = setup();
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 300,
      tools: [{ name: "list_agents", input_schema: { type: "object" } }],
      messages: [{ role: "user", content: scripted([{ tools: [{ name: "list_agents", input: {} }] }]) }],
    });
    expect(message.type).toBe("message");
    expect(message.id).toMatch(/^msg_sim_/);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      {
        type: "tool_use",
        id: expect.stringMatching(/^toolu_sim_/),
        name: "list_agents",
        input: {},
        caller: { type: "direct" },
      },
    ]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it("stops at max_tokens and at stop sequences", async () => {
    const { client } = setup();
    const long = "word ".repeat(200);
    const cut = await client.messages.create({
      model: MODEL,
      max_tokens: 10,
      tools: [{ name: "report", input_schema: { type: "object" } }],
      messages: [
        {
          role: "user",
          content: scripted([{ text: long, tools: [{ name: "report", input: { result: "x" } }] }]),
        },
      ],
    });
    expect(cut.stop_reason).toBe("max_tokens");
    expect(cut.usage.output_tokens).toBe(10);
    expect(cut.content).toEqual([{ type: "text", text: long.slice(0, 40), citations: null }]);

    const stopped = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      stop_sequences: ["STOP"],
      messages: [{ role: "user", content: scripted([{ text: "one two STOP three" }]) }],
    });
    expect(stopped.stop_reason).toBe("stop_sequence");
    expect(stopped.stop_sequence).toBe("STOP");
    expect(stopped.content).toEqual([{ type: "text", text: "one two ", citations: null }]);
  });

  it("splits text into word chunks that rejoin exactly", () => {
    const text = "  leading space, two  spaces\nand a newline ";
    expect(wordChunks(text).join("")).toBe(text);
    expect(wordChunks("")).toEqual([]);
  });
});

describe("simulator request validation", () => {
  const valid = {
    model: MODEL,
    max_tokens: 10,
    tools: [{ name: "x", input_schema: { type: "object" } }],
    messages: [{ role: "user", content: "hi" }],
  };
  const cases: [string, string, RegExp][] = [
    ["bad JSON", "{nope", /not valid JSON/],
    ["missing model", JSON.stringify({ ...valid, model: undefined }), /^model: Field required/],
    [
      "missing max_tokens",
      JSON.stringify({ ...valid, max_tokens: undefined }),
      /^max_tokens: Field required/,
    ],
    ["empty messages", JSON.stringify({ ...valid, messages: [] }), /^messages: at least one message/],
    [
      "bad role",
      JSON.stringify({ ...valid, messages: [{ role: "robot", content: "x" }] }),
      /^messages\.0\.role/,
    ],
    [
      "dangling tool_use",
      JSON.stringify({
        ...valid,
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "x", input: {} }] },
          { role: "user", content: "and?" },
        ],
      }),
      /tool_use` ids were found without `tool_result`.*toolu_1/,
    ],
    [
      "orphan tool_result",
      JSON.stringify({
        ...valid,
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_9", content: "x" }] },
        ],
      }),
      /unexpected `tool_use_id`.*toolu_9/,
    ],
  ];

  it.each(cases)("rejects %s with an Anthropic-style 400", async (_name, body, message) => {
    const { sim } = setup();
    const res = await post(sim, body);
    expect(res.status).toBe(400);
    const json = await res.json<{ type: string; error: { type: string; message: string } }>();
    expect(json.type).toBe("error");
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toMatch(message);
  });

  it("surfaces a 400 through the SDK as BadRequestError", async () => {
    const { client } = setup();
    await expect(
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [] }),
    ).rejects.toMatchObject({
      status: 400,
      error: { type: "error", error: { type: "invalid_request_error" } },
    });
  });

  it("answers other routes with a JSON 404, and counts tokens", async () => {
    const { sim } = setup();
    const res = await sim.handle(new Request("http://sim.local/v1/models"));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });

    const count = await post(
      sim,
      JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "x".repeat(40) }] }),
      "/v1/messages/count_tokens",
    );
    expect(await count.json()).toEqual({ input_tokens: 10 });
  });
});
