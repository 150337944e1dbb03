// DESIGN §5.1–5.4: evicting objects at many points never loses, duplicates or reorders an event,
// never runs a tool twice, and every run still ends in exactly one terminal event.
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { fileOps, files } from "../schema/d1";
import type { StreamEvent } from "../schema/events";
import {
  allEvents,
  api,
  assertGapless,
  crashAndWake,
  createOrchestrator,
  longTeamScript,
  makeUser,
  runsIdle,
  sim,
  soloAgentScript,
  teamScript,
  terminalRuns,
  waitFor,
} from "./helpers";
import { WsClient } from "./ws-client";

// Fresh stubs per call: a stub held across a crash stays broken, as it would in a real Worker.
const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);
const orchestratorLog = (id: string) => ({ events: (a: number, l: number) => orchestrator(id).events(a, l) });
const agentLog = (id: string) => ({ events: (a: number, l: number) => agentStub(id).events(a, l) });

const ids = (events: StreamEvent[], type: StreamEvent["type"]) => events.filter((e) => e.type === type);

describe("eviction", () => {
  it("resumes an orchestrator evicted mid-stream; the half-streamed message is recorded as aborted", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestratorLog(id);
    const client = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ fault: "stall", times: 1 }, { text: "answer after the restart" }]),
    });
    await waitFor(stub, (ev) => ev.some((e) => e.type === "message.started"));
    await crashAndWake(() => orchestrator(id));
    const events = await waitFor(stub, runsIdle(1));
    assertGapless(events);
    expect(terminalRuns(events).map((e) => e.type)).toEqual(["run.completed"]);
    const [first, second] = ids(events, "message.started");
    const aborted = events.find((e) => e.type === "message.completed" && e.stopReason === "aborted");
    expect(aborted?.type === "message.completed" && aborted.messageId).toBe(
      first?.type === "message.started" && first.messageId,
    );
    expect(second).toBeDefined();
    // The watching client saw every event exactly once, in order, across the eviction.
    await client.until((c) => c.lastSeq >= events.length);
    expect(client.ordered().map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(client.duplicates).toBe(0);
    client.close();
  });

  it("a heartbeat alarm during a live stream leaves it alone", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestratorLog(id);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ text: "steady ".repeat(4000) }]),
    });
    await waitFor(stub, (ev) => ev.filter((e) => e.type === "text.delta").length >= 3);
    for (let i = 0; i < 3; i++) await runDurableObjectAlarm(orchestrator(id));
    const events = await waitFor(stub, runsIdle(1));
    const dbg = events
      .filter((e) => e.type !== "text.delta")
      .map((e) => `${e.seq} ${JSON.stringify(e).slice(60, 200)}`)
      .join("\n");
    expect(
      events.filter((e) => e.type === "message.started"),
      dbg,
    ).toHaveLength(1);
    expect(
      events
        .filter((e) => e.type === "message.completed")
        .map((e) => e.type === "message.completed" && e.stopReason),
    ).toEqual(["end_turn"]);
    expect(terminalRuns(events).map((e) => e.type)).toEqual(["run.completed"]);
  });

  it("resumes an agent evicted mid-stream, and the orchestrator's wait still completes", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestratorLog(id);
    const task = sim([
      { fault: "stall", times: 1 },
      { tools: [{ name: "write_file", input: { path: "x.md", content: "x" } }] },
      { tools: [{ name: "report", input: { result: "wrote x.md" } }] },
      { text: "done" },
    ]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: soloAgentScript("worker", "w", task, "all done"),
    });
    const created = await waitFor(stub, (ev) => ev.some((e) => e.type === "agent.created"));
    const agentId = created.find((e) => e.type === "agent.created")!;
    const aid = agentId.type === "agent.created" ? agentId.agent.id : "";
    const agent = agentLog(aid);
    await waitFor(agent, (ev) => ev.some((e) => e.type === "message.started"));
    await crashAndWake(
      () => agentStub(aid),
      () => orchestrator(id),
    );
    const events = await waitFor(stub, runsIdle(1), 30_000);
    expect(events.at(-1)?.type).toBe("run.completed");
    const own = await allEvents(agent);
    assertGapless(own);
    expect(terminalRuns(own).map((e) => e.type)).toEqual(["run.completed"]);
    expect(own.some((e) => e.type === "message.completed" && e.stopReason === "aborted")).toBe(true);
  });

  it("survives evictions of every object at many points of the team scenario, with exact accounting", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestratorLog(id);
    const client = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: longTeamScript() });
    let evictions = 0;
    const seenAgents = new Set<string>();
    // Crash everything at staggered moments until the run ends: mid-stream, mid-tools, mid-wait.
    const seen = new Map<number, string>();
    for (let round = 0; round < 30; round++) {
      const events = await allEvents(stub);
      for (const e of events) seen.set(e.seq, JSON.stringify(e));
      if (terminalRuns(events).length) break;
      for (const e of events) if (e.type === "agent.created") seenAgents.add(e.agent.id);
      await crashAndWake(() => orchestrator(id), ...[...seenAgents].map((a) => () => agentStub(a)));
      evictions++;
      await new Promise((r) => setTimeout(r, 40 + (round % 5) * 30));
    }
    const events = await waitFor(stub, runsIdle(1), 30_000);
    expect(evictions).toBeGreaterThan(3);
    assertGapless(events);
    const rewritten = events.filter((e) => seen.has(e.seq) && seen.get(e.seq) !== JSON.stringify(e));
    if (rewritten.length)
      throw new Error(
        `events changed after being read: ${rewritten
          .slice(0, 3)
          .map(
            (e) => `${e.seq}: was ${seen.get(e.seq)?.slice(0, 150)} now ${JSON.stringify(e).slice(0, 150)}`,
          )
          .join("\n")}`,
      );
    expect(terminalRuns(events).map((e) => e.type)).toEqual(["run.completed"]);
    // Every tool call the model began got exactly one result (calls cut off by a crash say they
    // were not run), so no tool card outlives its run.
    const begun = ids(events, "tool.started").map((e) => (e.type === "tool.started" ? e.toolUseId : ""));
    const results = ids(events, "tool.result").map((e) => (e.type === "tool.result" ? e.toolUseId : ""));
    expect(results.sort()).toEqual([...new Set(begun)].sort());
    expect(ids(events, "agent.created")).toHaveLength(2);
    // Each agent ran its task once and each file was written once (version 1, one op record).
    for (const agentId of seenAgents) {
      const own = await allEvents(agentLog(agentId));
      assertGapless(own);
      expect(ids(own, "run.started")).toHaveLength(1);
      expect(terminalRuns(own).map((e) => e.type)).toEqual(["run.completed"]);
    }
    const db = drizzle(env.DB);
    const rows = await db.select().from(files).where(eq(files.orchestratorId, id));
    expect(rows.map((r) => [r.path, r.version]).sort()).toEqual([
      ["out/alpha-1.md", 1],
      ["out/alpha-2.md", 1],
      ["out/beta-1.md", 1],
      ["out/beta-2.md", 1],
    ]);
    expect(await db.$count(fileOps, eq(fileOps.orchestratorId, id))).toBe(4);
    // The watching client resumes cleanly too: every event once, in order, no gap.
    await client.until((c) => c.lastSeq >= events.length);
    expect(client.ordered().length).toBe(events.length);
    expect(client.duplicates).toBe(0);
    client.close();
  });

  it("a client that reconnects with its last seq gets exactly the events it missed", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    const first = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: teamScript() });
    await first.until((c) => c.lastSeq >= 12);
    first.close();
    const resumeFrom = first.lastSeq;
    await evictDurableObject(stub).catch(() => undefined);
    await waitFor(stub, runsIdle(1), 30_000);
    const second = await WsClient.connect(user, `/api/orchestrators/${id}/ws`, resumeFrom);
    const all = await allEvents(stub);
    await second.until((c) => c.lastSeq >= all.length);
    expect(Math.min(...second.events.keys())).toBe(resumeFrom + 1);
    expect(second.ordered(resumeFrom + 1).map((e) => e.seq)).toEqual(all.slice(resumeFrom).map((e) => e.seq));
    expect(second.duplicates).toBe(0);
    second.close();
  });
});
