// DESIGN §9 "Server tools", through the real SDK, the simulator and the objects: a scripted
// orchestrator searches, fetches and runs code inside one response; the stream shows each with
// server:true and a readable result; the next call sends the result blocks back unchanged; usage,
// cost, D1 message row and ledger carry the requests; pause_turn is continued within the step cap;
// an undeclared server tool fails the run clearly; a denied tool is not declared; the budget
// reserves the searches before calling; adaptive thinking is sent only when configured.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, describe, expect, it } from "vitest";
import { messages as d1Messages, usageLedger } from "../schema/d1";
import { costUsd, SERVER_TOOL_PRICES } from "../schema/models";
import type { ObjectConfig } from "../worker/db/store";
import { sharedSimulator } from "../worker/llm/client";
import { hashOf } from "../worker/llm/simulator/hash";
import type { SimRequest } from "../worker/llm/simulator/request";
import type { Orchestrator } from "../worker/objects/orchestrator";
import {
  api as call,
  createOrchestrator,
  makeUser,
  eventsOfType as of,
  runsIdle,
  sim,
  type TestUser,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

const api = (user: TestUser, path: string, body: unknown) => call(user, "POST", path, body);

/** Every request the simulator receives whose first message carries `nonce`. */
const seen: SimRequest[] = [];
let stop: (() => void) | null = null;
function observe(nonce: string): SimRequest[] {
  stop?.();
  seen.length = 0;
  stop = sharedSimulator(env).observe((r) => {
    if (JSON.stringify(r.messages[0]).includes(nonce)) seen.push(r);
  });
  return seen;
}
afterEach(() => {
  stop?.();
  stop = null;
});

async function configure(id: string, patch: Partial<ObjectConfig>): Promise<void> {
  await runInDurableObject(orchestrator(id), (o: Orchestrator) => {
    o.store.set("config", { ...o.store.config(), ...patch });
  });
}

/** The declared server tools of a request, by name. */
const serverToolsOf = (r: SimRequest) =>
  (r.tools ?? []).flatMap((t) => (typeof t.type === "string" && t.type !== "custom" ? [t.name] : []));
const withoutCache = <T>(blocks: T[]) =>
  blocks.map((b) => {
    const { cache_control: _, ...rest } = b as Record<string, unknown>;
    return rest;
  });

describe("server tools", () => {
  it("searches, fetches and runs code in one response: streamed, sent back verbatim, billed and ledgered", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { model: "claude-sonnet-5-5" });
    const nonce = `n${crypto.randomUUID().slice(0, 8)}`;
    const requests = observe(nonce);
    const query = `bicycle history ${nonce}`;
    await api(user, `/api/orchestrators/${id}/messages`, {
      text: sim(
        [
          {
            tools: [
              { name: "web_search", input: { query } },
              { name: "web_fetch", input: { url: "https://example.com/bikes" } },
              { name: "code_execution", input: { code: "print(2 + 2)" } },
              { name: "list_files", input: {} },
            ],
            text: "The bicycle dates from 1817.",
          },
          { text: "Done." },
        ],
        `Research ${nonce}.`,
      ),
    });
    const events = await waitFor(orchestrator(id), runsIdle(1));
    expect(of(events, "run.completed")).toHaveLength(1);

    // The request declared the three server tools at their newest versions, after Baton's own.
    const first = requests[0]!;
    expect(first.tools?.slice(-3).map((t) => [t.type, t.name, t.max_uses])).toEqual([
      ["web_search_20260318", "web_search", 5],
      ["web_fetch_20260318", "web_fetch", 5],
      ["code_execution_20260521", "code_execution", undefined],
    ]);
    expect(first.tools?.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(first.thinking).toBeUndefined();

    // Each server tool on the stream with server:true; the client tool without.
    const started = of(events, "tool.started");
    expect(started.map((e) => [e.name, e.server ?? false])).toEqual([
      ["web_search", true],
      ["web_fetch", true],
      ["code_execution", true],
      ["list_files", false],
    ]);
    const called = of(events, "tool.called");
    expect(called.find((e) => e.name === "web_search")).toMatchObject({ input: { query }, server: true });
    const results = new Map(of(events, "tool.result").map((e) => [e.toolUseId, e]));
    const resultOf = (name: string) => results.get(started.find((s) => s.name === name)!.toolUseId)!;
    expect(resultOf("web_search")).toMatchObject({ server: true, isError: false });
    expect(resultOf("web_search").content).toMatch(
      /^3 results:\n1\. Simulated result 1 for "bicycle history .*"\n {3}https:\/\/example\.com\/sim\//,
    );
    expect(resultOf("web_fetch").content).toMatch(
      /^Fetched https:\/\/example\.com\/bikes \(\d+ characters\)\nTitle: Simulated page: https:\/\/example\.com\/bikes\n\nSimulated page/,
    );
    expect(resultOf("code_execution").content).toBe(
      "Return code 0\n[stdout]\nSimulated: code was not run.\n\n[stderr]\n",
    );
    expect(resultOf("list_files").server).toBeUndefined();

    // The next call carries the blocks exactly as they came, encrypted content included.
    const stored = await runInDurableObject(orchestrator(id), (o: Orchestrator) => o.store.conversation());
    const assistant = stored.find((m) => m.role === "assistant")!;
    const sentBack = requests[1]!.messages.find((m) => m.role === "assistant")!;
    expect(withoutCache(sentBack.content as unknown[])).toEqual(withoutCache(assistant.content));
    const search = assistant.content.find((b) => b.type === "web_search_tool_result");
    expect(search?.type === "web_search_tool_result" && search.content).toMatchObject([
      { encrypted_content: `sim_enc_${hashOf(query, "0")}` },
      {},
      {},
    ]);
    expect(assistant.content.map((b) => b.type)).toEqual([
      "server_tool_use",
      "web_search_tool_result",
      "server_tool_use",
      "web_fetch_tool_result",
      "server_tool_use",
      "code_execution_tool_result",
      "text",
      "tool_use",
    ]);

    // Usage: the requests made and the estimated container time, priced by the table.
    const done = of(events, "message.completed")[0]!;
    expect(done.usage).toMatchObject({
      webSearchRequests: 1,
      webFetchRequests: 1,
      codeExecutionSeconds: 300,
    });
    expect(done.costUsd).toBeCloseTo(costUsd("claude-sonnet-5-5", done.usage), 9);
    const tokensOnly = costUsd("claude-sonnet-5-5", {
      inputTokens: done.usage.inputTokens,
      outputTokens: done.usage.outputTokens,
      cacheReadTokens: done.usage.cacheReadTokens,
      cacheWriteTokens: done.usage.cacheWriteTokens,
    });
    const serverUsd =
      SERVER_TOOL_PRICES.webSearchPerRequest + (300 / 3600) * SERVER_TOOL_PRICES.codeExecutionPerHour;
    expect(done.costUsd - tokensOnly).toBeCloseTo(serverUsd, 5);
    // Citations: the search result and the fetched page, numbered in order.
    expect(done.citations).toEqual([
      {
        url: expect.stringMatching(/^https:\/\/example\.com\/sim\/.*\/1$/),
        title: expect.stringMatching(/^Simulated result 1/),
        citedText: expect.stringContaining("Simulated"),
      },
      {
        url: "https://example.com/bikes",
        title: "Simulated page: https://example.com/bikes",
        citedText: expect.stringContaining("Simulated page"),
      },
    ]);
    const totals = (await orchestrator(id).state()).totals;
    expect(totals.webSearchRequests).toBe(1);

    // D1: the message row and its ledger row carry the counts.
    const db = drizzle(env.DB);
    const [row] = await db.select().from(d1Messages).where(eq(d1Messages.id, done.messageId));
    expect(row).toMatchObject({ webSearchRequests: 1, webFetchRequests: 1, codeExecutionSeconds: 300 });
    const [ledger] = await db.select().from(usageLedger).where(eq(usageLedger.id, done.messageId));
    expect(ledger).toMatchObject({
      webSearchRequests: 1,
      webFetchRequests: 1,
      codeExecutionSeconds: 300,
      costUsd: done.costUsd,
    });
  });

  it("continues a pause_turn response by sending its content back, as one more step", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const nonce = `n${crypto.randomUUID().slice(0, 8)}`;
    const requests = observe(nonce);
    const script = sim(
      [{ tools: [{ name: "web_search", input: { query: "tea" } }], pause: true, text: "Tea is old." }],
      `Pause ${nonce}.`,
    );
    await api(user, `/api/orchestrators/${id}/messages`, { text: script });
    const events = await waitFor(orchestrator(id), runsIdle(1));
    expect(of(events, "run.completed")).toHaveLength(1);
    const completed = of(events, "message.completed");
    expect(completed.map((m) => m.stopReason)).toEqual(["pause_turn", "end_turn"]);
    // The continuation was asked with the paused content as the last (assistant) message.
    expect(requests).toHaveLength(2);
    const last = requests[1]!.messages.at(-1)!;
    expect(last.role).toBe("assistant");
    expect((last.content as { type: string }[]).map((b) => b.type)).toEqual([
      "server_tool_use",
      "web_search_tool_result",
    ]);
    // Its text cites what the paused part found.
    expect(completed[1]!.citations?.[0]?.url).toMatch(/^https:\/\/example\.com\/sim\//);
    const text = of(events, "text.delta")
      .map((e) => e.text)
      .join("");
    expect(text).toBe("Tea is old.");

    // The continuation is a step like any other: with a cap of one, the run stops there.
    const capped = await createOrchestrator(user);
    await configure(capped, { maxSteps: 1 });
    await api(user, `/api/orchestrators/${capped}/messages`, { text: script });
    const stopped = await waitFor(orchestrator(capped), runsIdle(1));
    expect(of(stopped, "run.failed")[0]?.error.code).toBe("step_limit");
  });

  it("removes a denied server tool from the request; calling it anyway fails the run with the API's 400", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await configure(id, { toolPolicy: { code_execution: "deny" } });
    const nonce = `n${crypto.randomUUID().slice(0, 8)}`;
    const requests = observe(nonce);
    await api(user, `/api/orchestrators/${id}/messages`, {
      text: sim([{ tools: [{ name: "code_execution", input: { code: "1" } }] }], `Deny ${nonce}.`),
    });
    const events = await waitFor(orchestrator(id), runsIdle(1));
    expect(serverToolsOf(requests[0]!)).toEqual(["web_search", "web_fetch"]);
    const failed = of(events, "run.failed")[0];
    expect(failed?.error.code).toBe("llm_request_rejected");
    expect(failed?.error.message).toMatch(
      /^The model call failed: the API refused the request \(400 invalid_request_error\): tools: the response calls the server tool `code_execution`, but the request does not declare/,
    );
    expect(of(events, "message.started")).toHaveLength(0);
  });

  it("reserves the declared searches before calling: a budget they would exceed refuses the call", async () => {
    const user = await makeUser();
    // Tokens alone fit in $0.03 on Haiku 5.5; five searches ($0.05) don't.
    const budget = { model: "claude-haiku-5-5", budgetUsd: 0.03 };
    const searching = await createOrchestrator(user, budget);
    await api(user, `/api/orchestrators/${searching}/messages`, {
      text: sim([{ tools: [{ name: "web_search", input: { query: "x" } }], text: "ok" }]),
    });
    const refused = await waitFor(orchestrator(searching), runsIdle(1));
    expect(of(refused, "message.started")).toHaveLength(0);
    expect(of(refused, "run.failed")[0]?.error.code).toBe("budget_exceeded");

    // The same budget without web search declared is enough.
    const plain = await createOrchestrator(user, budget);
    await configure(plain, { toolPolicy: { web_search: "deny" } });
    await api(user, `/api/orchestrators/${plain}/messages`, { text: sim([{ text: "ok" }]) });
    const fine = await waitFor(orchestrator(plain), runsIdle(1));
    expect(of(fine, "run.completed")).toHaveLength(1);
  });

  it("asks for adaptive thinking (and its effort) only when the object is configured for it", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const nonce = `n${crypto.randomUUID().slice(0, 8)}`;
    const requests = observe(nonce);
    const text = sim([{ thinking: "Let me weigh it.", text: "Answer." }], `Think ${nonce}.`);
    await api(user, `/api/orchestrators/${id}/messages`, { text });
    let events = await waitFor(orchestrator(id), runsIdle(1));
    expect(requests[0]!.thinking).toBeUndefined();
    expect(of(events, "thinking.delta")).toHaveLength(0);

    await configure(id, { thinking: { type: "adaptive", effort: "low" } });
    await api(user, `/api/orchestrators/${id}/messages`, { text });
    events = await waitFor(orchestrator(id), runsIdle(2));
    expect(requests[1]!.thinking).toEqual({ type: "adaptive" });
    expect(requests[1]!.output_config).toEqual({ effort: "low" });
    expect(
      of(events, "thinking.delta")
        .map((e) => e.text)
        .join(""),
    ).toBe("Let me weigh it.");
  });
});
