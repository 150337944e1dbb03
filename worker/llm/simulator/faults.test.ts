// Scripted faults as the SDK experiences them: HTTP errors with the right status and headers,
// streams that fail, end early or stall, and `times` counting per response slot.
import { APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { MessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
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
    expect(error.headers?.get("retry-after")).toBe(fault === "rate_limit" ? "1" : null);
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

  it("counts attempts by conversation, even if the system prompt and breakpoints change between retries", async () => {
    const { client } = setup();
    const content = scripted([{ fault: "overloaded" }, { text: "ok" }]);
    await expect(
      client.messages.create({
        ...ask([]),
        system: "Agents: writer (executing)",
        messages: [{ role: "user", content }],
      }),
    ).rejects.toMatchObject({ status: 529 });
    const retried = await client.messages.create({
      ...ask([]),
      system: "Agents: writer (complete)",
      messages: [
        { role: "user", content: [{ type: "text", text: content, cache_control: { type: "ephemeral" } }] },
      ],
    });
    expect(retried.content).toEqual([{ type: "text", text: "ok", citations: null }]);
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
