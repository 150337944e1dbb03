// Approvals (DESIGN §9) as a pure fold over a stream's events: each approval.requested becomes a
// pending approval, its approval.resolved says how it ended. The orchestrator's stream carries its
// own and its agents' (with agentId); an agent's stream carries the agent's own. The transcript
// fold (transcript.ts) places the same records inline in the chat.
import type { ApprovalDecision, ApprovalInfo, StreamEvent } from "../../../schema/events";

export type ApprovalView = {
  approvalId: string;
  toolUseId: string;
  name: string;
  input: unknown;
  /** The agent whose call it is; null for the orchestrator's own (or an agent's, on its own stream). */
  agentId: string | null;
  requestedAt: number;
  /** When nobody answering denies it (ms epoch); null when the server didn't say. */
  expiresAt: number | null;
  status: "pending" | "approved" | "denied";
  by: "user" | "timeout" | "interrupt" | null;
  note: string | null;
  decidedAt: number | null;
};

export type ApprovalsView = {
  byId: ReadonlyMap<string, ApprovalView>;
  /** Request order. */
  order: readonly string[];
};

export const emptyApprovals = (): ApprovalsView => ({ byId: new Map(), order: [] });

type Requested = Extract<StreamEvent, { type: "approval.requested" }>;
type Resolved = Extract<StreamEvent, { type: "approval.resolved" }>;

export function approvalFromRequest(ev: Requested): ApprovalView {
  return {
    approvalId: ev.approvalId,
    toolUseId: ev.toolUseId,
    name: ev.name,
    input: ev.input,
    agentId: ev.agentId ?? null,
    requestedAt: ev.ts,
    expiresAt: ev.expiresAt ?? null,
    status: "pending",
    by: null,
    note: null,
    decidedAt: null,
  };
}

export const statusOf = (decision: ApprovalDecision): ApprovalView["status"] =>
  decision === "approve" ? "approved" : "denied";

/** The approval as its approval.resolved event leaves it (the first decision stands). */
export function resolveApproval(a: ApprovalView, ev: Resolved): ApprovalView {
  if (a.status !== "pending") return a;
  return { ...a, status: statusOf(ev.decision), by: ev.by, note: ev.note ?? null, decidedAt: ev.ts };
}

/** The same from the API's answer to a decision (the frame or POST), before its event arrives. */
export function resolveFromInfo(a: ApprovalView, info: ApprovalInfo): ApprovalView {
  if (a.status !== "pending" || info.status === "pending") return a;
  return {
    ...a,
    status: info.status,
    by: info.by ?? "user",
    note: info.note ?? null,
    decidedAt: info.decidedAt ?? null,
  };
}

export function foldApprovals(view: ApprovalsView, ev: StreamEvent): ApprovalsView {
  if (ev.type === "approval.requested") {
    if (view.byId.has(ev.approvalId)) return view;
    return {
      byId: new Map(view.byId).set(ev.approvalId, approvalFromRequest(ev)),
      order: [...view.order, ev.approvalId],
    };
  }
  if (ev.type === "approval.resolved") {
    const a = view.byId.get(ev.approvalId);
    if (!a) return view;
    const next = resolveApproval(a, ev);
    return next === a ? view : { ...view, byId: new Map(view.byId).set(a.approvalId, next) };
  }
  return view;
}

export function buildApprovals(events: readonly StreamEvent[]): ApprovalsView {
  let view = emptyApprovals();
  for (const ev of events) view = foldApprovals(view, ev);
  return view;
}

/** Pending approvals, oldest first. */
export function pendingApprovals(view: ApprovalsView): ApprovalView[] {
  const out: ApprovalView[] = [];
  for (const id of view.order) {
    const a = view.byId.get(id);
    if (a?.status === "pending") out.push(a);
  }
  return out;
}

/** Pending approvals grouped by agent (the orchestrator's own under ""). */
export function pendingByAgent(view: ApprovalsView): ReadonlyMap<string, ApprovalView[]> {
  const out = new Map<string, ApprovalView[]>();
  for (const a of pendingApprovals(view)) {
    const key = a.agentId ?? "";
    out.set(key, [...(out.get(key) ?? []), a]);
  }
  return out;
}

/** "in 23 h", "in 5 min", "in less than a minute": how long until `ts`. */
export function formatIn(ts: number, now: number): string {
  const d = ts - now;
  if (d < 60_000) return "in less than a minute";
  if (d < 3_600_000) return `in ${Math.round(d / 60_000)} min`;
  if (d < 48 * 3_600_000) return `in ${Math.round(d / 3_600_000)} h`;
  return `in ${Math.round(d / 86_400_000)} d`;
}

/** How a decided approval ended, in words: "Approved by you", "Denied automatically: nobody answered in time". */
export function describeOutcome(a: ApprovalView): string {
  if (a.status === "pending") return "Waiting for your decision";
  if (a.status === "approved") return "Approved by you";
  if (a.by === "timeout") return "Denied automatically: nobody answered in time";
  if (a.by === "interrupt") return "Denied: the run was stopped";
  return "Denied by you";
}
