// DESIGN §10 "Baton as an MCP server": the official MCP SDK client, over Streamable HTTP to the real
// Worker, lists Baton's tools, creates an orchestrator, sends a message with wait and gets the final
// text and cost (with progress notifications while it waits); another user's token sees none of it;
// a browser cookie alone can't drive it.
import { SELF } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { BASE, makeUser, sim, type TestUser } from "./helpers";

async function connect(user: TestUser): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), {
    fetch: (url, init) => SELF.fetch(url as string, init as RequestInit) as unknown as Promise<Response>,
    requestInit: { headers: { Authorization: `Bearer ${user.token}` } },
  });
  const client = new Client({ name: "baton-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

type Structured = Record<string, unknown>;
const structured = (r: unknown) => (r as { structuredContent: Structured }).structuredContent;
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]!.text;

describe("Baton as an MCP server", () => {
  it("lists its tools, creates an orchestrator and runs a message to its answer, with progress", async () => {
    const user = await makeUser();
    const client = await connect(user);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "create_orchestrator",
      "decide_approval",
      "get_run",
      "interrupt",
      "list_agents",
      "list_approvals",
      "list_files",
      "list_orchestrators",
      "read_file",
      "send_message",
    ]);
    const created = await client.callTool({ name: "create_orchestrator", arguments: { name: "From MCP" } });
    const orchestratorId = structured(created).id as string;
    expect(orchestratorId).toMatch(/^orc_/);

    const progress: number[] = [];
    const sent = await client.callTool(
      {
        name: "send_message",
        arguments: {
          orchestratorId,
          // One stall (~1.5 s at the test pace) so the wait reports progress before the answer.
          text: sim([
            { fault: "stall", times: 1 },
            { tools: [{ name: "list_files", input: {} }] },
            { text: "The workspace is empty; nothing to do." },
          ]),
        },
      },
      undefined,
      { onprogress: (p) => progress.push(p.progress), timeout: 30_000 },
    );
    const run = structured(sent);
    expect(run).toMatchObject({
      done: true,
      status: "completed",
      text: "The workspace is empty; nothing to do.",
    });
    expect(run.costUsd).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);

    const again = await client.callTool({
      name: "get_run",
      arguments: { orchestratorId, runId: run.runId as string },
    });
    expect(structured(again)).toMatchObject({ runId: run.runId, status: "completed" });
    const list = await client.callTool({ name: "list_orchestrators", arguments: {} });
    expect((structured(list).orchestrators as { id: string }[]).map((o) => o.id)).toEqual([orchestratorId]);
    await client.close();
  });

  it("without wait, answers at once with the run id", async () => {
    const user = await makeUser();
    const client = await connect(user);
    const created = await client.callTool({ name: "create_orchestrator", arguments: { name: "No wait" } });
    const orchestratorId = structured(created).id as string;
    const sent = await client.callTool({
      name: "send_message",
      arguments: { orchestratorId, text: sim([{ text: "hi" }]), wait: false },
    });
    expect(structured(sent)).toMatchObject({ queued: false });
    expect(structured(sent).runId).toMatch(/^run_/);
    await client.close();
  });

  it("a retried send_message with the same clientId sends nothing new and follows the first run", async () => {
    const user = await makeUser();
    const client = await connect(user);
    const created = await client.callTool({ name: "create_orchestrator", arguments: { name: "Retries" } });
    const orchestratorId = structured(created).id as string;
    const args = { orchestratorId, text: sim([{ text: "once" }]), clientId: "mcp-retry-1" };
    const first = structured(await client.callTool({ name: "send_message", arguments: args }));
    expect(first).toMatchObject({ status: "completed", text: "once" });
    const again = structured(
      await client.callTool({ name: "send_message", arguments: { ...args, wait: false } }),
    );
    expect(again.runId).toBe(first.runId);
    const waited = structured(await client.callTool({ name: "send_message", arguments: args }));
    expect(waited).toMatchObject({ runId: first.runId, status: "completed", text: "once" });
    const events = await SELF.fetch(`${BASE}/api/orchestrators/${orchestratorId}/events?after=0`, {
      headers: { Authorization: `Bearer ${user.token}` },
    }).then((r) => r.json() as Promise<{ events: { type: string }[] }>);
    expect(events.events.filter((e) => e.type === "message.user")).toHaveLength(1);
    await client.close();
  });

  it("another user's token sees none of it", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const mine = await connect(owner);
    const created = await mine.callTool({ name: "create_orchestrator", arguments: { name: "Private" } });
    const orchestratorId = structured(created).id as string;
    const theirs = await connect(other);
    const list = await theirs.callTool({ name: "list_orchestrators", arguments: {} });
    expect(structured(list).orchestrators).toEqual([]);
    for (const [name, args] of [
      ["list_agents", { orchestratorId }],
      ["list_files", { orchestratorId }],
      ["send_message", { orchestratorId, text: "hello", wait: false }],
      ["interrupt", { orchestratorId }],
      ["list_approvals", { orchestratorId }],
    ] as const) {
      const r = await theirs.callTool({ name, arguments: args });
      expect(r.isError, name).toBe(true);
      expect(text(r), name).toMatch(/not_found/);
    }
    await mine.close();
    await theirs.close();
  });

  it("refuses a request without an API token", async () => {
    const res = await SELF.fetch(`${BASE}/mcp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Bearer bat_/);
  });
});
