// DESIGN §10 connectors in runs, against a real MCP server (test/mcp-fixture/, started by vitest's
// globalSetup and reached over HTTP): an enabled connector's tools reach the orchestrator and its
// agents as mcp__<connector>__<tool> with the server's JSON Schema, under the tool policy (ask by
// default). Approved, a call runs exactly once by the server's own count and its result streams; a
// crash while a call is in flight doesn't send it again (the result says the outcome is unknown); a
// down server and a slow one give clear tool errors within the time limit, and the run goes on.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConnectorInfo } from "../schema/connectors";
import type { StreamEvent } from "../schema/events";
import type { Agent } from "../worker/objects/agent";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { addConnector, fixtureCount, sleep, uniqueKey } from "./connector-helpers";
import {
  agentLog,
  allEvents,
  api,
  createOrchestrator,
  internals,
  makeUser,
  eventsOfType as of,
  runsIdle,
  sim,
  soloAgentScript,
  type TestUser,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);

/** The test pace: MCP_CALL_TIMEOUT_MS in vitest.config.ts. */
const CALL_LIMIT_MS = 3000;

/** An orchestrator with the fixture connector enabled (and `policy`), ready for scripts. */
async function withConnector(user: TestUser, policy: Record<string, string> = {}) {
  const connector = await addConnector(user, "fixture");
  expect(connector.status).toBe("ok");
  const id = await createOrchestrator(user, { toolPolicy: policy });
  const patch = await api<{ connectors: string[] }>(user, "PATCH", `/api/orchestrators/${id}`, {
    connectors: [connector.id],
  });
  expect(patch.status).toBe(200);
  expect(patch.body.connectors).toEqual([connector.id]);
  return { id, connector };
}

async function run(user: TestUser, id: string, steps: unknown[], runs = 1) {
  await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim(steps) });
  return waitFor(orchestrator(id), runsIdle(runs), 30_000);
}

const resultOf = (events: StreamEvent[], name: string) => {
  const called = of(events, "tool.called").find((e) => e.name === name);
  return of(events, "tool.result").find((e) => e.toolUseId === called?.toolUseId);
};

describe("connector tools in runs", () => {
  it("an agent's call asks first; approved, it runs exactly once and its result streams", async () => {
    const user = await makeUser();
    const { id } = await withConnector(user);
    const key = uniqueKey();
    const task = sim([
      { tools: [{ name: "mcp__fixture__record", input: { key, note: "hello" } }] },
      { tools: [{ name: "report", input: { result: "recorded" } }] },
      { text: "Done." },
    ]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: soloAgentScript("clerk", "You record notes.", task, "The clerk recorded it."),
    });
    const asked = await waitFor(orchestrator(id), (ev) => of(ev, "approval.requested").length > 0);
    const req = of(asked, "approval.requested")[0]!;
    expect(req).toMatchObject({ name: "mcp__fixture__record", input: { key, note: "hello" } });
    const agentId = req.agentId!;
    // The agent was offered the server's tools under their MCP names, with the server's JSON Schema.
    const offered = await runInDurableObject(agentStub(agentId), (a: Agent) =>
      internals(a)
        .tools()
        .filter((t) => t.name.startsWith("mcp__"))
        .map((t) => ({ name: t.name, inputSchema: t.inputSchema })),
    );
    expect(offered.map((t) => t.name).sort()).toEqual([
      "mcp__fixture__broken",
      "mcp__fixture__fail",
      "mcp__fixture__picture",
      "mcp__fixture__record",
      "mcp__fixture__slow",
    ]);
    expect(offered.find((t) => t.name === "mcp__fixture__record")?.inputSchema).toMatchObject({
      type: "object",
      properties: { key: { type: "string" }, note: { type: "string" } },
      required: ["key"],
    });
    expect(await fixtureCount(key)).toBe(0);

    const ok = await api(user, "POST", `/api/orchestrators/${id}/approvals/${req.approvalId}`, {
      decision: "approve",
    });
    expect(ok.status).toBe(200);
    await waitFor(orchestrator(id), runsIdle(1), 30_000);
    expect(await fixtureCount(key)).toBe(1);
    const own = await allEvents(agentLog(agentId));
    expect(resultOf(own, "mcp__fixture__record")).toMatchObject({
      isError: false,
      content: `Recorded hello for ${key} (call 1).`,
    });
    // Restarting everything replays nothing.
    await abortAllDurableObjects();
    await waitFor(orchestrator(id), runsIdle(1));
    await sleep(300);
    expect(await fixtureCount(key)).toBe(1);
  });

  it("a crash while the call is in flight doesn't send it again: the outcome is unknown", async () => {
    const user = await makeUser();
    const { id } = await withConnector(user, { mcp__fixture__slow: "allow" });
    const key = uniqueKey();
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        { tools: [{ name: "mcp__fixture__slow", input: { key, ms: 1500 } }] },
        { text: "Carrying on." },
      ]),
    });
    // The server has the call (it counts on arrival): the object dies before the answer.
    const deadline = Date.now() + 10_000;
    while ((await fixtureCount(key)) === 0) {
      if (Date.now() > deadline) throw new Error("the slow call never reached the server");
      await sleep(10);
    }
    await abortAllDurableObjects();
    const events = await waitFor(orchestrator(id), runsIdle(1), 30_000);
    const result = resultOf(events, "mcp__fixture__slow")!;
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(
      /restarted while mcp__fixture__slow was in flight.*unknown.*not sent again/,
    );
    expect(events.at(-1)?.type).toBe("run.completed");
    // Long after the slow call would have finished, the server still saw it once.
    await sleep(2000);
    expect(await fixtureCount(key)).toBe(1);
    const sent = await runInDurableObject(orchestrator(id), (o: Orchestrator) => o.store.get("sentCalls"));
    expect(sent ?? {}).toEqual({});
  });

  it("a slow server: a time-limit error, the outcome unknown, and the run goes on", async () => {
    const user = await makeUser();
    const { id } = await withConnector(user, { "mcp__fixture__*": "allow" });
    const key = uniqueKey();
    const started = Date.now();
    const events = await run(user, id, [
      { tools: [{ name: "mcp__fixture__slow", input: { key, ms: 20_000 } }] },
      { text: "It was too slow." },
    ]);
    const result = resultOf(events, "mcp__fixture__slow")!;
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/did not answer within 3 s, so whether it took effect is unknown/);
    expect(result.ms).toBeGreaterThanOrEqual(CALL_LIMIT_MS - 100);
    expect(Date.now() - started).toBeLessThan(CALL_LIMIT_MS + 8000);
    expect(events.at(-1)?.type).toBe("run.completed");
    expect(await fixtureCount(key)).toBe(1);
  });

  it("a server that is down: a clear tool error at once, and nothing stuck", async () => {
    const user = await makeUser();
    const { id, connector } = await withConnector(user, { "mcp__fixture__*": "allow" });
    // The server goes away (nothing listens on the discard port).
    await env.DB.prepare("UPDATE connectors SET url = 'http://127.0.0.1:9/mcp' WHERE id = ?")
      .bind(connector.id)
      .run();
    const started = Date.now();
    const events = await run(user, id, [
      { tools: [{ name: "mcp__fixture__record", input: { key: uniqueKey() } }] },
      { text: "The server is down." },
    ]);
    const result = resultOf(events, "mcp__fixture__record")!;
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/^Not run: could not connect to fixture: /);
    expect(Date.now() - started).toBeLessThan(CALL_LIMIT_MS + 8000);
    expect(events.at(-1)?.type).toBe("run.completed");
  });

  it("results: text; images and resources summarised with type and size; error results and errors", async () => {
    const user = await makeUser();
    const { id } = await withConnector(user, { "mcp__fixture__*": "allow" });
    const events = await run(user, id, [
      {
        tools: [
          { name: "mcp__fixture__picture", input: {} },
          { name: "mcp__fixture__fail", input: {} },
          { name: "mcp__fixture__broken", input: {} },
        ],
      },
      { text: "Seen." },
    ]);
    expect(resultOf(events, "mcp__fixture__picture")).toMatchObject({
      isError: false,
      content: [
        "Here is the picture.",
        "[image: image/png, 1.5 KB]",
        "[resource file:///notes/readme.md (text/markdown)]\n# Notes\nHello.",
        "[resource file:///data.bin: application/octet-stream, 1.5 KB]",
        "[resource link: https://example.com/report.pdf (report.pdf)]",
      ].join("\n\n"),
    });
    expect(resultOf(events, "mcp__fixture__fail")).toMatchObject({
      isError: true,
      content: "The fixture failed on purpose.",
    });
    const broken = resultOf(events, "mcp__fixture__broken")!;
    expect(broken.isError).toBe(true);
    expect(broken.content).toMatch(/The fixture broke on purpose/);
  });

  it("policy: deny hides a tool, a wildcard allows all; renaming a connector renames its tools", async () => {
    const user = await makeUser();
    const { id, connector } = await withConnector(user, {
      "mcp__fixture__*": "allow",
      mcp__fixture__slow: "deny",
    });
    const names = async () =>
      runInDurableObject(orchestrator(id), (o: Orchestrator) =>
        internals(o)
          .tools()
          .map((t) => t.name)
          .filter((n) => n.startsWith("mcp__"))
          .sort(),
      );
    expect(await names()).toEqual([
      "mcp__fixture__broken",
      "mcp__fixture__fail",
      "mcp__fixture__picture",
      "mcp__fixture__record",
    ]);
    const key = uniqueKey();
    const events = await run(user, id, [
      { tools: [{ name: "mcp__fixture__record", input: { key } }] },
      { text: "Recorded without asking." },
    ]);
    expect(of(events, "approval.requested")).toEqual([]);
    expect(await fixtureCount(key)).toBe(1);

    const renamed = await api<ConnectorInfo>(user, "PATCH", `/api/connectors/${connector.id}`, {
      name: "notes",
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.tools.map((t) => t.name)).toContain("mcp__notes__record");
    expect(await names()).toEqual([
      "mcp__notes__broken",
      "mcp__notes__fail",
      "mcp__notes__picture",
      "mcp__notes__record",
      "mcp__notes__slow",
    ]);
    // Disabled on the orchestrator: gone.
    await api(user, "PATCH", `/api/orchestrators/${id}`, { connectors: [] });
    expect(await names()).toEqual([]);
  });

  it("an agent narrowed by create_agent {tools} gets only the connector tools it names", async () => {
    const user = await makeUser();
    const { id } = await withConnector(user);
    await run(user, id, [
      {
        tools: [
          { name: "create_agent", input: { name: "plain", instructions: "x", tools: ["read_file"] } },
          {
            name: "create_agent",
            input: { name: "picky", instructions: "x", tools: ["read_file", "mcp__fixture__record"] },
          },
          { name: "create_agent", input: { name: "wild", instructions: "x", tools: ["mcp__fixture__*"] } },
        ],
      },
      { text: "Created." },
    ]);
    const agents = await orchestrator(id).agents();
    const mcpOf = async (name: string) =>
      runInDurableObject(agentStub(agents.find((a) => a.name === name)!.id), (a: Agent) =>
        internals(a)
          .tools()
          .map((t) => t.name)
          .filter((n) => n.startsWith("mcp__")),
      );
    expect(await mcpOf("plain")).toEqual([]);
    expect(await mcpOf("picky")).toEqual(["mcp__fixture__record"]);
    expect((await mcpOf("wild")).length).toBe(5);
  });

  it("an approval decided while a slower call of the same step runs doesn't leave the run waiting", async () => {
    const user = await makeUser();
    const { id } = await withConnector(user, { mcp__fixture__slow: "allow", mcp__fixture__record: "ask" });
    const key = uniqueKey();
    const asks = uniqueKey();
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        {
          tools: [
            { name: "mcp__fixture__slow", input: { key, ms: 1500 } },
            { name: "mcp__fixture__record", input: { key: asks } },
          ],
        },
        { text: "Both done." },
      ]),
    });
    // Approved at once, while the slow call still runs (the run is active, not waiting yet).
    const asked = await waitFor(orchestrator(id), (ev) => of(ev, "approval.requested").length > 0);
    const req = of(asked, "approval.requested")[0]!;
    const decided = await api(user, "POST", `/api/orchestrators/${id}/approvals/${req.approvalId}`, {
      decision: "approve",
    });
    expect(decided.status).toBe(200);
    const events = await waitFor(orchestrator(id), runsIdle(1), 15_000);
    expect(events.at(-1)?.type).toBe("run.completed");
    expect(resultOf(events, "mcp__fixture__record")?.isError).toBe(false);
    expect(resultOf(events, "mcp__fixture__slow")?.isError).toBe(false);
    expect(await fixtureCount(key)).toBe(1);
    expect(await fixtureCount(asks)).toBe(1);
  });
});
