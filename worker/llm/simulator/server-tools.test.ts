// Server tools in the simulator (DESIGN §9), through the real SDK: declared tools run inside the
// response with labelled, deterministic results the text cites; usage counts the billed requests;
// an undeclared one is a 400; pause_turn is continued by sending the content back; script thinking
// only appears when the request enables thinking.
import Anthropic from "@anthropic-ai/sdk";
import type {
  MessageDeltaEvent,
  MessageStreamEvent,
  Tool,
  ToolUnion,
  WebSearchToolResultBlock,
} from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { MODEL, scripted, setup, streamAll } from "./testing";

const SEARCH: ToolUnion = { type: "web_search_20260318", name: "web_search", max_uses: 2 };
const FETCH: ToolUnion = { type: "web_fetch_20260318", name: "web_fetch", citations: { enabled: true } };
const CODE: ToolUnion = { type: "code_execution_20260521", name: "code_execution" };
const SERVER = [SEARCH, FETCH, CODE];

const lastDelta = (events: MessageStreamEvent[]) =>
  events.findLast((e): e is MessageDeltaEvent => e.type === "message_delta");

describe("simulator server tools", () => {
  it("runs a declared search, fetch and code run inside the response, then cites them in its text", async () => {
    const { client } = setup();
    const request = {
      model: MODEL,
      max_tokens: 2000,
      tools: SERVER,
      messages: [
        {
          role: "user",
          content: scripted([
            {
              tools: [
                { name: "web_search", input: { query: "history of the bicycle" } },
                { name: "web_fetch", input: { url: "https://example.com/bikes" } },
                { name: "code_execution", input: { code: "print(1 + 1)" } },
              ],
              text: "Bicycles date from the 1810s.",
            },
          ]),
        },
      ],
    } satisfies Anthropic.MessageStreamParams;
    const { events, message } = await streamAll(client, request);
    expect(message.content.map((b) => b.type)).toEqual([
      "server_tool_use",
      "web_search_tool_result",
      "server_tool_use",
      "web_fetch_tool_result",
      "server_tool_use",
      "code_execution_tool_result",
      "text",
    ]);
    expect(message.stop_reason).toBe("end_turn");
    // Server tool input streams as JSON fragments, like a tool call's.
    const jsonDeltas = events.filter(
      (e) => e.type === "content_block_delta" && e.index === 0 && e.delta.type === "input_json_delta",
    );
    expect(jsonDeltas.length).toBeGreaterThanOrEqual(2);
    const [use, search, , fetch, , code, text] = message.content;
    expect(use).toMatchObject({
      type: "server_tool_use",
      name: "web_search",
      input: { query: "history of the bicycle" },
    });
    const results = (search as WebSearchToolResultBlock).content;
    if (!Array.isArray(results)) throw new Error("expected results");
    expect(results).toHaveLength(3);
    expect(results[0]?.url).toMatch(/^https:\/\/example\.com\/sim\//);
    expect(results[0]?.title).toMatch(/^Simulated result 1/);
    expect(results[0]?.encrypted_content).toBeTruthy();
    expect(fetch).toMatchObject({
      type: "web_fetch_tool_result",
      content: {
        type: "web_fetch_result",
        url: "https://example.com/bikes",
        content: {
          type: "document",
          source: { type: "text", data: expect.stringMatching(/^Simulated page/) },
        },
      },
    });
    expect(code).toMatchObject({
      content: { type: "code_execution_result", stdout: "Simulated: code was not run.\n", return_code: 0 },
    });
    if (text?.type !== "text") throw new Error("expected text");
    expect(text.text).toBe("Bicycles date from the 1810s.");
    expect(text.citations?.map((c) => c.type)).toEqual(["web_search_result_location", "char_location"]);
    expect(text.citations?.[0]).toMatchObject({ url: results[0]?.url, title: results[0]?.title });
    // Same query, same results: deterministic.
    const again = await streamAll(client, {
      model: MODEL,
      max_tokens: 2000,
      tools: SERVER,
      messages: [
        {
          role: "user",
          content: scripted([
            { tools: [{ name: "web_search", input: { query: "history of the bicycle" } }] },
          ]),
        },
      ],
    });
    expect((again.message.content[1] as WebSearchToolResultBlock).content).toEqual(results);

    // Billing: the requests made, and the results' tokens as input read inside the response.
    const usage = lastDelta(events)?.usage;
    expect(usage?.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 1 });
    const prompt = await client.messages.countTokens({
      model: MODEL,
      tools: SERVER,
      messages: request.messages,
    });
    expect(usage?.input_tokens).toBeGreaterThan(prompt.input_tokens);
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 1 });
  });

  it("answers max_uses and bad input with the API's error results, billing only searches made", async () => {
    const { client } = setup();
    const { message } = await streamAll(client, {
      model: MODEL,
      max_tokens: 2000,
      tools: SERVER,
      messages: [
        {
          role: "user",
          content: scripted([
            {
              tools: [
                { name: "web_search", input: { query: "one" } },
                { name: "web_search", input: { query: "two" } },
                { name: "web_search", input: { query: "three" } },
                { name: "web_fetch", input: { url: "not a url" } },
              ],
            },
          ]),
        },
      ],
    });
    const errors = message.content.flatMap((b) =>
      (b.type === "web_search_tool_result" || b.type === "web_fetch_tool_result") &&
      !Array.isArray(b.content) &&
      "error_code" in b.content
        ? [b.content.error_code]
        : [],
    );
    expect(errors).toEqual(["max_uses_exceeded", "invalid_tool_input"]);
    expect(message.usage.server_tool_use).toEqual({ web_search_requests: 2, web_fetch_requests: 0 });
  });

  it("refuses a server tool the request did not declare with a 400, as the API does", async () => {
    const { client } = setup();
    const err = await client.messages
      .create({
        model: MODEL,
        max_tokens: 500,
        tools: [SEARCH],
        messages: [
          {
            role: "user",
            content: scripted([{ tools: [{ name: "code_execution", input: { code: "1" } }] }]),
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (err as InstanceType<typeof Anthropic.BadRequestError>).error as {
      error: { type: string; message: string };
    };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/server tool `code_execution`.*does not declare/);
  });

  it("treats a custom tool that happens to share a server tool's name as a client tool", async () => {
    const { client } = setup();
    const custom: Tool = { name: "web_search", description: "mine", input_schema: { type: "object" } };
    const { message } = await streamAll(client, {
      model: MODEL,
      max_tokens: 500,
      tools: [custom],
      messages: [
        { role: "user", content: scripted([{ tools: [{ name: "web_search", input: { query: "x" } }] }]) },
      ],
    });
    expect(message.content.map((b) => b.type)).toEqual(["tool_use"]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("pauses after the server tools and continues when the content is sent back", async () => {
    const { client } = setup();
    const user = {
      role: "user" as const,
      content: scripted([
        {
          tools: [{ name: "web_search", input: { query: "tea" } }],
          pause: true,
          text: "Tea came from China.",
        },
        { text: "Next element." },
      ]),
    };
    const first = await streamAll(client, {
      model: MODEL,
      max_tokens: 1000,
      tools: SERVER,
      messages: [user],
    });
    expect(first.message.stop_reason).toBe("pause_turn");
    expect(first.message.content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result"]);
    const second = await streamAll(client, {
      model: MODEL,
      max_tokens: 1000,
      tools: SERVER,
      messages: [user, { role: "assistant", content: first.message.content }],
    });
    expect(second.message.stop_reason).toBe("end_turn");
    expect(second.message.content.map((b) => b.type)).toEqual(["text"]);
    const text = second.message.content[0];
    if (text?.type !== "text") throw new Error("expected text");
    expect(text.text).toBe("Tea came from China.");
    // It cites the result the paused part found.
    const found = (first.message.content[1] as WebSearchToolResultBlock).content;
    if (!Array.isArray(found)) throw new Error("expected results");
    expect(text.citations?.[0]).toMatchObject({ type: "web_search_result_location", url: found[0]?.url });
    // The paused response and its continuation are one element: the next one follows.
    const third = await streamAll(client, {
      model: MODEL,
      max_tokens: 1000,
      tools: SERVER,
      messages: [
        user,
        { role: "assistant", content: [...first.message.content, ...second.message.content] },
        { role: "user", content: "go on" },
      ],
    });
    expect(third.message.content).toMatchObject([{ type: "text", text: "Next element." }]);
  });

  it("emits a script's thinking only when the request enables thinking", async () => {
    const { client } = setup();
    const content = scripted([{ thinking: "Hmm.", text: "Answer." }]);
    const off = await streamAll(client, {
      model: MODEL,
      max_tokens: 500,
      messages: [{ role: "user", content }],
    });
    expect(off.message.content.map((b) => b.type)).toEqual(["text"]);
    const on = await streamAll(client, {
      model: MODEL,
      max_tokens: 500,
      thinking: { type: "adaptive" },
      messages: [{ role: "user", content }],
    });
    expect(on.message.content.map((b) => b.type)).toEqual(["thinking", "text"]);
  });

  it("gives a research task a search before the agent writes, when web_search is declared", async () => {
    const { client } = setup();
    const agentTools: ToolUnion[] = ["write_file", "report"].map((name) => ({
      name,
      description: name,
      input_schema: { type: "object" as const },
    }));
    const task = "Research the history of the bicycle and write notes.";
    const withSearch = await streamAll(client, {
      model: MODEL,
      max_tokens: 4000,
      tools: [...agentTools, SEARCH],
      messages: [{ role: "user", content: task }],
    });
    expect(withSearch.message.content.map((b) => b.type)).toEqual([
      "server_tool_use",
      "web_search_tool_result",
      "text",
      "tool_use",
    ]);
    expect(withSearch.message.stop_reason).toBe("tool_use");
    const without = await streamAll(client, {
      model: MODEL,
      max_tokens: 4000,
      tools: agentTools,
      messages: [{ role: "user", content: task }],
    });
    expect(without.message.content.map((b) => b.type)).toEqual(["text", "tool_use"]);
  });
});
