// LangChain's ChatAnthropic against the standalone simulator over HTTP: invoke, stream, structured
// output (its default forced-tool method and native json_schema) and bindTools with a forced
// tool_choice.
import { ChatAnthropic } from "@langchain/anthropic";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { simUrl } from "./sim-url";

/** Haiku 5.5 accepts forced tool use, which withStructuredOutput's default method relies on. */
const model = (name = "claude-haiku-5-5") =>
  new ChatAnthropic({ model: name, apiKey: "sim", anthropicApiUrl: simUrl(), maxRetries: 0 });
const sim = (steps: unknown[]) => `As scripted.\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;

const Person = z.object({
  name: z.string().describe("Full name"),
  age: z.number().int(),
  languages: z.array(z.string()),
  role: z.enum(["engineer", "designer", "manager"]),
});

const weather = tool(async ({ city }) => `Sunny in ${city}`, {
  name: "get_weather",
  description: "Current weather in a city",
  schema: z.object({ city: z.string(), unit: z.enum(["celsius", "fahrenheit"]) }),
});
const lookup = tool(async ({ query }) => `Found ${query}`, {
  name: "lookup",
  description: "Look something up",
  schema: z.object({ query: z.string() }),
});

describe("LangChain ChatAnthropic ↔ standalone simulator", () => {
  it("invoke answers, with the system prompt as the API's top-level system", async () => {
    const out = await model().invoke([
      new SystemMessage("You are terse."),
      new HumanMessage(sim([{ text: "Hello." }])),
    ]);
    expect(out.content).toBe("Hello.");
    expect(out.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  it("stream streams chunks", async () => {
    const chunks: string[] = [];
    for await (const chunk of await model().stream(
      sim([{ text: "Alpha beta gamma delta epsilon zeta eta theta." }]),
    )) {
      if (typeof chunk.content === "string") chunks.push(chunk.content);
    }
    expect(chunks.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe("Alpha beta gamma delta epsilon zeta eta theta.");
  });

  it("withStructuredOutput (forced tool call, its default) returns a schema-valid object", async () => {
    const out = await model().withStructuredOutput(Person).invoke("Describe a made-up colleague.");
    expect(Person.parse(out).role).toBe("engineer");
  });

  it("withStructuredOutput method jsonSchema (output_config.format) returns a schema-valid object", async () => {
    const out = await model("claude-sonnet-5-5")
      .withStructuredOutput(Person, { method: "jsonSchema" })
      .invoke("Describe a colleague.");
    expect(Person.parse(out).languages.length).toBeGreaterThan(0);
  });

  it("bindTools with tool_choice {type:'tool'} calls that tool with valid input", async () => {
    const out = await model()
      .bindTools([lookup, weather], { tool_choice: { type: "tool", name: "get_weather" } })
      .invoke("Good morning!");
    expect(out.tool_calls).toHaveLength(1);
    expect(out.tool_calls?.[0]).toMatchObject({
      name: "get_weather",
      args: { city: "Simulated city", unit: "celsius" },
    });
  });

  it("bindTools with tool_choice 'any' calls a tool, and a script picks which", async () => {
    const bound = model().bindTools([lookup, weather], { tool_choice: "any" });
    const picked = await bound.invoke(
      sim([{ tools: [{ name: "lookup", input: { query: "moons of Jupiter" } }] }]),
    );
    expect(picked.tool_calls?.map((c) => [c.name, c.args])).toEqual([
      ["lookup", { query: "moons of Jupiter" }],
    ]);
    const chat = await bound.invoke(sim([{ text: "No tool needed." }]));
    expect(chat.tool_calls?.length).toBe(1);
  });

  it("a forced tool_choice on a model that refuses it is the API's 400", async () => {
    const call = model("claude-sonnet-5-5").bindTools([weather], { tool_choice: "any" }).invoke("Hi");
    await expect(call).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/not compatible with this model/),
    });
  });
});
