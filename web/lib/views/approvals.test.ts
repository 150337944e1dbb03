import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../schema/events";
import { makeStream } from "../fixtures";
import {
  buildApprovals,
  describeOutcome,
  emptyApprovals,
  foldApprovals,
  formatIn,
  pendingApprovals,
  pendingByAgent,
  resolveFromInfo,
} from "./approvals";
import { buildTranscript } from "./transcript";

const T0 = 1_700_000_000_000;
const H = 3_600_000;

function requested(ev: ReturnType<typeof makeStream>, id: string, agentId?: string, name = "write_file") {
  return ev({
    type: "approval.requested",
    approvalId: id,
    toolUseId: `tu_${id}`,
    name,
    input: { path: `notes/${id}.md`, content: "hello" },
    ...(agentId ? { agentId } : {}),
    expiresAt: T0 + 24 * H,
  });
}

describe("approvals fold", () => {
  it("turns requests into pending approvals and resolutions into outcomes, first decision standing", () => {
    const ev = makeStream();
    const events: StreamEvent[] = [
      requested(ev, "apr_1", "ag_1"),
      requested(ev, "apr_2", "ag_2"),
      requested(ev, "apr_3"),
      ev({
        type: "approval.resolved",
        approvalId: "apr_1",
        decision: "approve",
        by: "user",
        agentId: "ag_1",
      }),
      ev({
        type: "approval.resolved",
        approvalId: "apr_2",
        decision: "deny",
        note: "not there",
        by: "user",
        agentId: "ag_2",
      }),
      // A second resolution changes nothing; an unknown one is ignored.
      ev({ type: "approval.resolved", approvalId: "apr_1", decision: "deny", by: "timeout" }),
      ev({ type: "approval.resolved", approvalId: "apr_nope", decision: "deny", by: "user" }),
    ];
    const view = buildApprovals(events);
    expect(view.order).toEqual(["apr_1", "apr_2", "apr_3"]);
    expect(view.byId.get("apr_1")).toMatchObject({ status: "approved", by: "user", agentId: "ag_1" });
    expect(view.byId.get("apr_2")).toMatchObject({ status: "denied", by: "user", note: "not there" });
    expect(view.byId.get("apr_3")).toMatchObject({
      status: "pending",
      agentId: null,
      name: "write_file",
      input: { path: "notes/apr_3.md", content: "hello" },
      expiresAt: T0 + 24 * H,
    });
    expect(pendingApprovals(view).map((a) => a.approvalId)).toEqual(["apr_3"]);
    expect(describeOutcome(view.byId.get("apr_1")!)).toBe("Approved by you");
    expect(describeOutcome(view.byId.get("apr_2")!)).toBe("Denied by you");
  });

  it("is incremental: folding one event at a time equals building from scratch, and replays are no-ops", () => {
    const ev = makeStream();
    const events = [requested(ev, "a"), requested(ev, "b", "ag_1"), requested(ev, "c", "ag_1")];
    let view = emptyApprovals();
    for (const e of events) view = foldApprovals(view, e);
    expect(view).toEqual(buildApprovals(events));
    // A replayed request (same approvalId) keeps the same object.
    expect(foldApprovals(view, events[0]!)).toBe(view);
    const byAgent = pendingByAgent(view);
    expect(byAgent.get("")?.map((a) => a.approvalId)).toEqual(["a"]);
    expect(byAgent.get("ag_1")?.map((a) => a.approvalId)).toEqual(["b", "c"]);
  });

  it("says how a timeout and an interrupt ended an approval", () => {
    const ev = makeStream();
    const view = buildApprovals([
      requested(ev, "t"),
      requested(ev, "i"),
      ev({ type: "approval.resolved", approvalId: "t", decision: "deny", by: "timeout" }),
      ev({ type: "approval.resolved", approvalId: "i", decision: "deny", by: "interrupt" }),
    ]);
    expect(describeOutcome(view.byId.get("t")!)).toMatch(/^Denied automatically/);
    expect(describeOutcome(view.byId.get("i")!)).toBe("Denied: the run was stopped");
  });

  it("takes a decision's answer before its event, and ignores one that is still pending", () => {
    const ev = makeStream();
    const a = buildApprovals([requested(ev, "x")]).byId.get("x")!;
    const info = {
      approvalId: "x",
      toolUseId: "tu_x",
      name: "write_file",
      input: {},
      status: "denied" as const,
      requestedAt: T0,
      expiresAt: T0 + H,
      decidedAt: T0 + 5,
      by: "user" as const,
      note: "no",
      runId: "r1",
    };
    expect(resolveFromInfo(a, info)).toMatchObject({ status: "denied", note: "no", decidedAt: T0 + 5 });
    expect(resolveFromInfo(a, { ...info, status: "pending" })).toBe(a);
  });

  it("formats the time left before an automatic denial", () => {
    expect(formatIn(T0 + 23 * H + 10 * 60_000, T0)).toBe("in 23 h");
    expect(formatIn(T0 + 5 * 60_000, T0)).toBe("in 5 min");
    expect(formatIn(T0 + 10_000, T0)).toBe("in less than a minute");
    expect(formatIn(T0 - 10_000, T0)).toBe("in less than a minute");
    expect(formatIn(T0 + 6 * 24 * H, T0)).toBe("in 6 d");
  });
});

describe("approvals in the transcript", () => {
  it("places an approval after the call that asked, and resolves it in place", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "message.user", messageId: "u1", text: "write it" }),
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "message.started", messageId: "m1", model: "claude-sonnet-5-5" }),
      ev({ type: "tool.started", messageId: "m1", toolUseId: "tu_apr_1", name: "write_file" }),
      ev({ type: "tool.called", toolUseId: "tu_apr_1", name: "write_file", input: { path: "a.md" } }),
      requested(ev, "apr_1"),
      requested(ev, "apr_1"), // replayed: still one card
      requested(ev, "apr_2", "ag_1"),
      ev({ type: "approval.resolved", approvalId: "apr_1", decision: "deny", note: "later", by: "user" }),
    ]);
    expect(t.items.map((i) => i.kind)).toEqual(["user", "assistant", "approval", "approval"]);
    const [first, second] = t.items.filter((i) => i.kind === "approval");
    expect(first).toMatchObject({
      key: "a:apr_1",
      approval: { status: "denied", note: "later", by: "user" },
    });
    expect(second).toMatchObject({ key: "a:apr_2", approval: { status: "pending", agentId: "ag_1" } });
  });

  it("marks a budget failure so the chat can link it to the settings", () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "run.failed", runId: "r1", error: { code: "budget_exceeded", message: "Over budget" } }),
    ]);
    const notice = t.items.find((i) => i.kind === "notice");
    expect(notice).toMatchObject({ code: "budget_exceeded", title: "Budget exceeded — the run was stopped" });
  });
});
