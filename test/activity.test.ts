// The control room sees what each agent is doing (issue "control room"): `agent.activity` on the
// orchestrator's stream — a tool call at once, streaming text at most every ~500 ms per agent.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  allEvents,
  api,
  createOrchestrator,
  makeUser,
  eventsOfType as of,
  runsIdle,
  sim,
  soloAgentScript,
  waitFor,
} from "./helpers";

describe("agent activity on the orchestrator stream", () => {
  it("reports each tool call and the agent's latest line, throttled per agent", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    // ~1,700 tokens of text per message (the whole task must fit the orchestrator's own response).
    const long = "The quick brown fox jumps over the lazy dog. ".repeat(150);
    const task = sim([
      { text: long, tools: [{ name: "write_file", input: { path: "notes/a.md", content: "a" } }] },
      { text: `${long} Finishing now.`, tools: [{ name: "report", input: { result: "wrote notes/a.md" } }] },
      { text: "Done." },
    ]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: soloAgentScript("writer", "Write.", task),
    });
    const events = await waitFor(env.ORCHESTRATOR.getByName(id), runsIdle(1), 30_000);
    expect(events.at(-1)?.type).toBe("run.completed");
    const activity = of(events, "agent.activity");
    const tools = activity.filter((a) => a.kind === "tool").map((a) => a.name);
    expect(tools).toEqual(["write_file", "report"]);
    expect(activity.find((a) => a.name === "write_file")?.summary).toContain("notes/a.md");
    const lines = activity.filter((a) => a.kind === "text");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.summary.length <= 170)).toBe(true);
    // Throttled at the agent: at most one line per ~500 ms of its streaming (plus one per message
    // at its end). Counted, not measured pairwise: an RPC can arrive late on a busy machine, so two
    // lines sent 500 ms apart may be logged closer together by the orchestrator. (Its text is
    // logged coalesced, DESIGN §11, so the logged deltas span the streaming, a few per message.)
    const [agent] = await env.ORCHESTRATOR.getByName(id).agents();
    const own = await allEvents({ events: (a, l) => env.AGENT.getByName(agent!.id).events(a, l) });
    const deltas = of(own, "text.delta");
    expect(deltas.map((e) => e.text).join("")).toContain("Finishing now.");
    const streamingMs = deltas.at(-1)!.ts - deltas[0]!.ts;
    const messages = new Set(deltas.map((d) => d.messageId)).size;
    expect(lines.length).toBeLessThanOrEqual(Math.floor(streamingMs / 500) + 2 * messages);
  });

  it("shows an agent's line while it streams, before its own log has the text", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    // The agent's first attempt streams a little and stalls (the 1.5 s idle timeout retries it).
    // Nobody watches the agent, so its log takes the text only at the attempt's end (DESIGN §11).
    const task = sim([{ fault: "stall", times: 1 }, { text: "Reading the sources now. ".repeat(40) }]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: soloAgentScript("reader", "Read.", task),
    });
    const events = await waitFor(env.ORCHESTRATOR.getByName(id), runsIdle(1), 30_000);
    const [agent] = await env.ORCHESTRATOR.getByName(id).agents();
    const own = await allEvents({ events: (a, l) => env.AGENT.getByName(agent!.id).events(a, l) });
    const stalled = of(own, "message.started")[0]!;
    const logged = of(own, "text.delta").find((e) => e.messageId === stalled.messageId)!;
    // The control room had the line from the live text, well before the agent's log got it.
    const line = of(events, "agent.activity").find((a) => a.kind === "text");
    expect(line?.summary.length).toBeGreaterThan(0);
    expect(logged.ts - line!.ts).toBeGreaterThan(500);
  });
});
