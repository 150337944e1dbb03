// Agent templates (GET/POST/PATCH/DELETE /api/templates), create_agent {template}, the orchestrator
// being told which templates exist, and the user's own "New agent" (POST …/agents) — against the
// real Worker, D1 and objects, with simulator scripts.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentTemplate } from "../schema/api";
import type { AgentSummary, StreamEvent } from "../schema/events";
import { DEFAULT_AGENT_MODEL } from "../schema/models";
import { TEAM_LIMITS, TEMPLATE_LIMITS } from "../worker/limits";
import type { Orchestrator } from "../worker/objects/orchestrator";
import {
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

type ErrorBody = { error: { code: string; message: string; details?: { issues: { field: string }[] } } };

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

const WRITER = {
  name: "writer",
  description: "Turns research notes into a short article",
  instructions: "You are a writer. Write short, clear articles from the notes you are given.",
  model: "claude-sonnet-5-5",
  tools: ["read_file", "write_file"],
};

async function saveTemplate(user: TestUser, body: Record<string, unknown> = WRITER): Promise<AgentTemplate> {
  const r = await api<AgentTemplate>(user, "POST", "/api/templates", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function agentsOf(user: TestUser, id: string): Promise<AgentSummary[]> {
  const r = await api<{ agents: AgentSummary[] }>(user, "GET", `/api/orchestrators/${id}/agents`);
  expect(r.status).toBe(200);
  return r.body.agents;
}

/** Sends a script and waits for the run it starts (the n-th of the orchestrator) to end. */
async function run(user: TestUser, id: string, steps: unknown[], n = 1): Promise<StreamEvent[]> {
  const sent = await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim(steps) });
  expect(sent.status).toBe(202);
  return waitFor(orchestrator(id), runsIdle(n));
}

/** Tool results in the order of the calls (parallel calls finish in any order). */
function inCallOrder(events: StreamEvent[]) {
  const byId = new Map(of(events, "tool.result").map((r) => [r.toolUseId, r]));
  return of(events, "tool.called").map((c) => byId.get(c.toolUseId)!);
}

const systemOf = (id: string) =>
  runInDurableObject(orchestrator(id), (o: Orchestrator) => internals(o).system());

describe("templates API", () => {
  it("creates, lists, reads, changes and deletes a template", async () => {
    const user = await makeUser();
    const made = await saveTemplate(user);
    expect(made).toMatchObject({ ...WRITER, id: expect.stringMatching(/^tpl_/) });
    expect(made.createdAt).toBe(made.updatedAt);
    await saveTemplate(user, { name: "analyst", instructions: "Analyse." });

    const list = await api<{ templates: AgentTemplate[] }>(user, "GET", "/api/templates");
    expect(list.body.templates.map((t) => t.name)).toEqual(["analyst", "writer"]);
    const analyst = list.body.templates[0]!;
    expect(analyst).toMatchObject({ description: null, model: null, tools: null });
    expect((await api(user, "GET", `/api/templates/${made.id}`)).body).toEqual(made);

    const changed = await api<AgentTemplate>(user, "PATCH", `/api/templates/${made.id}`, {
      name: "author",
      description: null,
      tools: ["read_file", "write_file", "web_search"],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: "author",
      description: null,
      instructions: WRITER.instructions,
      model: WRITER.model,
      tools: ["read_file", "write_file", "web_search"],
    });
    const cleared = await api<AgentTemplate>(user, "PATCH", `/api/templates/${made.id}`, {
      model: null,
      tools: null,
    });
    expect(cleared.body).toMatchObject({ model: null, tools: null, name: "author" });

    expect((await api(user, "DELETE", `/api/templates/${made.id}`)).status).toBe(204);
    expect((await api<ErrorBody>(user, "GET", `/api/templates/${made.id}`)).body.error.code).toBe(
      "not_found",
    );
    expect((await api(user, "DELETE", `/api/templates/${made.id}`)).status).toBe(404);
    expect((await api(user, "PATCH", `/api/templates/${made.id}`, { name: "x" })).status).toBe(404);
  });

  it("names are unique per user: 409 template_exists on create and on rename; another user may reuse one", async () => {
    const user = await makeUser();
    await saveTemplate(user);
    const other = await saveTemplate(user, { name: "editor", instructions: "Edit." });
    const dup = await api<ErrorBody>(user, "POST", "/api/templates", { name: "writer", instructions: "x" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("template_exists");
    const rename = await api<ErrorBody>(user, "PATCH", `/api/templates/${other.id}`, { name: "writer" });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe("template_exists");

    const stranger = await makeUser();
    await saveTemplate(stranger);
    expect((await api(stranger, "GET", `/api/templates/${other.id}`)).status).toBe(404);
    expect((await api(stranger, "PATCH", `/api/templates/${other.id}`, { name: "mine" })).status).toBe(404);
    expect((await api(stranger, "DELETE", `/api/templates/${other.id}`)).status).toBe(404);
    const theirs = await api<{ templates: AgentTemplate[] }>(stranger, "GET", "/api/templates");
    expect(theirs.body.templates.map((t) => t.name)).toEqual(["writer"]);
    expect((await api(user, "GET", `/api/templates/${other.id}`)).status).toBe(200);
  });

  it("validates each field, naming it", async () => {
    const user = await makeUser();
    const bad: [Record<string, unknown>, string][] = [
      [{ name: "has space", instructions: "x" }, "name"],
      [{ name: "-dash", instructions: "x" }, "name"],
      [{ name: "x".repeat(41), instructions: "x" }, "name"],
      [{ name: "w", instructions: "" }, "instructions"],
      [{ name: "w", instructions: "x".repeat(20_001) }, "instructions"],
      [{ name: "w", instructions: "x", description: "d".repeat(501) }, "description"],
      [{ name: "w", instructions: "x", model: "gpt-4" }, "model"],
      [{ name: "w", instructions: "x", tools: [] }, "tools"],
      [{ name: "w", instructions: "x", tools: ["read_file", "read_file"] }, "tools"],
      [{ name: "w", instructions: "x", tools: ["read_file", "create_agent"] }, "tools.1"],
      [{ name: "w", instructions: "x", tools: ["report"] }, "tools.0"],
      [{ name: "w", instructions: "x", tools: ["mcp__x__y"] }, "tools.0"],
    ];
    for (const [body, field] of bad) {
      const r = await api<ErrorBody>(user, "POST", "/api/templates", body);
      const where = JSON.stringify(body).slice(0, 80);
      expect(r.status, where).toBe(400);
      expect(r.body.error.code, where).toBe("invalid_request");
      expect(r.body.error.message, where).toContain(`${field}:`);
    }
    const t = await saveTemplate(user, { name: "ok", instructions: "x" });
    const patch = await api<ErrorBody>(user, "PATCH", `/api/templates/${t.id}`, { tools: ["delete_agent"] });
    expect(patch.status).toBe(400);
    expect(patch.body.error.message).toContain("tools.0: delete_agent is not a tool an agent can have");
    expect((await api<{ templates: unknown[] }>(user, "GET", "/api/templates")).body.templates).toHaveLength(
      1,
    );
  });

  it(`a user holds at most ${TEMPLATE_LIMITS.maxPerUser}, also when they are created in parallel`, async () => {
    const user = await makeUser();
    const tries = TEMPLATE_LIMITS.maxPerUser + 5;
    const answers = await Promise.all(
      Array.from({ length: tries }, (_, i) =>
        api<ErrorBody>(user, "POST", "/api/templates", { name: `t${i}`, instructions: "x" }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(TEMPLATE_LIMITS.maxPerUser);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.body.error.code).toBe("too_many_templates");
    const list = await api<{ templates: unknown[] }>(user, "GET", "/api/templates");
    expect(list.body.templates).toHaveLength(TEMPLATE_LIMITS.maxPerUser);
  });
});

describe("create_agent {template}", () => {
  it("makes the agent from the template; explicit fields override it; an unknown one is a tool error naming it", async () => {
    const user = await makeUser();
    await saveTemplate(user);
    await saveTemplate(user, { name: "plain", instructions: "Plain instructions." });
    const id = await createOrchestrator(user);
    const events = await run(user, id, [
      {
        tools: [
          { name: "create_agent", input: { name: "w1", template: "writer" } },
          {
            name: "create_agent",
            input: {
              name: "w2",
              template: "writer",
              instructions: "Write poems.",
              model: "claude-haiku-4-5",
            },
          },
          { name: "create_agent", input: { name: "w3", template: "writer", tools: ["read_file"] } },
          { name: "create_agent", input: { name: "p1", template: "plain" } },
          { name: "create_agent", input: { name: "x1", template: "nosuch" } },
          { name: "create_agent", input: { name: "x2" } },
        ],
      },
      { text: "ok" },
    ]);
    const results = inCallOrder(events);
    expect(results).toHaveLength(6);
    expect(results.slice(0, 4).filter((r) => r.isError)).toEqual([]);
    expect(results[0]!.content).toContain("Created agent w1 (claude-sonnet-5-5) from template writer");
    expect(results[4]).toMatchObject({
      isError: true,
      content: expect.stringContaining("There is no agent template named nosuch. Templates: plain, writer."),
    });
    expect(results[5]).toMatchObject({
      isError: true,
      content: expect.stringContaining("instructions: is required unless you name a template"),
    });

    const byName = new Map((await agentsOf(user, id)).map((a) => [a.name, a]));
    expect([...byName.keys()].sort()).toEqual(["p1", "w1", "w2", "w3"]);
    expect(byName.get("w1")).toMatchObject({
      instructions: WRITER.instructions,
      model: WRITER.model,
      tools: WRITER.tools,
    });
    expect(byName.get("w2")).toMatchObject({
      instructions: "Write poems.",
      model: "claude-haiku-4-5",
      tools: WRITER.tools,
    });
    expect(byName.get("w3")).toMatchObject({ instructions: WRITER.instructions, tools: ["read_file"] });
    expect(byName.get("p1")).toMatchObject({
      instructions: "Plain instructions.",
      model: DEFAULT_AGENT_MODEL,
      tools: null,
    });
  });

  it("a template's tools still only narrow the orchestrator's tool policy", async () => {
    const user = await makeUser();
    await saveTemplate(user, {
      name: "cleaner",
      instructions: "Tidy up.",
      tools: ["read_file", "delete_file"],
    });
    const id = await createOrchestrator(user, { toolPolicy: { delete_file: "deny" } });
    const events = await run(user, id, [
      {
        tools: [
          { name: "create_agent", input: { name: "c1", template: "cleaner" } },
          { name: "create_agent", input: { name: "c2", template: "cleaner", tools: ["read_file"] } },
        ],
      },
      { text: "ok" },
    ]);
    const [denied, narrowed] = inCallOrder(events);
    expect(denied).toMatchObject({
      isError: true,
      content: expect.stringMatching(/tools: .*denies delete_file/),
    });
    expect(narrowed!.isError).toBe(false);
    expect((await agentsOf(user, id)).map((a) => [a.name, a.tools])).toEqual([["c2", ["read_file"]]]);
  });
});

describe("the orchestrator is told which templates exist", () => {
  it("its system prompt lists names and descriptions, read once per run (stable within it)", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { systemPrompt: "Be brief." });
    await run(user, id, [{ text: "hi" }]);
    const before = await systemOf(id);
    expect(before).not.toContain("agent templates");
    expect(before).toMatch(/Be brief\.$/);

    await saveTemplate(user);
    await saveTemplate(user, {
      name: "analyst",
      instructions: "You analyse data.\nCarefully.",
      model: "claude-haiku-4-5",
    });
    // No run has started since: the prompt (a cache prefix) has not changed under the last run.
    expect(await systemOf(id)).toBe(before);

    await run(user, id, [{ text: "hi again" }], 2);
    const after = await systemOf(id);
    expect(after).toContain("The user has saved these agent templates.");
    expect(after).toContain("- analyst: You analyse data. Carefully. (model claude-haiku-4-5)");
    expect(after).toContain(
      "- writer: Turns research notes into a short article (model claude-sonnet-5-5; tools read_file, write_file)",
    );
    expect(after.indexOf("- analyst")).toBeLessThan(after.indexOf("- writer"));
    expect(after).toMatch(/Be brief\.$/);
    // Another user's templates are not in it.
    const other = await makeUser();
    await saveTemplate(other, { name: "secret-agent", instructions: "x" });
    await run(user, id, [{ text: "and again" }], 3);
    expect(await systemOf(id)).not.toContain("secret-agent");
  });
});

describe("POST /api/orchestrators/:id/agents (New agent)", () => {
  it("creates an agent (201 AgentSummary, agent.created on the stream), from scratch or a template", async () => {
    const user = await makeUser();
    await saveTemplate(user);
    const id = await createOrchestrator(user);
    const made = await api<AgentSummary>(user, "POST", `/api/orchestrators/${id}/agents`, {
      name: "scout",
      instructions: "Find things.",
      tools: ["read_file", "web_search"],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      name: "scout",
      instructions: "Find things.",
      model: DEFAULT_AGENT_MODEL,
      tools: ["read_file", "web_search"],
      status: "idle",
    });
    const fromTemplate = await api<AgentSummary>(user, "POST", `/api/orchestrators/${id}/agents`, {
      name: "pen",
      template: "writer",
      model: "claude-haiku-4-5",
    });
    expect(fromTemplate.status).toBe(201);
    expect(fromTemplate.body).toMatchObject({
      instructions: WRITER.instructions,
      model: "claude-haiku-4-5",
      tools: WRITER.tools,
    });
    const created = of(await allEvents(orchestrator(id)), "agent.created");
    expect(created.map((e) => e.agent.id)).toEqual([made.body.id, fromTemplate.body.id]);
    expect((await agentsOf(user, id)).map((a) => a.name)).toEqual(["scout", "pen"]);

    // The orchestrator knows them as its own: it can command one.
    const events = await run(user, id, [{ tools: [{ name: "list_agents", input: {} }] }, { text: "ok" }]);
    expect(of(events, "tool.result")[0]!.content).toContain("pen: idle");
  });

  it("409 agent_exists for a taken name; the clientId makes a retry return the same agent", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const path = `/api/orchestrators/${id}/agents`;
    const first = await api<AgentSummary>(user, "POST", path, {
      name: "solo",
      instructions: "x",
      clientId: "c-1",
    });
    const retry = await api<AgentSummary>(user, "POST", path, {
      name: "solo",
      instructions: "x",
      clientId: "c-1",
    });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    const dup = await api<ErrorBody>(user, "POST", path, { name: "solo", instructions: "y" });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({
      code: "agent_exists",
      message: "An agent named solo already exists.",
    });
    // A name the orchestrator's tool took is taken for the user too, and the other way round.
    await run(user, id, [
      {
        tools: [
          { name: "create_agent", input: { name: "solo", instructions: "z" } },
          { name: "create_agent", input: { name: "mate", instructions: "z" } },
        ],
      },
      { text: "ok" },
    ]);
    expect((await api<ErrorBody>(user, "POST", path, { name: "mate", instructions: "y" })).status).toBe(409);
    expect((await agentsOf(user, id)).map((a) => a.name)).toEqual(["solo", "mate"]);
  });

  it(`respects the cap of ${TEAM_LIMITS.maxAgents} agents under parallel requests: 409 too_many_agents`, async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const answers = await Promise.all(
      Array.from({ length: TEAM_LIMITS.maxAgents + 4 }, (_, i) =>
        api<ErrorBody>(user, "POST", `/api/orchestrators/${id}/agents`, { name: `a${i}`, instructions: "x" }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(TEAM_LIMITS.maxAgents);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(
      Array.from({ length: 4 }, () => [409, "too_many_agents"]),
    );
    expect(await agentsOf(user, id)).toHaveLength(TEAM_LIMITS.maxAgents);
  });

  it("400 naming the field: no instructions and no template, an unknown template, a tool it can't have or the policy denies", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { toolPolicy: { web_fetch: "deny" } });
    const path = `/api/orchestrators/${id}/agents`;
    const bad: [Record<string, unknown>, string][] = [
      [{ name: "a" }, "instructions: is required unless you name a template"],
      [{ name: "a", template: "ghost" }, "template: you have no template named ghost"],
      [{ name: "a", instructions: "x", tools: ["read_file", "wait_for_agents"] }, "tools.1: wait_for_agents"],
      [{ name: "a", instructions: "x", tools: ["web_fetch"] }, "tools: the tool policy denies web_fetch"],
      [{ name: "a", instructions: "x", model: "claude-1" }, "model: must be one of"],
      [{ name: "a b", instructions: "x" }, "name: use 1–40 letters"],
    ];
    for (const [body, text] of bad) {
      const r = await api<ErrorBody>(user, "POST", path, body);
      expect(r.status, text).toBe(400);
      expect(r.body.error.message, text).toContain(text);
    }
    expect(await agentsOf(user, id)).toEqual([]);
  });

  it("409 archived on an archived orchestrator", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "PATCH", `/api/orchestrators/${id}`, { status: "archived" });
    const r = await api<ErrorBody>(user, "POST", `/api/orchestrators/${id}/agents`, {
      name: "late",
      instructions: "x",
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("archived");
  });
});
