// Where the transcript puts queued, held, cancelled and edited messages and agents' reports, and
// which turn actions it offers (chatOffers.ts).
import { describe, expect, it } from "vitest";
import { makeStream, simpleTurn, usage } from "../fixtures";
import { heldWork, turnOffers } from "./chatOffers";
import { buildTranscript } from "./transcript";

const kinds = (t: ReturnType<typeof buildTranscript>) => t.items.map((i) => i.kind);

describe("queued messages", () => {
  it("a message sent mid-stream waits after the running turn, and joins when its run starts", () => {
    const ev = makeStream();
    const running = [
      ev({ type: "message.user", messageId: "u1", text: "first" }),
      ev({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1" }),
      ev({ type: "message.started", messageId: "m1", model: "x" }),
      ev({ type: "text.delta", messageId: "m1", index: 0, text: "Working on it" }),
      ev({ type: "message.user", messageId: "u2", text: "and then this", clientId: "c2" }),
    ];
    const t = buildTranscript(running);
    expect(kinds(t)).toEqual(["user", "assistant"]);
    expect(t.queued.map((q) => q.messageId)).toEqual(["u2"]);
    expect(t.seenClientIds.has("c2")).toBe(true);

    const next = buildTranscript([
      ...running,
      ev({ type: "message.completed", messageId: "m1", stopReason: "end_turn", usage: usage(), costUsd: 0 }),
      ev({ type: "run.completed", runId: "r1", usage: usage(), costUsd: 0 }),
      ev({ type: "run.started", runId: "r2", trigger: "user", messageId: "u2" }),
    ]);
    expect(kinds(next)).toEqual(["user", "assistant", "turn", "user"]);
    expect(next.queued).toEqual([]);
    expect(next.items[3]).toMatchObject({ kind: "user", messageId: "u2" });
  });

  it("after Stop the divider lands above the held messages, and the hold is said below it", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "message.user", messageId: "u1", text: "long one" }),
      ev({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1" }),
      ev({ type: "message.started", messageId: "m1", model: "x" }),
      ev({ type: "text.delta", messageId: "m1", index: 0, text: "Once upon" }),
      ev({ type: "message.user", messageId: "u2", text: "follow-up" }),
      ev({ type: "inbox.held", held: true, queuedReports: 0 }),
      ev({ type: "run.interrupted", runId: "r1" }),
    ]);
    expect(kinds(t)).toEqual(["user", "assistant", "turn", "notice"]);
    expect(t.items[2]).toMatchObject({ kind: "turn", outcome: "interrupted" });
    expect(t.items[3]).toMatchObject({ title: expect.stringContaining("nothing starts on its own") });
    expect(t.queued.map((q) => q.messageId)).toEqual(["u2"]);
    expect(heldWork(t)).toEqual({ messages: 1, reports: 0 });
    // Nothing is retried past a waiting message; Resume or a new message goes first.
    expect(turnOffers(t).retryRunId).toBeNull();
  });

  it("a cancelled message leaves the queue and a line says it never ran", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "message.user", messageId: "u1", text: "first" }),
      ev({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1" }),
      ev({ type: "message.user", messageId: "u2", text: "never mind" }),
      ev({ type: "message.cancelled", messageId: "u2" }),
    ]);
    expect(t.queued).toEqual([]);
    expect(t.items.at(-1)).toMatchObject({ kind: "cancelled", messageId: "u2", text: "never mind" });
  });

  it("editing a queued message replaces it without a cancelled line; an answered one stays, marked", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ...simpleTurn(ev, 1),
      ev({ type: "message.user", messageId: "u9", text: "tpyo" }),
      ev({ type: "message.cancelled", messageId: "u9" }),
      ev({ type: "message.user", messageId: "u10", text: "typo", edits: "u9" }),
      ev({ type: "message.user", messageId: "u11", text: "question 1, better", edits: "u1" }),
    ]);
    expect(t.items.some((i) => i.kind === "cancelled")).toBe(false);
    expect(t.queued.map((q) => [q.messageId, q.edits])).toEqual([
      ["u10", "u9"],
      ["u11", "u1"],
    ]);
    expect(t.items[0]).toMatchObject({ kind: "user", messageId: "u1", editedBy: "u11" });
  });
});

describe("agents' reports", () => {
  it("a report that starts a run is a delivered card with its result", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "agent.created", agent: { id: "a1", name: "scout" } as never }),
      ev({ type: "agent.completed", agentId: "a1", result: "# Found\nthree things" }),
      ev({ type: "run.started", runId: "r1", trigger: "agent_report", reports: ["a1"] }),
    ]);
    expect(t.items).toEqual([
      expect.objectContaining({
        kind: "report",
        name: "scout",
        result: "# Found\nthree things",
        state: "delivered",
        withMessage: false,
      }),
    ]);
  });

  it("held by a Stop it waits as a card, and is handed over with the next message", () => {
    const ev = makeStream();
    const held = [
      ev({ type: "agent.created", agent: { id: "a1", name: "scout" } as never }),
      ev({ type: "inbox.held", held: true, queuedReports: 0 }),
      ev({ type: "agent.completed", agentId: "a1", result: "done" }),
    ];
    const t = buildTranscript(held);
    expect(t.items.at(-1)).toMatchObject({ kind: "report", state: "queued" });
    expect(heldWork(t)).toEqual({ messages: 0, reports: 1 });
    const after = buildTranscript([
      ...held,
      ev({ type: "message.user", messageId: "u1", text: "go on" }),
      ev({ type: "inbox.held", held: false, queuedReports: 1 }),
      ev({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1", reports: ["a1"] }),
    ]);
    expect(after.items.filter((i) => i.kind === "report")).toEqual([
      expect.objectContaining({ state: "delivered", withMessage: true }),
    ]);
    expect(heldWork(after)).toBeNull();
  });
});

describe("turn offers", () => {
  it("regenerate on the latest completed turn; nothing while a run goes or a message waits", () => {
    const ev = makeStream();
    const done = [...simpleTurn(ev, 1), ...simpleTurn(ev, 2)];
    const t = buildTranscript(done);
    expect(turnOffers(t)).toEqual({
      turnKey: t.items.findLast((i) => i.kind === "turn")?.key,
      retryRunId: null,
      regenerateMessageId: "u2",
    });
    const busy = buildTranscript([...done, ev({ type: "message.user", messageId: "u3", text: "more" })]);
    expect(turnOffers(busy).turnKey).toBeNull();
  });

  it("retry on a failed or stopped turn; after a successful retry, regenerate the message it answered", () => {
    const ev = makeStream();
    const failed = [
      ev({ type: "message.user", messageId: "u1", text: "hello" }),
      ev({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1" }),
      ev({ type: "run.failed", runId: "r1", error: { code: "llm_unavailable", message: "down" } }),
    ];
    const t = buildTranscript(failed);
    expect(turnOffers(t)).toMatchObject({ retryRunId: "r1", regenerateMessageId: null });
    const retried = buildTranscript([
      ...failed,
      ev({ type: "run.started", runId: "r2", trigger: "user", retryOf: "r1" }),
      ev({ type: "run.failed", runId: "r2", error: { code: "llm_unavailable", message: "down" } }),
      ev({ type: "run.started", runId: "r3", trigger: "user", retryOf: "r2" }),
      ev({ type: "run.completed", runId: "r3", usage: usage(), costUsd: 0 }),
    ]);
    expect(
      retried.items.filter((i) => i.kind === "notice").map((n) => n.kind === "notice" && n.title),
    ).toContain("Retrying the turn that did not finish");
    expect(turnOffers(retried)).toMatchObject({ retryRunId: null, regenerateMessageId: "u1" });
  });

  it("a turn that answered only reports can't be regenerated", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "agent.completed", agentId: "a1", result: "done" }),
      ev({ type: "run.started", runId: "r1", trigger: "agent_report", reports: ["a1"] }),
      ev({ type: "run.completed", runId: "r1", usage: usage(), costUsd: 0 }),
    ]);
    expect(turnOffers(t).regenerateMessageId).toBeNull();
  });
});
