// The demo brain through the whole app (no key, no script): the orchestrator and its agents are real
// objects, the files a real workspace. It makes the team asked for, answers "thanks, summarise"
// without a run, and a follow-up change edits the file the team wrote instead of adding one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../schema/events";
import { api, createOrchestrator, makeUser, runsIdle, type TestUser, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

type Agent = { name: string; status: string; result: string | null };

async function say(user: TestUser, id: string, text: string, runs: number): Promise<StreamEvent[]> {
  const sent = await api(user, "POST", `/api/orchestrators/${id}/messages`, { text });
  expect(sent.status).toBe(202);
  const events = await waitFor(orchestrator(id), runsIdle(runs), 30_000);
  const ends = events.filter((e) => e.type === "run.completed" || e.type === "run.failed");
  expect(ends.at(-1)?.type, JSON.stringify(ends.at(-1))).toBe("run.completed");
  return events;
}

/** The events of the latest run: from its run.started on. */
function lastRun(events: StreamEvent[]): StreamEvent[] {
  const start = events.findLastIndex((e) => e.type === "run.started");
  return events.slice(start);
}

const answerOf = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.type === "text.delta" ? [e.text] : [])).join("");

async function filesOf(user: TestUser, id: string): Promise<string[]> {
  const list = await api<{ files: { path: string }[] }>(user, "GET", `/api/orchestrators/${id}/files`);
  return list.body.files.map((f) => f.path).sort();
}

async function settled(user: TestUser, id: string, count: number): Promise<Agent[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = await api<{ agents: Agent[] }>(user, "GET", `/api/orchestrators/${id}/agents`);
    const agents = list.body.agents;
    if (agents.length === count && agents.every((a) => a.status === "complete")) return agents;
    if (Date.now() > deadline) throw new Error(`agents: ${JSON.stringify(agents)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("demo brain in the app", () => {
  it("makes three agents when asked, recaps without a run, and edits the file a follow-up names", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);

    await say(user, id, "Use three agents to write a short guide to green tea.", 1);
    const team = await settled(user, id, 3);
    expect(team.map((a) => a.name).sort()).toEqual(["editor", "researcher", "writer"]);
    const files = await filesOf(user, id);
    expect(files).toHaveLength(3);

    // Chat-only: a short answer from the reports; no agent is commanded, no file written.
    const recap = lastRun(await say(user, id, "thanks, summarise", 2));
    expect(recap.filter((e) => e.type === "tool.called")).toEqual([]);
    const text = answerOf(recap);
    expect(text).toMatch(/^You're welcome\. In short:/);
    expect(text.length).toBeLessThan(700);
    const writer = team.find((a) => a.name === "writer")!;
    const guide = files.find((f) => writer.result?.includes(f))!;
    expect(text).toContain(guide);

    // A change: the writer reads its file and writes it back with the section added; no new file.
    const before = await api<{ content: string }>(user, "GET", `/api/orchestrators/${id}/files/${guide}`);
    const change = lastRun(await say(user, id, "Add a section on brewing temperature to the guide.", 3));
    expect(
      change.flatMap((e) =>
        e.type === "tool.called" ? [[e.name, (e.input as { name?: string }).name]] : [],
      ),
    ).toEqual([
      ["command_agent", "writer"],
      ["wait_for_agents", undefined],
    ]);
    expect(await filesOf(user, id)).toEqual(files);
    const after = await api<{ content: string }>(user, "GET", `/api/orchestrators/${id}/files/${guide}`);
    expect(after.body.content).toContain("## Brewing temperature");
    expect(after.body.content).toContain(before.body.content.split("\n")[0]!);
    expect(answerOf(change)).toContain(`Updated ${guide}`);
  });
});
