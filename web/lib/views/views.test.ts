import { describe, expect, it } from "vitest";
import { foldIncrementally } from "../../hooks/useFold";
import { applyEvents, emptyLog } from "../eventLog";
import { agentSummary, makeStream, simpleTurn, usage } from "../fixtures";
import { agentList, buildAgents, emptyAgents, foldAgents } from "./agents";
import { buildFiles, fileTree, seedFiles } from "./files";
import {
  type AssistantItem,
  buildTranscript,
  emptyTranscript,
  foldTranscript,
  type ToolBlock,
} from "./transcript";

describe("transcript", () => {
  it("assembles an assistant message from text and thinking deltas by messageId and index", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "message.user", messageId: "u1", text: "hi", clientId: "c1" }),
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "message.started", messageId: "m1", model: "claude-sonnet-5-5" }),
      ev({ type: "thinking.delta", messageId: "m1", index: 0, text: "Let me " }),
      ev({ type: "thinking.delta", messageId: "m1", index: 0, text: "think." }),
      ev({ type: "text.delta", messageId: "m1", index: 1, text: "Hello" }),
      ev({ type: "text.delta", messageId: "m1", index: 1, text: ", world" }),
    ]);
    expect(t.items.map((i) => i.kind)).toEqual(["user", "assistant"]);
    const m = t.items[1] as AssistantItem;
    expect(m.blocks).toEqual([
      { kind: "thinking", index: 0, text: "Let me think." },
      { kind: "text", index: 1, text: "Hello, world" },
    ]);
    expect(m.streaming).toBe(true);
    expect(t.phase).toBe("writing");
    expect(t.activeRun?.runId).toBe("r1");
    expect(t.seenClientIds.has("c1")).toBe(true);
  });

  it("builds tool cards through started → called → result, with ms", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "message.started", messageId: "m1", model: "x" }),
      ev({ type: "tool.started", messageId: "m1", toolUseId: "t1", name: "create_agent" }),
      ev({ type: "tool.called", toolUseId: "t1", name: "create_agent", input: { name: "a" } }),
    ]);
    const tool = (t.items[0] as AssistantItem).blocks[0] as ToolBlock;
    expect(tool).toMatchObject({ status: "running", input: { name: "a" } });
    expect(t.phase).toBe("tool");
    const done = foldTranscript(
      t,
      ev({ type: "tool.result", toolUseId: "t1", isError: false, content: "ok", ms: 42 }),
    );
    expect((done.items[0] as AssistantItem).blocks[0]).toMatchObject({
      status: "done",
      result: "ok",
      ms: 42,
    });
    const failed = foldTranscript(
      t,
      ev({ type: "tool.result", toolUseId: "t1", isError: true, content: "no", ms: 1 }),
    );
    expect(((failed.items[0] as AssistantItem).blocks[0] as ToolBlock).status).toBe("error");
  });

  it("records per-turn usage and cost, and ends the run", () => {
    const ev = makeStream();
    const t = buildTranscript(simpleTurn(ev, 1));
    const m = t.items[1] as AssistantItem;
    expect(m.usage).toEqual(usage());
    expect(m.costUsd).toBe(0.001);
    expect(m.streaming).toBe(false);
    const turn = t.items[2];
    expect(turn).toMatchObject({ kind: "turn", outcome: "completed", costUsd: 0.001 });
    expect(t.activeRun).toBeNull();
    expect(t.phase).toBe("idle");
  });

  it("shows retries and failures as notices and closes dangling tools", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "llm.retry", attempt: 1, delayMs: 1500, reason: "overloaded" }),
      ev({ type: "message.started", messageId: "m1", model: "x" }),
      ev({ type: "tool.started", messageId: "m1", toolUseId: "t1", name: "read_file" }),
      ev({
        type: "run.failed",
        runId: "r1",
        error: { code: "budget_exceeded", message: "Budget of $1 reached." },
      }),
    ]);
    const kinds = t.items.map((i) => i.kind);
    expect(kinds).toEqual(["notice", "assistant", "notice", "turn"]);
    expect(t.items[0]).toMatchObject({ tone: "warning", title: expect.stringContaining("overloaded") });
    expect(t.items[0]).toMatchObject({ title: expect.stringContaining("1.5 s") });
    expect(t.items[2]).toMatchObject({ tone: "error", title: expect.stringContaining("Budget") });
    expect(((t.items[1] as AssistantItem).blocks[0] as ToolBlock).status).toBe("error");
    expect((t.items[1] as AssistantItem).streaming).toBe(false);
  });

  it("explains runs nobody typed", () => {
    const ev = makeStream();
    const t = buildTranscript([ev({ type: "run.started", runId: "r1", trigger: "agent_report" })]);
    expect(t.items[0]).toMatchObject({ kind: "notice", title: "An agent reported back" });
    expect(t.activeRun?.trigger).toBe("agent_report");
  });

  it("marks interrupted turns", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "run.interrupted", runId: "r1" }),
    ]);
    expect(t.items[0]).toMatchObject({ kind: "turn", outcome: "interrupted" });
  });

  it("gives the same result folded incrementally or from scratch", () => {
    const ev = makeStream();
    const all = [...simpleTurn(ev, 1), ...simpleTurn(ev, 2, ["a", "b", "c"])];
    let log = emptyLog();
    let cache = null;
    for (const e of all) {
      log = applyEvents(log, [e]);
      cache = foldIncrementally(cache, log, emptyTranscript, foldTranscript, undefined);
    }
    expect(cache!.state.items).toEqual(buildTranscript(all).items);
    // An out-of-order insert bumps the epoch and rebuilds.
    const holey = applyEvents(
      emptyLog(),
      all.filter((e) => e.seq !== 3),
    );
    let c2 = foldIncrementally(null, holey, emptyTranscript, foldTranscript, undefined);
    const filled = applyEvents(holey, [all[2]!]);
    c2 = foldIncrementally(c2, filled, emptyTranscript, foldTranscript, undefined);
    expect(c2.state.items).toEqual(buildTranscript(all).items);
  });

  it("folds 50,000 events quickly", () => {
    const ev = makeStream();
    const all = [];
    for (let n = 0; all.length < 50_000; n++)
      all.push(
        ...simpleTurn(
          ev,
          n,
          Array.from({ length: 40 }, () => "x"),
        ),
      );
    const t0 = performance.now();
    const t = buildTranscript(all);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(t.items.length).toBeGreaterThan(3000);
  });
});

describe("agents", () => {
  it("follows agents through created, status, usage, completed and deleted", () => {
    const ev = makeStream();
    const v = buildAgents([
      ev({ type: "agent.created", agent: agentSummary({ id: "a1", name: "writer" }) }),
      ev({ type: "agent.created", agent: agentSummary({ id: "a2", name: "critic" }) }),
      ev({
        type: "tool.called",
        toolUseId: "t",
        name: "command_agent",
        input: { name: "writer", task: "Write it" },
      }),
      ev({ type: "agent.status", agentId: "a1", status: "executing", note: "drafting" }),
      ev({
        type: "agent.usage",
        agentId: "a1",
        totals: { ...usage(500, 50), costUsd: 0.02 },
        contextTokens: 1234,
      }),
      ev({ type: "agent.status", agentId: "a1", status: "complete" }),
      ev({ type: "agent.completed", agentId: "a1", result: "Done." }),
      ev({ type: "agent.deleted", agentId: "a2" }),
    ]);
    const a1 = v.byId.get("a1")!;
    expect(a1).toMatchObject({ status: "complete", note: "drafting", task: "Write it", result: "Done." });
    expect(a1.totals.costUsd).toBe(0.02);
    expect(a1.contextTokens).toBe(1234);
    expect(a1.notes.map((n) => n.status)).toEqual(["executing", "complete"]);
    expect(agentList(v).map((a) => a.id)).toEqual(["a1"]);
    expect(agentList(v, true).map((a) => a.id)).toEqual(["a1", "a2"]);
  });

  it("ignores events for unknown agents and seeds from a snapshot", () => {
    const ev = makeStream();
    const v = foldAgents(emptyAgents(), ev({ type: "agent.status", agentId: "zz", status: "failed" }));
    expect(v.byId.size).toBe(0);
    const seeded = buildAgents([], [agentSummary({ id: "a9", status: "executing" })]);
    expect(seeded.byId.get("a9")?.status).toBe("executing");
  });
});

describe("files", () => {
  it("tracks file.changed including deletes and builds a sorted tree", () => {
    const ev = makeStream();
    const v = buildFiles([
      ev({ type: "file.changed", path: "notes/b.md", size: 10, by: "a1" }),
      ev({ type: "file.changed", path: "notes/a.md", size: 5, by: "a2" }),
      ev({ type: "file.changed", path: "README.md", size: 3, by: "user" }),
      ev({ type: "file.changed", path: "notes/b.md", size: 12, by: "a1" }),
      ev({ type: "file.changed", path: "tmp.txt", size: 1, by: "a1" }),
      ev({ type: "file.changed", path: "tmp.txt", size: 0, by: "a1", deleted: true }),
    ]);
    expect([...v.keys()].sort()).toEqual(["README.md", "notes/a.md", "notes/b.md"]);
    expect(v.get("notes/b.md")).toMatchObject({ size: 12, changes: 2 });
    const tree = fileTree(v);
    expect(tree.children.map((c) => c.name)).toEqual(["notes", "README.md"]);
    expect(tree.children[0]!.children.map((c) => c.path)).toEqual(["notes/a.md", "notes/b.md"]);
  });

  it("keeps newer event data over an older listing", () => {
    const ev = makeStream("orchestrator:o1", 1, 2_000_000_000_000);
    const v = buildFiles([ev({ type: "file.changed", path: "x.md", size: 99, by: "a1" })]);
    const seeded = seedFiles(v, [{ path: "x.md", size: 1, version: 1, updatedBy: "a1", updatedAt: 1 }]);
    expect(seeded.get("x.md")?.size).toBe(99);
  });
});
