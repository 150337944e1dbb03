import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { agents, files, messages, toolCalls, usageLedger } from "../schema/d1";
import type { StreamEvent } from "../schema/events";
import {
  allEvents,
  api,
  assertGapless,
  createOrchestrator,
  makeUser,
  runsIdle,
  teamScript,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);

describe("orchestration engine", () => {
  it("creates two agents, commands them, waits, and answers — all persisted", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const sent = await api<{ messageId: string; runId: string }>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages`,
      {
        text: teamScript(),
      },
    );
    expect(sent.status).toBe(202);
    expect(sent.body.runId).toMatch(/^run_/);

    const stub = orchestrator(id);
    const events = await waitFor(stub, runsIdle(1));
    assertGapless(events);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "run.completed")).toHaveLength(1);
    expect(types.filter((t) => t === "agent.created")).toHaveLength(2);
    const final = events
      .filter((e): e is Extract<StreamEvent, { type: "text.delta" }> => e.type === "text.delta")
      .map((e) => e.text)
      .join("");
    expect(final).toContain("Both agents are done");

    // Both agents complete with their results delivered through the wait.
    const list = await api<{ agents: { name: string; status: string; result: string; id: string }[] }>(
      user,
      "GET",
      `/api/orchestrators/${id}/agents`,
    );
    expect(list.body.agents.map((a) => [a.name, a.status]).sort()).toEqual([
      ["alpha", "complete"],
      ["beta", "complete"],
    ]);
    const waitResult = events.find((e) => e.type === "tool.result" && e.content.startsWith('{"timedOut"'));
    expect(waitResult?.type === "tool.result" && JSON.parse(waitResult.content)).toEqual({
      timedOut: false,
      agents: [
        { name: "alpha", status: "complete", result: "alpha wrote out/a.md" },
        { name: "beta", status: "complete", result: "beta wrote out/b.md" },
      ],
    });
    expect(types).toContain("file.changed");

    // Agents' own streams ran their loops.
    for (const a of list.body.agents) {
      const own = await allEvents(agentStub(a.id));
      assertGapless(own);
      expect(own.filter((e) => e.type === "run.completed")).toHaveLength(1);
    }

    // Files are in the workspace, readable over the API.
    const fileList = await api<{ files: { path: string }[] }>(user, "GET", `/api/orchestrators/${id}/files`);
    expect(fileList.body.files.map((f) => f.path)).toEqual(["out/a.md", "out/b.md"]);
    const a = await api<{ content: string }>(user, "GET", `/api/orchestrators/${id}/files/out/a.md`);
    expect(a.body.content).toContain("Written by alpha");

    // D1 holds messages, tool calls, agents and usage.
    const db = drizzle(env.DB);
    const msgRows = await db.select().from(messages).where(eq(messages.orchestratorId, id));
    expect(msgRows.filter((m) => m.agentId === null).length).toBe(4);
    expect(msgRows.filter((m) => m.agentId !== null).length).toBe(6);
    const calls = await db.select().from(toolCalls).where(eq(toolCalls.orchestratorId, id));
    expect(calls.map((c) => c.name).sort()).toEqual(
      [
        "command_agent",
        "command_agent",
        "create_agent",
        "create_agent",
        "report",
        "report",
        "wait_for_agents",
        "write_file",
        "write_file",
      ].sort(),
    );
    expect(calls.every((c) => c.result !== null)).toBe(true);
    const agentRows = await db.select().from(agents).where(eq(agents.orchestratorId, id));
    expect(agentRows.map((r) => r.status).sort()).toEqual(["complete", "complete"]);
    const ledger = await db.select().from(usageLedger).where(eq(usageLedger.orchestratorId, id));
    expect(ledger).toHaveLength(10);
    const fileRows = await db.select().from(files).where(eq(files.orchestratorId, id));
    expect(fileRows).toHaveLength(2);
    // D1's totals (kept by triggers from message rows) equal the team totals on the live stream.
    const info = await api<{ totals: { costUsd: number; outputTokens: number } }>(
      user,
      "GET",
      `/api/orchestrators/${id}`,
    );
    const live = (await stub.state()).totals;
    expect(info.body.totals.outputTokens).toBe(live.outputTokens);
    expect(info.body.totals.costUsd).toBeCloseTo(live.costUsd, 5);
    expect(agentRows.reduce((n, r) => n + r.outputTokens, 0)).toBe(
      ledger.filter((l) => l.agentId !== null).reduce((n, l) => n + l.outputTokens, 0),
    );
  });
});
