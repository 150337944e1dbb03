// Queued inputs while busy, context compaction, and the demo brain end to end.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Runner } from "../worker/loop/runner";
import type { Orchestrator } from "../worker/objects/orchestrator";
import {
  api,
  assertGapless,
  createOrchestrator,
  makeUser,
  runsIdle,
  sim,
  terminalRuns,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

describe("loop behaviour", () => {
  it("queues messages sent while a run is busy and runs them in order", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const first = await api<{ runId: string | null; queued: boolean }>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages`,
      {
        text: sim([{ text: "first answer ".repeat(400) }]),
      },
    );
    const second = await api<{ runId: string | null; queued: boolean }>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages`,
      {
        text: sim([{ text: "second answer" }]),
      },
    );
    expect(first.body.queued).toBe(false);
    expect(second.body).toMatchObject({ queued: true, runId: null });
    const events = await waitFor(orchestrator(id), runsIdle(2));
    assertGapless(events);
    expect(terminalRuns(events).map((e) => e.type)).toEqual(["run.completed", "run.completed"]);
    const starts = events.filter((e) => e.type === "run.started");
    const firstEnd = terminalRuns(events)[0]!;
    expect(starts[1]!.seq).toBeGreaterThan(firstEnd.seq);
  });

  it("drives a run that started while the one before it was stopped before its drive began", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    await runInDurableObject(stub, (o: Orchestrator) => {
      // The path an agent's Stop takes (no hold): the next queued input starts at once. The first
      // run's kick has yielded a turn before driving, so the second run's own kick finds it busy.
      const runner = (o as unknown as { runner: Runner }).runner;
      expect(o.send(sim([{ text: "never streamed" }])).queued).toBe(false);
      expect(o.send(sim([{ text: "the second answer" }])).queued).toBe(true);
      expect(runner.interrupt()).toBe(true);
    });
    // Well inside the 10 s heartbeat that would otherwise be what drives it.
    const events = await waitFor(stub, runsIdle(2), 5_000);
    assertGapless(events);
    expect(terminalRuns(events).map((e) => e.type)).toEqual(["run.interrupted", "run.completed"]);
    expect(events.filter((e) => e.type === "message.started")).toHaveLength(1);
  });

  it("compacts an over-long conversation into a summary and keeps working", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = orchestrator(id);
    // A small window makes compaction reachable in a test.
    await runInDurableObject(stub, (o: Orchestrator) => {
      o.store.set("config", { ...o.store.config(), contextWindow: 6000 });
    });
    for (let turn = 1; turn <= 6; turn++) {
      await api(user, "POST", `/api/orchestrators/${id}/messages`, {
        text: sim(
          [{ text: `Reply ${turn}. ${"filler ".repeat(300)}` }],
          `Turn ${turn}. ${"padding ".repeat(300)}`,
        ),
      });
      await waitFor(stub, runsIdle(turn));
    }
    const events = await waitFor(stub, runsIdle(6));
    const compacted = events.filter((e) => e.type === "context.compacted");
    expect(compacted.length).toBeGreaterThanOrEqual(1);
    expect(terminalRuns(events).every((e) => e.type === "run.completed")).toBe(true);
    const conv = await runInDurableObject(stub, (o: Orchestrator) => o.store.conversation());
    const firstText = conv[0]!.content[0];
    expect(firstText?.type === "text" && firstText.text).toMatch(/^\[Summary of the earlier conversation\]/);
    // The call right after a compaction sends far less than the conversation had grown to.
    const c = compacted[0]!;
    const next = events.find((e) => e.seq > c.seq && e.type === "message.completed");
    if (c.type !== "context.compacted" || next?.type !== "message.completed")
      throw new Error("no call after compaction");
    const sentAfter = next.usage.inputTokens + next.usage.cacheReadTokens + next.usage.cacheWriteTokens;
    expect(c.tokensBefore).toBeGreaterThanOrEqual(6000 * 0.75);
    expect(sentAfter).toBeLessThan(c.tokensBefore * 0.8);
  });

  it("the demo brain (no script) builds a team, waits for it and summarises", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: "Research the history of the bicycle and write a short illustrated guide about it.",
    });
    const events = await waitFor(orchestrator(id), runsIdle(1), 60_000);
    expect(events.at(-1)?.type).toBe("run.completed");
    expect(events.filter((e) => e.type === "agent.created").length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === "agent.completed").length).toBeGreaterThanOrEqual(2);
    expect(events.some((e) => e.type === "file.changed")).toBe(true);
    // No runaway: the reports were delivered through the wait, not as extra runs.
    expect(events.filter((e) => e.type === "run.started")).toHaveLength(1);
  });
});
