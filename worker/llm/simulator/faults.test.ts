// Scripted faults as the SDK experiences them: HTTP errors with the right status and headers,
// streams that fail, end early or stall, and `times` counting per response slot.
import { APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { MessageStreamEvent, Tool } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { MODEL, scripted, setup } from "./testing";

const ask = (steps: unknown[]) => ({
  model: MODEL,
  max_tokens: 500,
  messages: [{ role: "user" as const, content: scripted(steps) }],
});
const long = "This answer is long enough to need quite a few separate text deltas on the wire.";

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail");
}

describe("simulator faults", () => {
  it.each([
    ["overloaded", 529, "overloaded_error"],
    ["rate_limit", 429, "rate_limit_error"],
    ["server_error", 500, "api_error"],
  ])("%s fails the attempt with HTTP %i %s", async (fault, status, type) => {
    const { client } = setup();
    const error = await failure(client.messages.stream(ask([{ fault }, { text: "hi" }])).finalMessage());
    expect(error).toBeInstanceOf(APIError);
    if (!(error instanceof APIError)) return;
    expect(error.status).toBe(status);
    expect(error.type).toBe(type);
    expect(error.requestID).toMatch(/^req_sim_/);
    expect(error.headers?.get("request-id")).toBe(error.requestID);
    // The SDKs retry on x-should-retry: true; 429 and 529 say how long to wait.
    expect(error.headers?.get("x-should-retry")).toBe("true");
    expect(error.headers?.get("retry-after")).toBe(fault === "server_error" ? null : "1");
    expect(error.headers?.get("anthropic-ratelimit-requests-limit")).toMatch(/^\d+$/);
    expect(error.headers?.get("anthropic-ratelimit-tokens-remaining")).toMatch(/^\d+$/);
  });

  it("a 429 reads as requests used up until its retry-after has passed; scripts set retryAfter", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const { client } = setup({ now: () => now });
    const error = await failure(
      client.messages.create(ask([{ fault: "rate_limit", retryAfter: 7 }, { text: "hi" }])),
    );
    if (!(error instanceof APIError)) throw error;
    expect(error.headers?.get("retry-after")).toBe("7");
    expect(error.headers?.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(error.headers?.get("anthropic-ratelimit-requests-reset")).toBe("2026-03-01T10:00:07Z");
    now += 7000;
    const ok = await client.messages
      .create(ask([{ fault: "rate_limit", retryAfter: 7 }, { text: "hi" }]))
      .withResponse();
    expect(ok.data.content).toEqual([{ type: "text", text: "hi", citations: null }]);
    const remaining = Number(ok.response.headers.get("anthropic-ratelimit-requests-remaining"));
    expect(remaining).toBe(Number(ok.response.headers.get("anthropic-ratelimit-requests-limit")) - 1);
  });

  it("answers successes with the anthropic-ratelimit-* headers, counting the minute's requests and tokens", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const { client } = setup({ now: () => now });
    const send = () =>
      client.messages
        .create(ask([{ text: "Twelve chars" }]))
        .withResponse()
        .then((r) => r.response.headers);
    const first = await send();
    now += 10_000;
    const second = await send();
    const n = (h: Headers, name: string) => Number(h.get(`anthropic-ratelimit-${name}`));
    expect(n(second, "requests-remaining")).toBe(n(first, "requests-remaining") - 1);
    expect(n(second, "output-tokens-remaining")).toBe(n(first, "output-tokens-remaining") - 3);
    expect(n(second, "input-tokens-remaining")).toBeLessThan(n(first, "input-tokens-remaining"));
    expect(n(second, "tokens-remaining")).toBeLessThanOrEqual(n(second, "tokens-limit"));
    // The window is a minute from the first request: that is when everything is back.
    expect(second.get("anthropic-ratelimit-requests-reset")).toBe("2026-03-01T10:01:00Z");
    expect(second.get("anthropic-ratelimit-input-tokens-reset")).toBe("2026-03-01T10:01:00Z");
    now += 60_000;
    expect(n(await send(), "requests-remaining")).toBe(n(first, "requests-limit") - 1);
  });

  it("answers a refused request with x-should-retry: false", async () => {
    const { client } = setup();
    const error = await failure(client.messages.create({ ...ask([]), messages: [] }));
    if (!(error instanceof APIError)) throw error;
    expect(error.status).toBe(400);
    expect(error.headers?.get("x-should-retry")).toBe("false");
  });

  it("stream_error sends a few deltas, then an SSE error event the SDK raises", async () => {
    const { client } = setup();
    const stream = client.messages.stream(ask([{ fault: "stream_error" }, { text: long }]));
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const error = await failure(stream.finalMessage());
    expect(error).toBeInstanceOf(APIError);
    if (!(error instanceof APIError)) return;
    expect(error.status).toBeUndefined(); // raised mid-stream, not by an HTTP status
    expect(error.type).toBe("overloaded_error");
    expect(texts.length).toBeGreaterThanOrEqual(1);
    expect(texts.join("")).not.toBe(long);
  });

  it("disconnect ends the body mid-stream without message_stop, and the SDK raises", async () => {
    const { client } = setup();
    const stream = client.messages.stream(ask([{ fault: "disconnect" }, { text: long }]));
    const seen: MessageStreamEvent["type"][] = [];
    stream.on("streamEvent", (e) => seen.push(e.type));
    const error = await failure(stream.finalMessage());
    expect(String(error)).toMatch(/stream ended without producing a Message/);
    expect(seen).toContain("content_block_delta");
    expect(seen).not.toContain("message_stop");
    expect(seen).not.toContain("message_delta");
  });

  it("stall goes silent until the caller aborts, then the SDK reports the abort", async () => {
    const { client } = setup();
    const controller = new AbortController();
    const stream = client.messages.stream(ask([{ fault: "stall" }, { text: long }]), {
      signal: controller.signal,
    });
    let deltas = 0;
    stream.on("text", () => deltas++);
    const settled = stream.finalMessage().then(
      () => "resolved",
      (e: unknown) => e,
    );
    const early = await Promise.race([
      settled,
      new Promise((r) => setTimeout(() => r("still waiting"), 300)),
    ]);
    expect(early).toBe("still waiting");
    expect(deltas).toBeGreaterThanOrEqual(1);
    controller.abort();
    expect(await settled).toBeInstanceOf(APIUserAbortError);
  });

  it("a non-streaming stall never answers; aborting rejects the request", async () => {
    const { client } = setup();
    const controller = new AbortController();
    const pending = client.messages.create(ask([{ fault: "stall" }, { text: "hi" }]), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    expect(await failure(pending)).toBeInstanceOf(APIUserAbortError);
  });

  it("non-streaming faults: stream_error becomes a 529, disconnect a truncated body", async () => {
    const { client } = setup();
    const overloaded = await failure(
      client.messages.create(ask([{ fault: "stream_error" }, { text: "hi" }])),
    );
    expect(overloaded).toMatchObject({ status: 529 });
    const cut = await failure(client.messages.create(ask([{ fault: "disconnect" }, { text: "hi" }])));
    expect(cut).toBeInstanceOf(Error);
  });

  it("times spoils exactly that many attempts, in order, then the response goes through", async () => {
    const { client } = setup();
    const steps = [{ fault: "overloaded", times: 2 }, { fault: "rate_limit" }, { text: "finally" }];
    const statuses: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(((await failure(client.messages.create(ask(steps)))) as APIError).status);
    }
    expect(statuses).toEqual([529, 529, 429]);
    const ok = await client.messages.create(ask(steps));
    expect(ok.content).toEqual([{ type: "text", text: "finally", citations: null }]);
  });

  it("counts attempts per distinct request: a retry continues, another system prompt or tool list starts afresh", async () => {
    const { client } = setup();
    const content = scripted([{ fault: "overloaded" }, { text: "ok" }]);
    const request = (system: string, tools: Tool[] = []) => ({
      ...ask([]),
      system,
      ...(tools.length ? { tools } : {}),
      messages: [{ role: "user" as const, content }],
    });
    // Two clients sending the same scripted message with their own system prompts don't share a
    // counter: each sees its own fault first.
    await expect(client.messages.create(request("Client A"))).rejects.toMatchObject({ status: 529 });
    await expect(client.messages.create(request("Client B"))).rejects.toMatchObject({ status: 529 });
    const tool = { name: "lookup", input_schema: { type: "object" as const } };
    await expect(client.messages.create(request("Client A", [tool]))).rejects.toMatchObject({ status: 529 });
    // Each one's retry goes through; moving a cache breakpoint doesn't make it a different request.
    const retried = await client.messages.create({
      ...request("Client A"),
      messages: [
        { role: "user", content: [{ type: "text", text: content, cache_control: { type: "ephemeral" } }] },
      ],
    });
    expect(retried.content).toEqual([{ type: "text", text: "ok", citations: null }]);
    expect((await client.messages.create(request("Client B"))).content).toEqual([
      { type: "text", text: "ok", citations: null },
    ]);
  });

  it("once answered, the same conversation sent afresh sees its faults again", async () => {
    const { client } = setup();
    const steps = [{ fault: "server_error" }, { text: "ok" }];
    expect(await failure(client.messages.create(ask(steps)))).toMatchObject({ status: 500 });
    expect((await client.messages.create(ask(steps))).stop_reason).toBe("end_turn");
    expect(await failure(client.messages.create(ask(steps)))).toMatchObject({ status: 500 });
  });

  it("the SDK's own retries get through an overloaded attempt", async () => {
    const { client } = setup({}, 1);
    const message = await client.messages
      .stream(ask([{ fault: "overloaded" }, { text: "made it" }]))
      .finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "made it", citations: null }]);
  });
});
