// DESIGN §9 tool policy and approvals: an `ask` tool pauses the run with a durable approval that
// survives eviction; approve runs the call exactly once, deny (with a note) answers the model,
// timeout and interrupt resolve it; a second decision is 409 and another user's is 404; `deny`
// takes the tool away from the model; `ask` on a server tool is a 400 naming the field.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { fileOps, files } from "../schema/d1";
import type { ApprovalInfo } from "../schema/events";
import type { Agent } from "../worker/objects/agent";
import type { Orchestrator } from "../worker/objects/orchestrator";
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
  type TestUser,
  waitFor,
} from "./helpers";
import { WsClient } from "./ws-client";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);

/** An agent asked to write notes/x.md, then report with whatever it learned. */
const writeTask = sim([
  { tools: [{ name: "write_file", input: { path: "notes/x.md", content: "hello" } }] },
  { tools: [{ name: "report", input: { result: "tried to write notes/x.md" } }] },
  { text: "Done." },
]);

async function teamWithAsk(user: TestUser) {
  const id = await createOrchestrator(user, { toolPolicy: { write_file: "ask" } });
  await api(user, "POST", `/api/orchestrators/${id}/messages`, {
    text: sim([
      { tools: [{ name: "create_agent", input: { name: "scribe", instructions: "You write." } }] },
      { tools: [{ name: "command_agent", input: { name: "scribe", task: writeTask } }] },
      { tools: [{ name: "wait_for_agents", input: { names: ["scribe"] } }] },
      { text: "The scribe is done." },
    ]),
  });
  const requested = await waitFor(orchestrator(id), (ev) => of(ev, "approval.requested").length > 0);
  const req = of(requested, "approval.requested")[0]!;
  return { id, req, agentId: req.agentId! };
}

async function fileRows(id: string) {
  const db = drizzle(env.DB);
  const rows = await db
    .select()
    .from(files)
    .where(and(eq(files.orchestratorId, id), eq(files.path, "notes/x.md")));
  const ops = await db.$count(fileOps, eq(fileOps.orchestratorId, id));
  return { rows, ops };
}

describe("approvals", () => {
  it("pauses an agent's ask tool, survives eviction, and approve writes the file exactly once", async () => {
    const user = await makeUser();
    const { id, req, agentId } = await teamWithAsk(user);
    expect(req).toMatchObject({ name: "write_file", input: { path: "notes/x.md", content: "hello" } });
    // On the agent's own stream too, and the agent shows as waiting.
    const own = await waitFor(agentLog(agentId), (ev) => of(ev, "approval.requested").length > 0);
    expect(of(own, "approval.requested")[0]!.approvalId).toBe(req.approvalId);
    const agents = await api<{ agents: { status: string }[] }>(
      user,
      "GET",
      `/api/orchestrators/${id}/agents`,
    );
    expect(agents.body.agents[0]!.status).toBe("waiting");
    const list = await api<{ approvals: ApprovalInfo[] }>(user, "GET", `/api/orchestrators/${id}/approvals`);
    expect(list.body.approvals.map((a) => a.approvalId)).toEqual([req.approvalId]);
    expect((await orchestrator(id).state()).pendingApprovals).toBe(1);
    expect((await fileRows(id)).rows).toEqual([]);

    // Every object restarts while the approval waits; nothing is lost and nothing runs.
    await abortAllDurableObjects();
    const again = await api<{ approvals: ApprovalInfo[] }>(user, "GET", `/api/orchestrators/${id}/approvals`);
    expect(again.body.approvals).toHaveLength(1);

    const ok = await api<ApprovalInfo>(user, "POST", `/api/orchestrators/${id}/approvals/${req.approvalId}`, {
      decision: "approve",
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "approved", by: "user" });
    const events = await waitFor(orchestrator(id), runsIdle(1), 30_000);
    expect(events.at(-1)?.type).toBe("run.completed");
    expect(of(events, "approval.resolved")).toMatchObject([
      { approvalId: req.approvalId, decision: "approve" },
    ]);
    const { rows, ops } = await fileRows(id);
    expect(rows.map((r) => [r.content, r.version])).toEqual([["hello", 1]]);
    expect(ops).toBe(1);
    // A second decision changes nothing.
    const twice = await api<{ error: { code: string } }>(
      user,
      "POST",
      `/api/orchestrators/${id}/approvals/${req.approvalId}`,
      { decision: "deny" },
    );
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("already_decided");
  });

  it("deny with a note: the model sees the denial and the note, and finishes", async () => {
    const user = await makeUser();
    const { id, req, agentId } = await teamWithAsk(user);
    const r = await api(user, "POST", `/api/orchestrators/${id}/approvals/${req.approvalId}`, {
      decision: "deny",
      note: "Write to drafts/ instead.",
    });
    expect(r.status).toBe(200);
    await waitFor(orchestrator(id), runsIdle(1), 30_000);
    const own = await allEvents(agentLog(agentId));
    const result = of(own, "tool.result").find((e) => e.toolUseId === req.toolUseId)!;
    expect(result.isError).toBe(true);
    expect(result.content).toMatch(/the user denied it.*Write to drafts\/ instead\./);
    expect(of(own, "run.completed")).toHaveLength(1);
    expect((await fileRows(id)).rows).toEqual([]);
  });

  it("another user's decision is 404, and an unknown id is 404", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const { id, req } = await teamWithAsk(owner);
    const foreign = await api(other, "POST", `/api/orchestrators/${id}/approvals/${req.approvalId}`, {
      decision: "approve",
    });
    expect(foreign.status).toBe(404);
    expect((await api(other, "GET", `/api/orchestrators/${id}/approvals`)).status).toBe(404);
    const unknown = await api(owner, "POST", `/api/orchestrators/${id}/approvals/apr_nope`, {
      decision: "approve",
    });
    expect(unknown.status).toBe(404);
    const bad = await api<{ error: { message: string } }>(
      owner,
      "POST",
      `/api/orchestrators/${id}/approvals/${req.approvalId}`,
      { decision: "maybe" },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/decision: must be "approve" or "deny"/);
  });

  it("an unanswered approval is denied by timeout", async () => {
    const user = await makeUser();
    const { id, req, agentId } = await teamWithAsk(user);
    await runInDurableObject(agentStub(agentId), (a: Agent) => {
      const all = a.store.get("approvals")!;
      a.store.set("approvals", {
        ...all,
        [req.approvalId]: { ...all[req.approvalId]!, expiresAt: Date.now() - 1 },
      });
    });
    await runDurableObjectAlarm(agentStub(agentId));
    const events = await waitFor(orchestrator(id), runsIdle(1), 30_000);
    expect(of(events, "approval.resolved")[0]).toMatchObject({ decision: "deny", by: "timeout" });
    const own = await allEvents(agentLog(agentId));
    expect(of(own, "tool.result").find((e) => e.toolUseId === req.toolUseId)?.content).toMatch(/in time/);
  });

  it("Stop all denies pending approvals by interrupt, and the agent ends interrupted", async () => {
    const user = await makeUser();
    const { id, req, agentId } = await teamWithAsk(user);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`, { agents: true });
    const events = await waitFor(orchestrator(id), (ev) => of(ev, "approval.resolved").length > 0);
    expect(of(events, "approval.resolved")[0]).toMatchObject({ approvalId: req.approvalId, by: "interrupt" });
    await waitFor(agentLog(agentId), runsIdle(1));
    const list = await api<{ approvals: ApprovalInfo[] }>(user, "GET", `/api/orchestrators/${id}/approvals`);
    expect(list.body.approvals).toEqual([]);
    expect((await fileRows(id)).rows).toEqual([]);
  });

  it("an orchestrator's own ask tool is decided over its WebSocket", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { toolPolicy: { create_agent: "ask" } });
    const ws = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        { tools: [{ name: "create_agent", input: { name: "helper", instructions: "Help." } }] },
        { text: "Created." },
      ]),
    });
    const requested = await waitFor(orchestrator(id), (ev) => of(ev, "approval.requested").length > 0);
    const req = of(requested, "approval.requested")[0]!;
    expect(req.agentId).toBeUndefined();
    expect((await orchestrator(id).state()).status).toBe("waiting");
    ws.send({ type: "approve", approvalId: req.approvalId, decision: "approve" });
    await ws.until((c) => c.frames.some((f) => f.type === "approval"));
    ws.send({ type: "approve", approvalId: req.approvalId, decision: "deny" });
    await ws.until((c) => c.frames.some((f) => f.type === "error" && f.code === "already_decided"));
    const events = await waitFor(orchestrator(id), runsIdle(1));
    expect(events.at(-1)?.type).toBe("run.completed");
    expect(await orchestrator(id).agents()).toHaveLength(1);
    ws.close();
  });
});

describe("tool policy", () => {
  it("deny takes the tool away from the model, for the orchestrator and its agents", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const patch = await api<{ toolPolicy: Record<string, string> }>(
      user,
      "PATCH",
      `/api/orchestrators/${id}`,
      {
        toolPolicy: { delete_agent: "deny", delete_file: "deny", web_search: "deny" },
      },
    );
    expect(patch.status).toBe(200);
    expect(patch.body.toolPolicy).toEqual({ delete_agent: "deny", delete_file: "deny", web_search: "deny" });
    const names = await runInDurableObject(orchestrator(id), (o: Orchestrator) =>
      internals(o)
        .tools()
        .map((t) => t.name),
    );
    expect(names).not.toContain("delete_agent");
    expect(names).toContain("create_agent");
    // An agent created now follows the policy; create_agent can't hand out a denied tool.
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        {
          tools: [
            { name: "create_agent", input: { name: "a", instructions: "x" } },
            {
              name: "create_agent",
              input: { name: "b", instructions: "x", tools: ["read_file", "delete_file"] },
            },
          ],
        },
        { text: "ok" },
      ]),
    });
    const events = await waitFor(orchestrator(id), runsIdle(1));
    expect(of(events, "tool.result").find((r) => r.isError)?.content).toMatch(/denies delete_file/);
    const [a] = await orchestrator(id).agents();
    const agentTools = await runInDurableObject(agentStub(a!.id), (o: Agent) =>
      internals(o)
        .tools()
        .map((t) => t.name),
    );
    expect(agentTools).toContain("write_file");
    expect(agentTools).not.toContain("delete_file");
  });

  it("refuses ask on a server tool, and unknown tools, with a 400 naming the field", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const r = await api<{ error: { message: string; details: { issues: { field: string }[] } } }>(
      user,
      "PATCH",
      `/api/orchestrators/${id}`,
      { toolPolicy: { web_search: "ask", frobnicate: "allow", mcp__github__create_issue: "ask" } },
    );
    expect(r.status).toBe(400);
    expect(r.body.error.details.issues.map((i) => i.field).sort()).toEqual([
      "toolPolicy.frobnicate",
      "toolPolicy.web_search",
    ]);
    expect(r.body.error.message).toMatch(/web_search is a server tool/);
  });

  it("lists every grantable tool with its kind and default", async () => {
    const user = await makeUser();
    const r = await api<{
      tools: { name: string; kind: string; defaultPolicy: string; policies: string[] }[];
    }>(user, "GET", "/api/tools");
    expect(r.status).toBe(200);
    const byName = new Map(r.body.tools.map((t) => [t.name, t]));
    expect(byName.get("write_file")).toMatchObject({ kind: "workspace", defaultPolicy: "allow" });
    expect(byName.get("create_agent")).toMatchObject({ kind: "orchestrator" });
    expect(byName.get("web_search")).toMatchObject({ kind: "server", policies: ["allow", "deny"] });
    expect(byName.has("report")).toBe(false);
  });
});
