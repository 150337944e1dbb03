// Coarse events an agent sends its orchestrator. They are queued in the agent's SQLite and retried
// until acknowledged; the orchestrator applies each id once, in order.
import type { AgentStatus, AgentSummary, EventBody, Totals } from "../../schema/events";
import type { Approval, ObjectConfig } from "../db/store-types";

export type AgentNotice =
  | { kind: "status"; status: AgentStatus; note?: string }
  /**
   * `settles`: the budget reservation this notice releases (null: none). Notices queued by older
   * code lack the field; for those the orchestrator releases everything the agent held.
   */
  | { kind: "usage"; totals: Totals; contextTokens: number; settles?: string | null }
  | {
      kind: "completed";
      result: string;
      end: "completed" | "failed" | "interrupted";
      taskId: string | null;
      settles?: string | null;
    }
  | { kind: "file"; path: string; size: number; by: string; deleted?: boolean }
  /** One of the agent's approvals was requested or decided (the orchestrator mirrors it). */
  | { kind: "approval"; approval: Approval };

/** The orchestrator's settings its agents follow (DESIGN §9): passed at creation and on change. */
export type AgentSettings = Pick<
  ObjectConfig,
  "toolPolicy" | "thinking" | "approvalTimeoutSec" | "connectors"
>;

export type NumberedNotice = AgentNotice & { id: number };

/** What the orchestrator passes an agent when it creates it. */
export type AgentInit = {
  id: string;
  userId: string;
  orchestratorId: string;
  name: string;
  instructions: string;
  model: string;
  tools: string[] | null;
  simulated: boolean;
  settings?: AgentSettings;
};

/** What one notice changes on the orchestrator: the agent's registry entry and its stream. */
export function noticeEffect(
  n: AgentNotice,
  agent: AgentSummary,
): { patch: Partial<AgentSummary> | null; events: EventBody[] } {
  const agentId = agent.id;
  switch (n.kind) {
    case "status":
      return {
        patch: { status: n.status, note: n.note ?? null },
        events: [{ type: "agent.status", agentId, status: n.status, ...(n.note ? { note: n.note } : {}) }],
      };
    case "usage":
      return {
        patch: { totals: n.totals, contextTokens: n.contextTokens },
        events: [{ type: "agent.usage", agentId, totals: n.totals, contextTokens: n.contextTokens }],
      };
    case "file":
      return {
        patch: null,
        events: [
          {
            type: "file.changed",
            path: n.path,
            size: n.size,
            by: n.by,
            ...(n.deleted ? { deleted: true } : {}),
          },
        ],
      };
    case "approval": {
      const a = n.approval;
      const pending = a.status === "pending";
      return {
        patch: null,
        events: [
          pending
            ? {
                type: "approval.requested",
                approvalId: a.approvalId,
                toolUseId: a.toolUseId,
                name: a.name,
                input: a.input,
                agentId,
                expiresAt: a.expiresAt,
              }
            : {
                type: "approval.resolved",
                approvalId: a.approvalId,
                decision: a.status === "approved" ? "approve" : "deny",
                by: a.by ?? "user",
                agentId,
                ...(a.note ? { note: a.note } : {}),
              },
        ],
      };
    }
    case "completed": {
      const status = n.end === "completed" ? "complete" : n.end;
      // A newer task may already be running: then the status stays as it is.
      return {
        patch: { result: n.result, status: agent.status === "executing" ? status : agent.status },
        events: [{ type: "agent.completed", agentId, result: n.result }],
      };
    }
  }
}
