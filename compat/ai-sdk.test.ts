// The Vercel AI SDK (`ai` + `@ai-sdk/anthropic`) against the standalone simulator over HTTP:
// text, streaming, structured output in both of the provider's modes (native `output_config.format`
// and the forced `json` tool), and forced tool calls with `toolChoice: "required"`.
import { createAnthropic } from "@ai-sdk/anthropic";
import { generateObject, generateText, stepCountIs, streamText, tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { simUrl } from "./sim-url";

// The provider's notes (and generateObject's deprecation) are checked below, not printed.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const anthropic = createAnthropic({ apiKey: "sim", baseURL: `${simUrl()}/v1` });
const sim = (steps: unknown[]) => `As scripted.\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;

const Recipe = z.object({
  name: z.string(),
  servings: z.number().int().min(1).max(12),
  vegetarian: z.boolean(),
  ingredients: z.array(z.object({ item: z.string(), grams: z.number() })).min(1),
  course: z.enum(["starter", "main", "dessert"]),
});

const weather = tool({
  description: "Current weather in a city",
  inputSchema: z.object({ city: z.string(), unit: z.enum(["celsius", "fahrenheit"]) }),
  execute: async ({ city }) => ({ city, forecast: "sunny" }),
});

describe("Vercel AI SDK ↔ standalone simulator", () => {
  it("generateText answers", async () => {
    const out = await generateText({
      model: anthropic("claude-sonnet-5-5"),
      prompt: sim([{ text: "Hi there." }]),
    });
    expect(out.text).toBe("Hi there.");
    expect(out.finishReason).toBe("stop");
    expect(out.usage.outputTokens).toBeGreaterThan(0);
  });

  it("streamText streams", async () => {
    const result = streamText({
      model: anthropic("claude-sonnet-5-5"),
      prompt: sim([{ text: "One two three four five six seven eight nine ten." }]),
    });
    const parts: string[] = [];
    for await (const delta of result.textStream) parts.push(delta);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join("")).toBe("One two three four five six seven eight nine ten.");
  });

  it("generateObject, native structured output (output_config.format), offline and schema-valid", async () => {
    const out = await generateObject({
      model: anthropic("claude-sonnet-5-5"),
      schema: Recipe,
      prompt: "A pancake recipe.",
      providerOptions: { anthropic: { structuredOutputMode: "outputFormat" } },
    });
    expect(Recipe.parse(out.object).ingredients.length).toBeGreaterThan(0);
  });

  it("generateObject, json tool mode (forced tool use) on a model that allows it", async () => {
    const out = await generateObject({
      model: anthropic("claude-haiku-5-5"),
      schema: Recipe,
      prompt: "A pancake recipe.",
      providerOptions: { anthropic: { structuredOutputMode: "jsonTool" } },
    });
    expect(Recipe.parse(out.object).course).toBe("starter");
  });

  it("generateObject picks native output where the model refuses forced tool use", async () => {
    const out = await generateObject({
      model: anthropic("claude-sonnet-5-5"),
      schema: Recipe,
      prompt: "A pancake recipe.",
      providerOptions: { anthropic: { structuredOutputMode: "jsonTool" } },
    });
    expect(Recipe.safeParse(out.object).success).toBe(true);
    expect(JSON.stringify(out.warnings)).toMatch(/rejects forced tool use\. Using 'outputFormat' instead/);
  });

  it("a script's JSON is the object when it fits the schema", async () => {
    const recipe = {
      name: "Pancakes",
      servings: 4,
      vegetarian: true,
      ingredients: [{ item: "flour", grams: 200 }],
      course: "dessert",
    };
    const out = await generateObject({
      model: anthropic("claude-sonnet-5-5"),
      schema: Recipe,
      prompt: sim([{ text: JSON.stringify(recipe) }]),
    });
    expect(out.object).toEqual(recipe);
  });

  it("toolChoice required: a tool call with valid input, executed", async () => {
    const out = await generateText({
      model: anthropic("claude-haiku-5-5"),
      tools: { weather },
      toolChoice: "required",
      prompt: "Hello!",
      stopWhen: stepCountIs(1),
    });
    expect(out.toolCalls).toHaveLength(1);
    expect(out.toolCalls[0]).toMatchObject({
      toolName: "weather",
      input: { city: "Simulated city", unit: "celsius" },
    });
    expect(out.toolResults[0]).toMatchObject({ output: { forecast: "sunny" } });
  });

  it("toolChoice for a named tool, then the loop's next step answers in text", async () => {
    const out = await generateText({
      model: anthropic("claude-haiku-5-5"),
      tools: { weather },
      prepareStep: ({ stepNumber }) =>
        stepNumber === 0 ? { toolChoice: { type: "tool", toolName: "weather" } } : { toolChoice: "auto" },
      prompt: "What's the weather like?",
      stopWhen: stepCountIs(3),
    });
    expect(out.steps[0]?.toolCalls.map((c) => c.toolName)).toEqual(["weather"]);
    expect(out.finishReason).toBe("stop");
    expect(out.text.length).toBeGreaterThan(0);
  });
});
