// tool_choice and structured output, through the real SDK: forced calls carry input valid against
// the tool's schema, `none` means no calls, and output_config.format makes the text JSON valid
// against the schema — from the demo brain, and from scripts (which still rule where they can).
import type { Message, Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { type JsonSchema, sampleOf, schemaError } from "./json-schema";
import { post, scripted, setup, streamAll } from "./testing";

/** A model that accepts forced tool use (Haiku 5.5); Sonnet 5.5 refuses it, as the API does. */
const MODEL = "claude-haiku-5-5";

const RECIPE: JsonSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    servings: { type: "integer", minimum: 1, maximum: 12 },
    vegetarian: { type: "boolean" },
    course: { type: "string", enum: ["starter", "main", "dessert"] },
    ingredients: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        properties: { item: { type: "string" }, grams: { type: ["number", "null"] } },
        required: ["item", "grams"],
        additionalProperties: false,
      },
    },
    source: { anyOf: [{ type: "null" }, { type: "string", format: "uri" }] },
  },
  required: ["name", "servings", "vegetarian", "course", "ingredients", "source"],
  additionalProperties: false,
};

const WEATHER: Tool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
    required: ["city", "unit"],
  },
};
const RECIPE_TOOL: Tool = { name: "save_recipe", input_schema: RECIPE as Tool["input_schema"] };

const calls = (m: Message) => m.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
const textOf = (m: Message) => m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");

describe("simulator tool_choice", () => {
  it("any: the demo brain calls a declared tool with schema-valid input, and writes no text", async () => {
    const { client } = setup();
    const out = await client.messages.create({
      model: MODEL,
      max_tokens: 1000,
      tools: [WEATHER, RECIPE_TOOL],
      tool_choice: { type: "any" },
      messages: [{ role: "user", content: "Please save recipe for pancakes." }],
    });
    expect(out.stop_reason).toBe("tool_use");
    expect(out.content.map((b) => b.type)).toEqual(["tool_use"]);
    const [call] = calls(out);
    // The tool the user's words name, else the first one declared.
    expect(call?.name).toBe("save_recipe");
    expect(schemaError(call?.input, RECIPE)).toBeNull();
  });

  it("tool: calls exactly the named tool, streamed as input_json_delta fragments", async () => {
    const { client } = setup();
    const { message } = await streamAll(client, {
      model: MODEL,
      max_tokens: 1000,
      tools: [RECIPE_TOOL, WEATHER],
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [{ role: "user", content: "Hello there" }],
    });
    expect(calls(message).map((c) => c.name)).toEqual(["get_weather"]);
    expect(calls(message)[0]?.input).toEqual({ city: "Simulated city", unit: "c" });
    expect(message.stop_reason).toBe("tool_use");
  });

  it("a script rules, within what tool_choice allows", async () => {
    const { client } = setup();
    const ask = (tool_choice: Record<string, unknown>, steps: unknown[]) =>
      client.messages.create({
        model: MODEL,
        max_tokens: 1000,
        tools: [WEATHER, RECIPE_TOOL],
        tool_choice: tool_choice as never,
        messages: [{ role: "user", content: scripted(steps) }],
      });
    const paris = { name: "get_weather", input: { city: "Paris", unit: "c" } };

    // A forced call keeps the script's own input; its text goes (the API prefills the call).
    const forced = await ask({ type: "any" }, [{ text: "Checking.", tools: [paris] }]);
    expect(forced.content).toMatchObject([{ type: "tool_use", name: "get_weather", input: paris.input }]);

    // Text where a tool is forced: the forced tool is called, with generated input.
    const textOnly = await ask({ type: "tool", name: "save_recipe" }, [{ text: "Just chatting." }]);
    expect(calls(textOnly).map((c) => c.name)).toEqual(["save_recipe"]);
    expect(textOf(textOnly)).toBe("");

    // `tool` keeps only calls to the named tool.
    const other = await ask({ type: "tool", name: "save_recipe" }, [{ tools: [paris] }]);
    expect(calls(other).map((c) => c.name)).toEqual(["save_recipe"]);

    // `none`: no calls; a step that only called tools says so instead.
    const none = await ask({ type: "none" }, [{ tools: [paris] }]);
    expect(none.stop_reason).toBe("end_turn");
    expect(calls(none)).toEqual([]);
    expect(textOf(none)).toMatch(/tool_choice is "none".*`get_weather`/);
    const noneWithText = await ask({ type: "none" }, [{ text: "It's sunny.", tools: [paris] }]);
    expect(noneWithText.content).toEqual([{ type: "text", text: "It's sunny.", citations: null }]);

    // disable_parallel_tool_use: one call.
    const two = [paris, { name: "get_weather", input: { city: "Rome", unit: "c" } }];
    expect(calls(await ask({ type: "auto" }, [{ tools: two }]))).toHaveLength(2);
    expect(
      calls(await ask({ type: "auto", disable_parallel_tool_use: true }, [{ tools: two }])),
    ).toHaveLength(1);
    expect(calls(await ask({ type: "any", disable_parallel_tool_use: true }, [{ tools: two }]))).toHaveLength(
      1,
    );
  });

  it("refuses a script step that calls a tool the request doesn't declare", async () => {
    const { sim } = setup();
    const res = await post(
      sim,
      JSON.stringify({
        model: MODEL,
        max_tokens: 100,
        tools: [WEATHER],
        messages: [
          { role: "user", content: scripted([{ tools: [{ name: "delete_everything", input: {} }] }]) },
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        type: "invalid_request_error",
        message: expect.stringMatching(/`delete_everything`.*does not declare/),
      },
    });
  });
});

describe("simulator structured output (output_config.format)", () => {
  const format = { type: "json_schema" as const, schema: RECIPE };

  it("the demo brain answers JSON valid against the schema, streamed or not", async () => {
    const { client } = setup();
    const params = {
      model: "claude-sonnet-5-5",
      max_tokens: 2000,
      output_config: { format },
      messages: [{ role: "user" as const, content: "Give me a pancake recipe." }],
    };
    const whole = await client.messages.create(params);
    const { message: streamed } = await streamAll(client, params);
    for (const out of [whole, streamed]) {
      expect(out.stop_reason).toBe("end_turn");
      const value: unknown = JSON.parse(textOf(out));
      expect(schemaError(value, RECIPE)).toBeNull();
    }
  });

  it("keeps a script's text that fits the schema, and replaces one that doesn't", async () => {
    const { client } = setup();
    const recipe = {
      name: "Pancakes",
      servings: 4,
      vegetarian: true,
      course: "dessert",
      ingredients: [{ item: "flour", grams: 200 }],
      source: null,
    };
    const ask = (text: string) =>
      client.messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 2000,
        output_config: { format },
        messages: [{ role: "user", content: scripted([{ text }]) }],
      });
    expect(JSON.parse(textOf(await ask(JSON.stringify(recipe))))).toEqual(recipe);
    const replaced = JSON.parse(textOf(await ask("Sure! Here's a recipe: pancakes.")));
    expect(schemaError(replaced, RECIPE)).toBeNull();
  });
});

describe("thinking", () => {
  it("appears only when the request enables it", async () => {
    const { client } = setup();
    const ask = (thinking?: { type: "adaptive" } | { type: "disabled" }) =>
      client.messages.create({
        model: "claude-sonnet-5-5",
        max_tokens: 2000,
        ...(thinking ? { thinking } : {}),
        messages: [{ role: "user", content: "What's a good name for a cat?" }],
      });
    expect((await ask()).content.map((b) => b.type)).toEqual(["text"]);
    expect((await ask({ type: "disabled" })).content.map((b) => b.type)).toEqual(["text"]);
    expect((await ask({ type: "adaptive" })).content.map((b) => b.type)).toEqual(["thinking", "text"]);
  });
});

describe("json-schema samples", () => {
  it.each<[string, JsonSchema]>([
    ["the recipe", RECIPE],
    [
      "refs, allOf, tuples and bounds",
      {
        $defs: {
          point: {
            type: "object",
            properties: { x: { type: "number", exclusiveMinimum: 10 }, y: { type: "integer", maximum: -2 } },
            required: ["x", "y"],
            additionalProperties: false,
          },
        },
        allOf: [
          { type: "object", properties: { a: { $ref: "#/$defs/point" } }, required: ["a"] },
          {
            type: "object",
            properties: {
              b: { type: "array", prefixItems: [{ const: 1 }, { type: "string", minLength: 20 }] },
            },
          },
        ],
      },
    ],
    [
      "a recursive tree",
      {
        $defs: {
          node: {
            type: "object",
            properties: {
              label: { type: "string", maxLength: 5 },
              children: { type: "array", items: { $ref: "#/$defs/node" } },
            },
            required: ["label"],
          },
        },
        $ref: "#/$defs/node",
      },
    ],
  ])("samples %s validly", (_name, schema) => {
    const value = sampleOf(schema);
    expect(schemaError(value, schema)).toBeNull();
  });

  it("keeps to constraints the SDKs move into descriptions (`{enum: […], minimum: …}`)", () => {
    const schema = {
      type: "object",
      properties: {
        role: { type: "string", description: 'The role\n{enum: ["engineer","designer"]}' },
        age: { type: "integer", description: "{minimum: 18, maximum: 99}" },
        tags: { type: "array", items: { type: "string" }, description: "{minItems: 3}" },
      },
      required: ["role", "age", "tags"],
      additionalProperties: false,
    };
    expect(sampleOf(schema)).toEqual({
      role: "engineer",
      age: 18,
      tags: ["Simulated tag 1", "Simulated tag 2", "Simulated tag 3"],
    });
  });

  it("names what doesn't fit", () => {
    expect(schemaError({ name: "x" }, RECIPE)).toMatch(/missing "servings"/);
    expect(schemaError({ ...(sampleOf(RECIPE) as object), extra: 1 }, RECIPE)).toMatch(
      /unexpected property "extra"/,
    );
    expect(schemaError({ ...(sampleOf(RECIPE) as object), course: "brunch" }, RECIPE)).toMatch(
      /\$\.course: must be one of/,
    );
  });
});
