import { describe, expect, it } from "vitest";
import { categoryOf, emptyFilter, filterEvents, matchesFilter, summarize } from "./eventText";
import { agentSummary, makeStream, usage } from "./fixtures";

const ev = makeStream();
const events = [
  ev({ type: "message.user", messageId: "u1", text: "Build a team" }),
  ev({ type: "run.started", runId: "r1", trigger: "user" }),
  ev({ type: "text.delta", messageId: "m1", index: 0, text: "On it" }),
  ev({ type: "tool.called", toolUseId: "t1", name: "create_agent", input: { name: "writer" } }),
  ev({ type: "tool.result", toolUseId: "t1", isError: true, content: "boom", ms: 3 }),
  ev({ type: "agent.created", agent: agentSummary({ id: "a1", name: "writer" }) }),
  ev({ type: "agent.status", agentId: "a1", status: "executing", note: "drafting" }),
  ev({ type: "file.changed", path: "notes/x.md", size: 10, by: "a1" }),
  ev({ type: "llm.retry", attempt: 1, delayMs: 500, reason: "overloaded" }),
  ev({ type: "run.completed", runId: "r1", usage: usage(), costUsd: 0.01 }),
];
const names = new Map([["a1", "writer"]]);

describe("event text and filters", () => {
  it("summarises events in one line, with agent names", () => {
    expect(summarize(events[6]!, names)).toBe("writer → executing: drafting");
    expect(summarize(events[7]!, names)).toBe("Wrote notes/x.md (10 B) by writer");
    expect(summarize(events[2]!)).toBe('"On it"');
  });

  it("categorises, with failed tool results as errors", () => {
    expect(events.map(categoryOf)).toEqual([
      "message",
      "run",
      "delta",
      "tool",
      "error",
      "agent",
      "agent",
      "file",
      "error",
      "run",
    ]);
  });

  it("filters by errors, tools, type, agent and text", () => {
    const f = emptyFilter();
    expect(filterEvents(events, f)).toBeNull();
    expect(filterEvents(events, { ...f, errorsOnly: true })).toEqual([4, 8]);
    expect(filterEvents(events, { ...f, toolsOnly: true })).toEqual([3, 4]);
    expect(filterEvents(events, { ...f, categories: new Set(["file"]) })).toEqual([7]);
    expect(filterEvents(events, { ...f, agentId: "a1" }, names)).toEqual([3, 5, 6, 7]);
    expect(filterEvents(events, { ...f, text: "TEAM" })).toEqual([0]);
    expect(filterEvents(events, { ...f, hideDeltas: true })).toHaveLength(events.length - 1);
    expect(matchesFilter(events[1]!, { ...f, text: "run.sta" })).toBe(true);
  });
});
