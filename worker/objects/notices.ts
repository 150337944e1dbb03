// Coarse events an agent sends its orchestrator. They are queued in the agent's SQLite and retried
// until acknowledged; the orchestrator applies each id once, in order.
import type { AgentStatus, Totals } from "../../schema/events";

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
  | { kind: "file"; path: string; size: number; by: string; deleted?: boolean };

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
};
