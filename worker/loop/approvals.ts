// Human approvals (DESIGN §9). A call to a tool whose policy is "ask" records a pending approval
// durably (keyed by its tool_use_id, so a replay finds it), announces approval.requested and
// suspends the run without holding the object. A decision — the user's, a timeout, or an
// interrupt — is recorded once; an approved call then runs exactly once, a denied one answers the
// model with an is_error result that says so.
import type { ApprovalDecision, EventBody } from "../../schema/events";
import type { Store } from "../db/store";
import type { Approval } from "../db/store-types";

export type { Approval } from "../db/store-types";

export const DEFAULT_APPROVAL_TIMEOUT_SEC = 86_400;

/** The approval id of a tool call: stable, so a replayed step finds the same approval. */
export const approvalIdFor = (toolUseId: string): string => `apr_${toolUseId.replace(/^[a-z]+_/, "")}`;

export type Decided =
  | { approval: Approval }
  | { error: "not_found" | "already_decided"; approval?: Approval };

export class Approvals {
  constructor(
    private readonly store: Store,
    private readonly emit: (body: EventBody) => void,
  ) {}

  all(): Approval[] {
    return Object.values(this.store.get("approvals") ?? {});
  }

  pending(): Approval[] {
    return this.all().filter((a) => a.status === "pending");
  }

  forToolUse(toolUseId: string): Approval | undefined {
    return this.store.get("approvals")?.[approvalIdFor(toolUseId)];
  }

  /** Records a pending approval and announces it (in the caller's transaction). Idempotent. */
  request(runId: string, call: { id: string; name: string; input: unknown }): Approval {
    const existing = this.forToolUse(call.id);
    if (existing) return existing;
    const c = this.store.config();
    const now = Date.now();
    const approval: Approval = {
      approvalId: approvalIdFor(call.id),
      toolUseId: call.id,
      runId,
      name: call.name,
      input: call.input,
      status: "pending",
      requestedAt: now,
      expiresAt: now + (c.approvalTimeoutSec ?? DEFAULT_APPROVAL_TIMEOUT_SEC) * 1000,
      ...(c.kind === "agent" ? { agentId: c.id } : {}),
    };
    this.store.transaction(() => {
      this.store.set("approvals", {
        ...(this.store.get("approvals") ?? {}),
        [approval.approvalId]: approval,
      });
      this.emit({
        type: "approval.requested",
        approvalId: approval.approvalId,
        toolUseId: call.id,
        name: call.name,
        input: call.input,
        expiresAt: approval.expiresAt,
        ...(approval.agentId ? { agentId: approval.agentId } : {}),
      });
    });
    return approval;
  }

  /** Records a decision once; a second one is refused (the first stands). */
  decide(
    approvalId: string,
    decision: ApprovalDecision,
    by: "user" | "timeout" | "interrupt",
    note?: string,
  ): Decided {
    const all = this.store.get("approvals") ?? {};
    const approval = all[approvalId];
    if (!approval) return { error: "not_found" };
    if (approval.status !== "pending") return { error: "already_decided", approval };
    const decided: Approval = {
      ...approval,
      status: decision === "approve" ? "approved" : "denied",
      decidedAt: Date.now(),
      by,
      ...(note ? { note } : {}),
    };
    this.store.transaction(() => {
      this.store.set("approvals", { ...all, [approvalId]: decided });
      this.emit({
        type: "approval.resolved",
        approvalId,
        decision,
        by,
        ...(note ? { note } : {}),
        ...(decided.agentId ? { agentId: decided.agentId } : {}),
      });
    });
    return { approval: decided };
  }

  /** Denies every pending approval whose time is up; returns how many. */
  expire(now = Date.now()): number {
    const due = this.pending().filter((a) => a.expiresAt <= now);
    for (const a of due) this.decide(a.approvalId, "deny", "timeout");
    return due.length;
  }

  /** Denies every pending approval (the turn was interrupted). */
  denyAll(by: "interrupt"): Approval[] {
    return this.pending().map((a) => {
      const r = this.decide(a.approvalId, "deny", by);
      return "approval" in r && r.approval ? r.approval : a;
    });
  }

  /**
   * Keeps the record small: every pending approval, and the latest decided ones (so a late second
   * decision still gets "already decided", not "not found").
   */
  prune(): void {
    const all = this.store.get("approvals");
    if (all) this.store.set("approvals", keepRecent(all));
  }

  /** When the next pending approval times out, or null. */
  nextExpiry(): number | null {
    const times = this.pending().map((a) => a.expiresAt);
    return times.length ? Math.min(...times) : null;
  }
}

const KEEP_DECIDED = 100;

/** Pending approvals and the KEEP_DECIDED most recently decided ones. */
export function keepRecent(all: Record<string, Approval>): Record<string, Approval> {
  const decided = Object.values(all)
    .filter((a) => a.status !== "pending")
    .sort((a, b) => (b.decidedAt ?? 0) - (a.decidedAt ?? 0));
  if (decided.length <= KEEP_DECIDED) return all;
  const drop = new Set(decided.slice(KEEP_DECIDED).map((a) => a.approvalId));
  return Object.fromEntries(Object.entries(all).filter(([id]) => !drop.has(id)));
}

/** The result the model gets for a denied call. */
export function deniedResult(a: Approval): string {
  const why =
    a.by === "timeout"
      ? "nobody answered the approval request in time"
      : a.by === "interrupt"
        ? "the turn was interrupted before anyone approved it"
        : "the user denied it";
  return `Not run: ${why}.${a.note ? ` Note from the user: ${a.note}` : ""}`;
}
