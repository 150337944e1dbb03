// DESIGN §5.9 and §5.6: faults are retried as announced; when retries run out the run fails
// clearly; no run is ever left without a terminal event.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../schema/events";
import {
  api,
  assertGapless,
  createOrchestrator,
  type EventLogSource,
  makeUser,
  runsIdle,
  sim,
  terminalRuns,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

async function runScript(steps: unknown[]): Promise<StreamEvent[]> {
  const user = await makeUser();
  const id = await createOrchestrator(user);
  const r = await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim(steps) });
  expect(r.status).toBe(202);
  const events = await waitFor(orchestrator(id), runsIdle(1), 30_000);
  assertGapless(events);
  expect(terminalRuns(events)).toHaveLength(1);
  return events;
}

const text = (events: StreamEvent[]) =>
  events
    .filter((e): e is Extract<StreamEvent, { type: "text.delta" }> => e.type === "text.delta")
    .map((e) => e.text)
    .join("");

describe("LLM faults", () => {
  for (const fault of ["overloaded", "server_error", "stream_error", "disconnect", "stall"] as const) {
    it(`retries ${fault} and completes`, async () => {
      const events = await runScript([{ fault, times: 2 }, { text: `recovered from ${fault}` }]);
      const retries = events.filter((e) => e.type === "llm.retry");
      expect(retries.map((e) => (e.type === "llm.retry" ? e.attempt : 0))).toEqual([2, 3]);
      expect(events.at(-1)?.type).toBe("run.completed");
      expect(text(events)).toContain(`recovered from ${fault}`);
      // Attempts that had started streaming are closed as aborted, never left open.
      const started = events
        .filter((e) => e.type === "message.started")
        .map((e) => (e.type === "message.started" ? e.messageId : ""));
      const completed = events
        .filter((e) => e.type === "message.completed")
        .map((e) => (e.type === "message.completed" ? e.messageId : ""));
      expect(new Set(completed)).toEqual(new Set(started));
    });
  }

  it("honours retry-after on 429", async () => {
    const events = await runScript([{ fault: "rate_limit", times: 1 }, { text: "ok" }]);
    const retry = events.find((e) => e.type === "llm.retry");
    expect(retry?.type === "llm.retry" && retry.delayMs).toBeGreaterThanOrEqual(1000);
    expect(events.at(-1)?.type).toBe("run.completed");
  });

  it("fails the run clearly when retries run out", async () => {
    const events = await runScript([{ fault: "overloaded", times: 50 }, { text: "never" }]);
    const last = events.at(-1)!;
    expect(last.type).toBe("run.failed");
    if (last.type === "run.failed") {
      expect(last.error.code).toBe("llm_unavailable");
      expect(last.error.message).toMatch(/after 5 attempts.*overloaded/);
    }
    expect(events.filter((e) => e.type === "llm.retry")).toHaveLength(4);
  });
});

describe("interrupt", () => {
  it("stops a streaming response within one event and ends with run.interrupted", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    // ~24k tokens: over a second at the test pace, so the interrupt lands mid-stream.
    const sent = await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ text: "lorem ipsum ".repeat(8000) }]),
    });
    expect(sent.status).toBe(202);
    await waitFor(stub, (ev) => ev.filter((e) => e.type === "text.delta").length >= 3);
    const r = await api<{ run: boolean }>(user, "POST", `/api/orchestrators/${id}/interrupt`);
    expect(r.body.run).toBe(true);
    const log: EventLogSource = {
      events: (a, l) => stub.events(a, l) as ReturnType<EventLogSource["events"]>,
    };
    const atInterrupt = (await log.events(0, 1)).lastSeq;
    const events = await waitFor(stub, runsIdle(1));
    assertGapless(events);
    const lateDeltas = events.filter((e) => e.seq > atInterrupt && e.type === "text.delta");
    expect(lateDeltas.length).toBeLessThanOrEqual(1);
    expect(events.at(-1)?.type).toBe("run.interrupted");
    const completed = events.find((e) => e.type === "message.completed");
    expect(completed?.type === "message.completed" && completed.stopReason).toBe("interrupted");
    // The object is usable again straight away.
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "next" }]) });
    const after = await waitFor(stub, runsIdle(2));
    expect(after.at(-1)?.type).toBe("run.completed");
  });

  it("interrupts a run suspended in wait_for_agents", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    const slowTask = sim([{ fault: "stall", times: 50 }, { text: "never" }]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        { tools: [{ name: "create_agent", input: { name: "slow", instructions: "be slow" } }] },
        { tools: [{ name: "command_agent", input: { name: "slow", task: slowTask } }] },
        { tools: [{ name: "wait_for_agents", input: { names: ["slow"] } }] },
        { text: "unreachable" },
      ]),
    });
    await waitFor(stub, (ev) => ev.some((e) => e.type === "tool.called" && e.name === "wait_for_agents"));
    expect((await stub.state()).status).toBe("waiting");
    const r = await api<{ run: boolean; agents: number }>(
      user,
      "POST",
      `/api/orchestrators/${id}/interrupt`,
      { agents: true },
    );
    expect(r.body).toEqual({ run: true, agents: 1 });
    const events = await waitFor(stub, runsIdle(1));
    expect(events.filter((e) => e.type === "run.interrupted")).toHaveLength(1);
    const agents = await waitFor(stub, (ev) =>
      ev.some((e) => e.type === "agent.status" && e.status === "interrupted"),
    );
    expect(agents.length).toBeGreaterThan(0);
  });
});
