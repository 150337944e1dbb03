// Every request rule the simulator enforces, each with the documentation it follows and the API's
// answer. `doc` quotes the API reference as the pinned SDK carries it (@anthropic-ai/sdk 1.16
// resources/messages, generated from the API's own specification) or the Claude docs page named;
// where the API's 400 message is known from its answers in public issues, the test expects that
// message (source in `seen`), else a paraphrase naming the same field (marked "paraphrase").
import { describe, expect, it } from "vitest";
import { post, setup } from "./testing";

type Body = Record<string, unknown>;
type Case = { rule: string; doc: string; seen: string; body: Body; message: RegExp };

const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown) => ({ role: "assistant", content });
const system = (content: unknown) => ({ role: "system", content });
const tool = (name: string) => ({ name, input_schema: { type: "object", properties: {} } });
const use = (id: string, name = "lookup") => ({ type: "tool_use", id, name, input: {} });
const result = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "ok" });

/** A valid request on a model that takes every parameter (Sonnet 4.6), changed by `over`. */
const base = (over: Body): Body => ({
  model: "claude-sonnet-4-6",
  max_tokens: 2048,
  messages: [user("hi")],
  ...over,
});

const REFUSED: Case[] = [
  {
    rule: "roles are user, assistant, or system after a user turn: not system first",
    doc: "Mid-conversation system messages: a system message “cannot be the first entry in the messages array (continue using the top-level system parameter for initial, conversation-wide instructions)” (docs: build-with-claude/mid-conversation-system-messages)",
    seen: 'paraphrase; the older API answered every system role with: Unexpected role "system". The Messages API accepts a top-level `system` parameter…',
    body: base({ model: "claude-opus-4-8", messages: [system("Be brief."), user("hi")] }),
    message: /^messages\.0: Unexpected role "system".*top-level `system` parameter/,
  },
  {
    rule: "system messages only on models that have them",
    doc: "“This feature is available on Claude Opus 4.8” (mid-conversation system messages); “models released before Opus 4.8 reject them”",
    seen: "role 'system' is not supported on this model (gproxy-transform docs)",
    body: base({ messages: [user("hi"), system("Be brief.")] }),
    message: /^messages\.1: role 'system' is not supported on this model$/,
  },
  {
    rule: "a system message follows a user turn",
    doc: '“A mid-conversation system message must immediately follow a "user" message or an "assistant" message that ends in a server tool use”',
    seen: "paraphrase",
    body: base({ model: "claude-opus-4-8", messages: [user("hi"), assistant("hello"), system("Be brief.")] }),
    message: /^messages\.2: a "system" message must immediately follow a "user" message/,
  },
  {
    rule: "a system message is last or followed by an assistant turn",
    doc: '“It must either be the last entry in the messages array or be followed by an "assistant" turn”',
    seen: "paraphrase",
    body: base({ model: "claude-opus-4-8", messages: [user("hi"), system("Be brief."), user("and?")] }),
    message: /^messages\.1: a "system" message must be the last message or be followed by an "assistant"/,
  },
  {
    rule: "unknown roles",
    doc: "MessageParam = UserMessageParam | AssistantMessageParam | SystemMessageParam (role 'user' | 'assistant' | 'system')",
    seen: "pydantic-style, as the API's schema errors are",
    body: base({ messages: [{ role: "tool", content: "x" }] }),
    message: /^messages\.0\.role: Input should be 'user', 'assistant' or 'system'/,
  },
  {
    rule: "no empty content",
    doc: "“If the final message uses the `assistant` role, the response content will continue immediately from the content in that message” — only that final prefill may be empty",
    seen: "messages.0: all messages must have non-empty content except for the optional final assistant message (anthropics/claude-code#6774)",
    body: base({ messages: [user("")] }),
    message:
      /^messages\.0: all messages must have non-empty content except for the optional final assistant message$/,
  },
  {
    rule: "no empty content (empty block list)",
    doc: "as above",
    seen: "tidyverse/ellmer#709",
    body: base({ messages: [user("hi"), assistant([]), user("again")] }),
    message: /^messages\.1: all messages must have non-empty content/,
  },
  {
    rule: "text blocks carry text",
    doc: "TextBlockParam { text: string }",
    seen: "messages: text content blocks must be non-empty",
    body: base({
      messages: [
        user([
          { type: "text", text: "" },
          { type: "text", text: "hi" },
        ]),
      ],
    }),
    message: /^messages: text content blocks must be non-empty$/,
  },
  {
    rule: "text blocks carry more than whitespace",
    doc: "TextBlockParam { text: string }",
    seen: "messages: text content blocks must contain non-whitespace text",
    body: base({ messages: [user("  \n ")] }),
    message: /^messages: text content blocks must contain non-whitespace text$/,
  },
  {
    rule: "max_tokens is required",
    doc: "MessageCreateParamsBase.max_tokens: number (required)",
    seen: "max_tokens: Field required",
    body: base({ max_tokens: undefined }),
    message: /^max_tokens: Field required$/,
  },
  {
    rule: "max_tokens within the model's maximum",
    doc: "“Different models have different maximum values for this parameter.” (max_tokens)",
    seen: "max_tokens: 8193 > 8192, which is the maximum allowed number of output tokens for claude-3-5-sonnet-20240620",
    body: base({ model: "claude-haiku-4-5-20251001", max_tokens: 64_001 }),
    message:
      /^max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5-20251001$/,
  },
  {
    rule: "thinking budget_tokens ≥ 1024",
    doc: "“Must be ≥1024 and less than `max_tokens`.” (ThinkingConfigEnabled.budget_tokens)",
    seen: "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024 (tingly-dev/tingly-box#569)",
    body: base({ thinking: { type: "enabled", budget_tokens: 10 } }),
    message: /^thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024$/,
  },
  {
    rule: "thinking budget_tokens < max_tokens",
    doc: "“Must be ≥1024 and less than `max_tokens`.”",
    seen: "`max_tokens` must be greater than `thinking.budget_tokens`.",
    body: base({ max_tokens: 1024, thinking: { type: "enabled", budget_tokens: 1024 } }),
    message: /^`max_tokens` must be greater than `thinking\.budget_tokens`\.$/,
  },
  {
    rule: "budget thinking only where the model has it",
    doc: "“Which `type` values are accepted … depend on the model.” (ThinkingConfigParam)",
    seen: '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior. (anomalyco/opencode#23007)',
    body: base({ model: "claude-sonnet-5-5", thinking: { type: "enabled", budget_tokens: 1024 } }),
    message: /^"thinking\.type\.enabled" is not supported for this model\./,
  },
  {
    rule: "adaptive thinking only where the model has it",
    doc: "as above",
    seen: "adaptive thinking is not supported on this model (askalf/dario#273)",
    body: base({ model: "claude-sonnet-4-5", thinking: { type: "adaptive" } }),
    message: /^adaptive thinking is not supported on this model$/,
  },
  {
    rule: "temperature 0–1",
    doc: "temperature: “Ranges from 0.0 to 1.0.” (Messages API reference; anthropics/anthropic-sdk-python#893: “the accepted range is 0.0–1.0”)",
    seen: "temperature: range: -1 or 0..1 (the API's answer before -1 was dropped)",
    body: base({ temperature: 5 }),
    message: /^temperature: range: 0\.\.1$/,
  },
  {
    rule: "top_p 0–1",
    doc: "top_p: nucleus sampling “cut off once it reaches a particular probability specified by `top_p`”",
    seen: "paraphrase, in the temperature message's form",
    body: base({ top_p: 1.5 }),
    message: /^top_p: range: 0\.\.1$/,
  },
  {
    rule: "top_k ≥ 0",
    doc: "top_k: “Only sample from the top K options for each subsequent token.”",
    seen: "pydantic-style",
    body: base({ top_k: -1 }),
    message: /^top_k: Input should be greater than or equal to 0$/,
  },
  {
    rule: "temperature and top_p together where the model refuses it",
    doc: "“You should either alter `temperature` or `top_p`, but not both.” (top_p); Claude 4.5/4.6 refuse both",
    seen: "`temperature` and `top_p` cannot both be specified for this model. Please use only one. (OpenHands/software-agent-sdk#1945)",
    body: base({ temperature: 0.5, top_p: 0.9 }),
    message: /^`temperature` and `top_p` cannot both be specified for this model\. Please use only one\.$/,
  },
  {
    rule: "no sampling parameters where the model removed them",
    doc: "“Setting `temperature`, `top_p`, or `top_k` to any non-default value on Claude Opus 4.7 returns a 400 error.” (migration guide)",
    seen: "`temperature` is deprecated for this model. (Comfy-Org/ComfyUI#13923)",
    body: base({ model: "claude-sonnet-5-5", temperature: 0 }),
    message: /^`temperature` is deprecated for this model\.$/,
  },
  {
    rule: "tool_use/tool_result blocks need tools declared",
    doc: "tools: “If you include `tools` in your API request, the model may return `tool_use` content blocks”",
    seen: "Requests which include `tool_use` or `tool_result` blocks must define tools. (anthropics/anthropic-sdk-python#494)",
    body: base({ messages: [user("go"), assistant([use("toolu_1")]), user([result("toolu_1")])] }),
    message: /^Requests which include `tool_use` or `tool_result` blocks must define tools\.$/,
  },
  {
    rule: "every tool_use is answered in the next turn",
    doc: "“Each `tool_use` block must have a corresponding `tool_result` block in the next message.”",
    seen: "messages.5: `tool_use` ids were found without `tool_result` blocks immediately after: … (anthropics/claude-code#3512)",
    body: base({
      tools: [tool("lookup")],
      messages: [user("go"), assistant([use("toolu_1")]), user("and?")],
    }),
    message:
      /^messages\.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1\./,
  },
  {
    rule: "every tool_result answers a tool_use of the previous assistant turn",
    doc: "“Each `tool_result` block must have a corresponding `tool_use` block in the previous message.”",
    seen: "unexpected `tool_use_id` found in `tool_result` blocks",
    body: base({
      tools: [tool("lookup")],
      messages: [user("go"), assistant([use("toolu_1")]), user([result("toolu_1"), result("toolu_2")])],
    }),
    message: /^messages\.2\.content\.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_2\./,
  },
  {
    rule: "tool_choice needs tools",
    doc: "tool_choice: “How the model should use the provided tools.”",
    seen: "tool_choice may only be specified while providing tools.",
    body: base({ tool_choice: { type: "any" } }),
    message: /^tool_choice may only be specified while providing tools\.$/,
  },
  {
    rule: "tool_choice names a declared tool",
    doc: "ToolChoiceTool: “The model will use the specified tool with `tool_choice.name`.”",
    seen: "paraphrase",
    body: base({ tools: [tool("lookup")], tool_choice: { type: "tool", name: "search" } }),
    message: /^tool_choice\.name: Tool 'search' not found/,
  },
  {
    rule: "forced tool use and extended thinking don't mix",
    doc: "“Thinking isn't compatible with … forced tool use” (extended thinking, feature compatibility)",
    seen: "Thinking may not be enabled when tool_choice forces tool use. (mastra-ai/mastra#7507)",
    body: base({
      tools: [tool("lookup")],
      tool_choice: { type: "any" },
      thinking: { type: "enabled", budget_tokens: 1024 },
    }),
    message: /^Thinking may not be enabled when tool_choice forces tool use\.$/,
  },
  {
    rule: "forced tool use only where the model has it",
    doc: "Claude Sonnet 5.5, Opus 5.5 and the Fable models reject a forced tool choice",
    seen: "tool_choice forces tool use is not compatible with this model (Yeachan-Heo/gajae-code#482)",
    body: base({
      model: "claude-sonnet-5-5",
      tools: [tool("lookup")],
      tool_choice: { type: "tool", name: "lookup" },
    }),
    message: /^tool_choice forces tool use is not compatible with this model/,
  },
  {
    rule: "structured output schemas close their objects",
    doc: "Structured outputs: “`additionalProperties` (must be set to `false` for objects)”",
    seen: "output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly set to false (veryfront/veryfront-code#3921)",
    body: base({
      output_config: {
        format: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } } } },
      },
    }),
    message:
      /^output_config\.format\.schema: For 'object' type, 'additionalProperties' must be explicitly set to false$/,
  },
  {
    rule: "at most four cache breakpoints",
    doc: "“You can define up to 4 cache breakpoints” (prompt caching)",
    seen: "A maximum of 4 blocks with cache_control may be provided. Found 5.",
    body: base({
      system: [1, 2, 3, 4, 5].map((i) => ({
        type: "text",
        text: `s${i}`,
        cache_control: { type: "ephemeral" },
      })),
    }),
    message: /^A maximum of 4 blocks with cache_control may be provided\. Found 5\.$/,
  },
];

describe("simulator request rules", () => {
  it.each(REFUSED)("refuses: $rule", async ({ body, message }) => {
    const res = await post(setup().sim, JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.headers.get("x-should-retry")).toBe("false");
    const json = (await res.json()) as {
      type: string;
      error: { type: string; message: string };
      request_id: string;
    };
    expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(json.error.message).toMatch(message);
    expect(json.request_id).toBe(res.headers.get("request-id"));
  });

  const ACCEPTED: [string, Body][] = [
    // “Consecutive `user` or `assistant` turns in your request will be combined into a single turn.”
    ["consecutive user turns (combined into one)", base({ messages: [user("one"), user("two")] })],
    // anthropics/anthropic-sdk-typescript#622: the first-party API answers an assistant-first list.
    ["an assistant message first", base({ messages: [assistant("How can I help?"), user("Say hi.")] })],
    ["an empty final assistant message (prefill)", base({ messages: [user("hi"), assistant("")] })],
    [
      "a system message after a user turn, on Opus 4.8",
      base({ model: "claude-opus-4-8", messages: [user("hi"), system("Answer in French.")] }),
    ],
    [
      "tool results split across consecutive user turns",
      base({
        tools: [tool("lookup")],
        messages: [
          user("go"),
          assistant([use("toolu_1"), use("toolu_2")]),
          user([result("toolu_1")]),
          user([result("toolu_2"), { type: "text", text: "both done" }]),
        ],
      }),
    ],
    ["temperature alone, in range", base({ temperature: 0 })],
    [
      "temperature 1 (the default) on a model without sampling parameters",
      base({ model: "claude-opus-5", temperature: 1 }),
    ],
    // “Set to `0` to populate the prompt cache without generating a response.”
    ["max_tokens 0", base({ max_tokens: 0 })],
    ["budget thinking within limits", base({ thinking: { type: "enabled", budget_tokens: 1024 } })],
    [
      "forced tool use on a model that has it",
      base({ model: "claude-haiku-5-5", tools: [tool("lookup")], tool_choice: { type: "any" } }),
    ],
    [
      "an unknown model, with anything in range",
      base({ model: "my-proxy-model", temperature: 0.2, top_p: 0.5 }),
    ],
  ];

  it.each(ACCEPTED)("accepts %s", async (_name, body) => {
    const res = await post(setup().sim, JSON.stringify(body));
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it("answers consecutive user turns as one turn: a script in the first still rules", async () => {
    const { client } = setup();
    const out = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [
        { role: "user", content: '```sim\n[{"text":"merged"}]\n```' },
        { role: "user", content: "(a second user message)" },
      ],
    });
    expect(out.content).toEqual([{ type: "text", text: "merged", citations: null }]);
  });

  it("answers max_tokens 0 with no content, stopped at max_tokens", async () => {
    const { client } = setup();
    const out = await client.messages.create({ ...base({}), max_tokens: 0 } as never);
    expect(out).toMatchObject({ content: [], stop_reason: "max_tokens", usage: { output_tokens: 0 } });
  });
});
