// The official Anthropic SDK against the standalone simulator over HTTP: streaming and JSON,
// structured output (including the SDK's own zod parsing), forced tool choice, the SDK's retries
// driven by the simulator's retry headers, and the API's 400 for each request rule the simulator
// enforces (worker/llm/simulator/rules.ts; rules.test.ts cites the documentation of each).
import Anthropic, { BadRequestError } from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import type { MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { simUrl } from "./sim-url";

const client = new Anthropic({ apiKey: "sim", baseURL: simUrl(), maxRetries: 0 });
/** Takes every parameter, forced tool use included. */
const MODEL = "claude-sonnet-4-6";
const sim = (steps: unknown[], before = "As scripted.") =>
  `${before}\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;
const weather = {
  name: "get_weather",
  description: "Current weather in a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
    required: ["city", "unit"],
  },
};

describe("Anthropic SDK ↔ standalone simulator", () => {
  it("streams a message the SDK assembles, and answers the same request as JSON", async () => {
    const params = {
      model: MODEL,
      max_tokens: 200,
      messages: [{ role: "user" as const, content: sim([{ text: "Hello from the simulator." }]) }],
    };
    const stream = client.messages.stream(params);
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const streamed = await stream.finalMessage();
    expect(texts.join("")).toBe("Hello from the simulator.");
    expect(streamed.stop_reason).toBe("end_turn");
    const { data, response } = await client.messages.create(params).withResponse();
    expect(data.content).toEqual(streamed.content);
    expect(response.headers.get("request-id")).toMatch(/^req_sim_/);
    expect(Number(response.headers.get("anthropic-ratelimit-requests-remaining"))).toBeGreaterThan(0);
    expect(response.headers.get("anthropic-ratelimit-tokens-reset")).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it("structured output: messages.parse with zodOutputFormat gets a parsed, schema-valid object", async () => {
    const Recipe = z.object({
      name: z.string(),
      servings: z.number().int(),
      steps: z.array(z.string()),
      difficulty: z.enum(["easy", "hard"]),
    });
    const out = await client.messages.parse({
      model: "claude-sonnet-5-5",
      max_tokens: 1000,
      messages: [{ role: "user", content: "A pancake recipe, please." }],
      output_config: { format: zodOutputFormat(Recipe) },
    });
    expect(Recipe.parse(out.parsed_output)).toMatchObject({ difficulty: "easy" });
  });

  it("forced tool choice: the named tool, with input valid against its schema", async () => {
    const out = await client.messages.create({
      model: MODEL,
      max_tokens: 500,
      tools: [weather],
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [{ role: "user", content: "Hi!" }],
    });
    expect(out.stop_reason).toBe("tool_use");
    expect(out.content).toEqual([
      expect.objectContaining({
        type: "tool_use",
        name: "get_weather",
        input: { city: "Simulated city", unit: "celsius" },
      }),
    ]);
  });

  it("retries a scripted 429 and 529 itself, waiting the retry-after they send", async () => {
    const retrying = new Anthropic({ apiKey: "sim", baseURL: simUrl(), maxRetries: 2 });
    const started = Date.now();
    const out = await retrying.messages.create({
      model: MODEL,
      max_tokens: 100,
      system: `retry test ${started}`,
      messages: [
        {
          role: "user",
          content: sim([
            { fault: "rate_limit", retryAfter: 0.3 },
            { fault: "overloaded", retryAfter: 0.3 },
            { text: "third time lucky" },
          ]),
        },
      ],
    });
    expect(out.content).toEqual([{ type: "text", text: "third time lucky", citations: null }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it("counts tokens", async () => {
    const out = await client.messages.countTokens({
      model: MODEL,
      messages: [{ role: "user", content: "x".repeat(400) }],
    });
    expect(out.input_tokens).toBe(100);
  });
});

/** What the API refuses, as the SDK surfaces it: BadRequestError (400) with the API's message. */
const base: MessageCreateParamsNonStreaming = {
  model: MODEL,
  max_tokens: 2048,
  messages: [{ role: "user", content: "hi" }],
};
const REFUSED: [string, Record<string, unknown>, RegExp][] = [
  [
    "a system message first in messages",
    {
      model: "claude-opus-4-8",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "hi" },
      ],
    },
    /Unexpected role "system"/,
  ],
  [
    "a system message on a model without mid-conversation system messages",
    {
      messages: [
        { role: "user", content: "hi" },
        { role: "system", content: "Be terse." },
      ],
    },
    /role 'system' is not supported on this model/,
  ],
  [
    "empty user content",
    { messages: [{ role: "user", content: "" }] },
    /all messages must have non-empty content/,
  ],
  [
    "thinking.budget_tokens below 1024",
    { thinking: { type: "enabled", budget_tokens: 10 } },
    /thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024/,
  ],
  [
    "thinking.budget_tokens not below max_tokens",
    { max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 2000 } },
    /`max_tokens` must be greater than `thinking\.budget_tokens`/,
  ],
  ["temperature 5", { temperature: 5 }, /^temperature: range: 0\.\.1$/],
  ["top_p above 1", { top_p: 2 }, /^top_p: range: 0\.\.1$/],
  ["a negative top_k", { top_k: -3 }, /^top_k: Input should be greater than or equal to 0$/],
  ["temperature with top_p", { temperature: 0.2, top_p: 0.9 }, /cannot both be specified for this model/],
  [
    "sampling on a model without it",
    { model: "claude-opus-5", temperature: 0.2 },
    /`temperature` is deprecated/,
  ],
  ["max_tokens missing", { max_tokens: undefined }, /^max_tokens: Field required$/],
  [
    "max_tokens over the model's maximum",
    // Streaming: the SDK itself refuses a non-streaming call this long before sending it.
    { max_tokens: 1_000_000, stream: true },
    /^max_tokens: 1000000 > 128000, which is the maximum allowed number of output tokens for claude-sonnet-4-6$/,
  ],
  [
    "tool blocks without tools",
    {
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }] },
      ],
    },
    /must define tools/,
  ],
  [
    "a tool_result answering no tool_use",
    {
      tools: [weather],
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "sunny" },
            { type: "tool_result", tool_use_id: "toolu_2", content: "rainy" },
          ],
        },
      ],
    },
    /unexpected `tool_use_id` found in `tool_result` blocks: toolu_2/,
  ],
  [
    "a tool_use left without its tool_result",
    {
      tools: [weather],
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
        { role: "user", content: "and?" },
      ],
    },
    /`tool_use` ids were found without `tool_result` blocks/,
  ],
  [
    "a script calling a tool the request doesn't declare",
    {
      tools: [weather],
      messages: [{ role: "user", content: sim([{ tools: [{ name: "rm_rf", input: {} }] }]) }],
    },
    /calls the tool `rm_rf`, but the request does not declare it/,
  ],
  [
    "forced tool use with extended thinking",
    { tools: [weather], tool_choice: { type: "any" }, thinking: { type: "enabled", budget_tokens: 1024 } },
    /Thinking may not be enabled when tool_choice forces tool use/,
  ],
  [
    "forced tool use on a model without it",
    { model: "claude-sonnet-5-5", tools: [weather], tool_choice: { type: "any" } },
    /tool_choice forces tool use is not compatible with this model/,
  ],
  [
    "an open object in a structured-output schema",
    { output_config: { format: { type: "json_schema", schema: { type: "object", properties: {} } } } },
    /additionalProperties' must be explicitly set to false/,
  ],
];

describe("Anthropic SDK: the API's 400 for each refused request", () => {
  it.each(REFUSED)("%s", async (_name, over, message) => {
    const error = await client.messages.create({ ...base, ...over } as MessageCreateParamsNonStreaming).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    if (!(error instanceof BadRequestError)) return;
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(error.apiMessage).toMatch(message);
    expect(error.requestID).toMatch(/^req_sim_/);
  });
});
