// DESIGN §8 "Stop means stop": after the user's Stop nothing starts on its own — agent reports
// queue and ride in with the next user message; Stop all also ends every agent's work and queue,
// and a task the orchestrator sent before the stop but that lands after it is refused. No tool
// card outlives its run, and a stopped wait says how long it waited.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentSummary } from "../schema/events";
import type { Orchestrator } from "../worker/objects/orchestrator";
import {
  allEvents,
  api,
  createOrchestrator,
  type EventLogSource,
  makeUser,
  eventsOfType as of,
  runsIdle,
  sim,
  terminalRuns,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const prose = (n: number) => "The quick brown fox jumps over the lazy dog. ".repeat(n);

/**
 * An agent task that writes a file per step, each step taking ~1.5 s: the simulated model stalls
 * once and the loop retries after the test's idle timeout.
 */
const slowTask = (name: string, steps = 12) =>
  sim(
    [
      ...Array.from({ length: steps }, (_, k) => [
        { fault: "stall", times: 1 },
        {
          text: `Step ${k}.`,
          tools: [{ name: "write_file", input: { path: `out/${name}-${k}.md`, content: `${name} ${k}` } }],
        },
      ]).flat(),
      { tools: [{ name: "report", input: { result: `${name} finished` } }] },
      { text: "Done." },
    ],
    `Write many files as ${name}.`,
  );

/** Creates two agents, commands both with slow tasks and waits for them. */
const teamScript = (steps = 12) =>
  sim([
    {
      tools: [
        { name: "create_agent", input: { name: "alpha", instructions: "You write." } },
        { name: "create_agent", input: { name: "beta", instructions: "You write." } },
      ],
    },
    {
      tools: [
        { name: "command_agent", input: { name: "alpha", task: slowTask("alpha", steps) } },
        { name: "command_agent", input: { name: "beta", task: slowTask("beta", steps) } },
      ],
    },
    { tools: [{ name: "wait_for_agents", input: { names: ["alpha", "beta"] } }] },
    { text: "Both are done." },
  ]);

async function startTeam(steps = 12) {
  const user = await makeUser();
  const id = await createOrchestrator(user);
  const stub = orchestrator(id);
  expect(
    (await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: teamScript(steps) })).status,
  ).toBe(202);
  // The orchestrator is suspended in its wait and both agents are writing.
  await waitFor(
    stub,
    (ev) => of(ev, "file.changed").length >= 2 && of(ev, "tool.called").length >= 5,
    30_000,
  );
  return { user, id, stub };
}

async function agentsOf(user: Awaited<ReturnType<typeof makeUser>>, id: string): Promise<AgentSummary[]> {
  const r = await api<{ agents: AgentSummary[] }>(user, "GET", `/api/orchestrators/${id}/agents`);
  return r.body.agents;
}

describe("Stop all", () => {
  it("ends every agent interrupted, starts no run until the user's next message, and changes no file after", async () => {
    const { user, id, stub } = await startTeam();
    const r = await api<{ run: boolean; agents: number }>(
      user,
      "POST",
      `/api/orchestrators/${id}/interrupt`,
      {
        agents: true,
      },
    );
    expect(r.status).toBe(200);
    expect(r.body.run).toBe(true);
    // Settled: the orchestrator's run ended and both agents reported interrupted.
    const settledEvents = await waitFor(
      stub,
      (ev) => terminalRuns(ev).length === 1 && of(ev, "agent.completed").length === 2,
    );
    const afterStop = settledEvents.length;
    const filesAtStop = of(settledEvents, "file.changed").length;
    await sleep(1500);
    const later = await allEvents(stub);
    const tail = later.slice(afterStop);
    expect(tail.filter((e) => e.type === "run.started")).toEqual([]);
    expect(of(later, "file.changed")).toHaveLength(filesAtStop);
    const agents = await agentsOf(user, id);
    expect(agents.map((a) => a.status).sort()).toEqual(["interrupted", "interrupted"]);

    // No tool card is left without a result, and the wait reports how long it waited.
    const called = of(later, "tool.called").map((e) => e.toolUseId);
    const answered = new Set(of(later, "tool.result").map((e) => e.toolUseId));
    expect(called.filter((t) => !answered.has(t))).toEqual([]);
    const wait = of(later, "tool.called").find((e) => e.name === "wait_for_agents")!;
    const waitResult = of(later, "tool.result").find((e) => e.toolUseId === wait.toolUseId)!;
    expect(waitResult.content).toMatch(/Stopped waiting/);
    expect(waitResult.ms).toBeGreaterThan(50);
    // The stream says it is held, and the snapshot agrees.
    expect(of(later, "inbox.held").at(-1)).toMatchObject({ held: true });
    expect(await stub.state()).toMatchObject({ held: true, queuedReports: 2 });

    // The next user message releases the hold and takes both reports in, in one run.
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "Noted." }]) });
    const resumed = await waitFor(stub, runsIdle(2));
    const run2 = of(resumed, "run.started")[1]!;
    expect(run2.trigger).toBe("user");
    expect(run2.reports?.sort()).toEqual(agents.map((a) => a.id).sort());
    expect(of(resumed, "inbox.held").at(-1)).toMatchObject({ held: false });
    expect(of(resumed, "run.started")).toHaveLength(2);
  });

  it("a task sent before a Stop all that arrives after it is refused", async () => {
    const { user, id } = await startTeam(3);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`, { agents: true });
    const [alpha] = await agentsOf(user, id);
    // The orchestrator's view before the stop was generation 0; the agent has seen generation 1.
    const late = await agentStub(alpha!.id).startTask("late-task", "Write more.", 0);
    expect(late).toMatchObject({ accepted: false, reason: expect.stringMatching(/stopped all agents/) });
    // The user's own message afterwards carries the current generation and is accepted.
    const direct = await api(user, "POST", `/api/orchestrators/${id}/agents/${alpha!.id}/messages`, {
      text: sim([{ text: "ok" }]),
    });
    expect(direct.status).toBe(202);
  });

  it("cancels an agent's queued tasks, so it ends interrupted rather than moving on", async () => {
    const { user, id } = await startTeam(3);
    const [alpha] = await agentsOf(user, id);
    for (let i = 0; i < 3; i++) {
      const r = await api(user, "POST", `/api/orchestrators/${id}/agents/${alpha!.id}/messages`, {
        text: slowTask(`extra${i}`, 2),
      });
      expect(r.status).toBe(202);
    }
    expect((await agentStub(alpha!.id).state()).queued).toBe(3);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`, { agents: true });
    const log: EventLogSource = { events: (a, l) => agentStub(alpha!.id).events(a, l) };
    const events = await waitFor(log, (ev) => terminalRuns(ev).length >= 1);
    await sleep(500);
    const after = await allEvents(log);
    expect(of(after, "run.started")).toHaveLength(of(events, "run.started").length);
    expect((await agentStub(alpha!.id).state()).queued).toBe(0);
    expect((await agentsOf(user, id)).find((a) => a.id === alpha!.id)?.status).toBe("interrupted");
  });
});

describe("Stop (the orchestrator only)", () => {
  it("agents keep working; their reports wait for the next user message instead of starting paid runs", async () => {
    const { user, id, stub } = await startTeam(2);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`, {});
    const done = await waitFor(stub, (ev) => of(ev, "agent.completed").length === 2, 40_000);
    await sleep(500);
    const later = await allEvents(stub);
    expect(of(later, "run.started")).toHaveLength(1);
    expect(
      of(done, "agent.completed")
        .map((e) => e.result)
        .sort(),
    ).toEqual(["alpha finished", "beta finished"]);
    expect((await agentsOf(user, id)).map((a) => a.status)).toEqual(["complete", "complete"]);

    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "Thanks." }]) });
    await waitFor(stub, runsIdle(2));
    // The model saw both reports in the same turn as the user's message.
    const text = await runInDurableObject(stub, (o: Orchestrator) => {
      const conv = o.store.conversation();
      return JSON.stringify(conv.filter((m) => m.role === "user").at(-1));
    });
    expect(text).toContain("Report from agent alpha");
    expect(text).toContain("Report from agent beta");
    expect(text).toContain("Thanks.");
  });

  it("a turn stopped mid-stream answers its half-streamed tool calls, so no card spins", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      // Long inputs: the stop lands while the first call's input is still streaming.
      text: sim([
        {
          text: "Creating.",
          tools: ["one", "two"].map((name) => ({
            name: "create_agent",
            input: { name, instructions: prose(400) },
          })),
        },
        { text: "never" },
      ]),
    });
    await waitFor(stub, (ev) => of(ev, "tool.started").length > 0);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`, {});
    const events = await waitFor(stub, runsIdle(1));
    expect(events.at(-1)?.type).toBe("run.interrupted");
    const started = of(events, "tool.started").map((e) => e.toolUseId);
    expect(started.length).toBeGreaterThan(0);
    const answered = new Set(of(events, "tool.result").map((e) => e.toolUseId));
    expect(started.filter((t) => !answered.has(t))).toEqual([]);
    // Nothing was created from a half-written call.
    expect(of(events, "agent.created")).toEqual([]);
  });
});
