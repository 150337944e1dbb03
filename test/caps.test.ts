// DESIGN §8 "Bounded work": caps hold under parallel tool calls — checks and claims happen before
// any await. One model step with 200 create_agent calls makes exactly the cap, with unique names;
// 100 command_agent calls to one busy agent queue no more than its queue holds.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEAM_LIMITS } from "../worker/limits";
import { api, createOrchestrator, makeUser, eventsOfType as of, runsIdle, sim, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);

describe("caps under parallel tool calls", () => {
  it("200 create_agent calls in one step make the cap's worth of agents, each name once", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const names = [...Array.from({ length: 197 }, (_, i) => `a${i}`), "dup", "dup", "dup"];
    // The duplicates come first so they race each other inside the cap.
    names.unshift(...names.splice(197, 3));
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        { tools: names.map((name) => ({ name: "create_agent", input: { name, instructions: "x" } })) },
      ]),
    });
    const events = await waitFor(orchestrator(id), runsIdle(1), 60_000);
    const agents = await orchestrator(id).agents();
    expect(agents).toHaveLength(TEAM_LIMITS.maxAgents);
    expect(new Set(agents.map((a) => a.name)).size).toBe(agents.length);
    expect(agents.filter((a) => a.name === "dup")).toHaveLength(1);
    const results = of(events, "tool.result");
    expect(results).toHaveLength(200);
    const errors = results.filter((r) => r.isError).map((r) => r.content);
    expect(errors).toHaveLength(200 - TEAM_LIMITS.maxAgents);
    expect(errors.filter((e) => /already exists/.test(e))).toHaveLength(2);
    expect(errors.filter((e) => /the limit is 20/.test(e))).toHaveLength(178);
  });

  it("100 command_agent calls to one busy agent queue no more than its queue holds", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    // The first task stalls once (~1.5 s), so the rest arrive while the agent is busy.
    const busy = sim([{ fault: "stall", times: 1 }, { text: "done" }]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        { tools: [{ name: "create_agent", input: { name: "w", instructions: "x" } }] },
        { tools: [{ name: "command_agent", input: { name: "w", task: busy } }] },
        {
          tools: Array.from({ length: 100 }, (_, i) => ({
            name: "command_agent",
            input: { name: "w", task: `Task ${i}.` },
          })),
        },
        { text: "ok" },
      ]),
    });
    const events = await waitFor(orchestrator(id), runsIdle(1), 60_000);
    const results = of(events, "tool.result").slice(2);
    expect(results).toHaveLength(100);
    const accepted = results.filter((r) => !r.isError);
    expect(accepted).toHaveLength(TEAM_LIMITS.maxQueuedTasks);
    expect(results.filter((r) => r.isError)[0]?.content).toMatch(/already has 20 tasks queued/);
    const [w] = await orchestrator(id).agents();
    expect((await agentStub(w!.id).state()).queued).toBeLessThanOrEqual(TEAM_LIMITS.maxQueuedTasks);
  });

  it("an agent's full queue refuses the user's message with 409", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([
        { tools: [{ name: "create_agent", input: { name: "w", instructions: "x" } }] },
        { text: "ok" },
      ]),
    });
    await waitFor(orchestrator(id), runsIdle(1));
    const [w] = await orchestrator(id).agents();
    // Each task stalls three times (~4.5 s), so nothing drains while the messages arrive.
    const stall = sim([{ fault: "stall", times: 3 }, { text: "done" }]);
    const send = (text: string) =>
      api<{ error?: { code: string } }>(user, "POST", `/api/orchestrators/${id}/agents/${w!.id}/messages`, {
        text,
      });
    const replies = await Promise.all(
      Array.from({ length: TEAM_LIMITS.maxQueuedTasks + 4 }, () => send(stall)),
    );
    const statuses = replies.map((r) => r.status);
    // One runs, the queue holds the cap, the rest are refused.
    expect(statuses.filter((s) => s === 202)).toHaveLength(TEAM_LIMITS.maxQueuedTasks + 1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
    const last = replies.find((r) => r.status === 409)!;
    expect(last.body.error?.code).toBe("queue_full");
  });
});
