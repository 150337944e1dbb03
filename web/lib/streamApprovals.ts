// The approval decisions a stream client has sent and not yet seen answered (DESIGN §9). Over the
// socket when it is live (answered by an `approval` frame, or an error frame naming `approve`),
// otherwise — or if no answer comes, or the socket drops — over HTTP. A decision is idempotent in
// effect (the first one stands), so a retry over HTTP that finds it `already_decided` after a
// socket attempt means ours most likely landed. A stopped client still finishes what the user decided.
import type { ApprovalDecision, ApprovalInfo } from "../../schema/events";
import { ApiError } from "./http";
import { SEND_ACK_TIMEOUT_MS } from "./streamPolicy";

type Timers = {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (id: unknown) => void;
};

export type ApproveOverHttp = (
  approvalId: string,
  decision: ApprovalDecision,
  note?: string,
) => Promise<ApprovalInfo>;

type Pending = {
  approvalId: string;
  decision: ApprovalDecision;
  note: string | undefined;
  resolve: (v: ApprovalInfo | null) => void;
  reject: (e: unknown) => void;
  /** The answer timeout while it waits on the socket; null once it went over HTTP. */
  timer: unknown;
  triedSocket: boolean;
};

export class PendingApprovals {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly timers: Timers,
    private readonly overHttp: ApproveOverHttp | undefined,
  ) {}

  /**
   * Decides over the socket if `sendFrame` delivers the frame, else over HTTP. Resolves with the
   * approval as decided (null when a retry found it decided and can't tell by whom).
   */
  decide(
    approvalId: string,
    decision: ApprovalDecision,
    note: string | undefined,
    sendFrame: (frame: object) => boolean,
  ): Promise<ApprovalInfo | null> {
    const prev = this.pending.get(approvalId);
    if (prev)
      return Promise.reject(new ApiError(409, "already_decided", "A decision is already on its way."));
    return new Promise((resolve, reject) => {
      const p: Pending = { approvalId, decision, note, resolve, reject, timer: null, triedSocket: false };
      this.pending.set(approvalId, p);
      const frame = { type: "approve", approvalId, decision, ...(note ? { note } : {}) };
      if (sendFrame(frame)) {
        p.triedSocket = true;
        p.timer = this.timers.setTimeout(() => this.viaHttp(p), SEND_ACK_TIMEOUT_MS);
      } else {
        this.viaHttp(p);
      }
    });
  }

  /** The socket's answer. */
  answered(approval: ApprovalInfo): void {
    const p = this.pending.get(approval.approvalId);
    if (!p) return;
    this.settle(p);
    p.resolve(approval);
  }

  /**
   * An error frame refusing an `approve` (it names no approval): the oldest decision still waiting
   * on the socket fails with it.
   */
  refused(error: ApiError): void {
    for (const p of this.pending.values()) {
      if (p.timer === null) continue;
      this.settle(p);
      p.reject(error);
      return;
    }
  }

  /** The socket is gone: decisions still waiting on it go over HTTP. */
  retryOverHttp(): void {
    for (const p of this.pending.values()) if (p.timer !== null) this.viaHttp(p);
  }

  private settle(p: Pending): void {
    this.pending.delete(p.approvalId);
    this.timers.clearTimeout(p.timer);
  }

  private viaHttp(p: Pending): void {
    if (!this.pending.has(p.approvalId)) return;
    this.timers.clearTimeout(p.timer);
    p.timer = null;
    if (!this.overHttp) {
      this.settle(p);
      p.reject(new ApiError(0, "network_error", "Not connected: try again once the connection is back."));
      return;
    }
    this.overHttp(p.approvalId, p.decision, p.note).then(
      (approval) => {
        if (!this.pending.has(p.approvalId)) return;
        this.settle(p);
        p.resolve(approval);
      },
      (e) => {
        if (!this.pending.has(p.approvalId)) return;
        this.settle(p);
        // Our socket frame got there first: the decision stands, the stream will say so.
        if (p.triedSocket && e instanceof ApiError && e.code === "already_decided") p.resolve(null);
        else p.reject(e);
      },
    );
  }
}
