// What an approval card needs from the page it is on: how to decide (the page's stream client:
// the socket when live, else HTTP) and whose call it is. Provided by the orchestrator and agent
// pages around their chat and agents; without a provider a card shows its state, read-only.
import { createContext, useContext } from "react";
import type { ApprovalDecision, ApprovalInfo } from "../../../schema/events";

export type ApprovalActions = {
  decide: (approvalId: string, decision: ApprovalDecision, note?: string) => Promise<ApprovalInfo | null>;
  /** The agent's name, for "write_file · scribe"; null for the orchestrator's own calls. */
  agentName: (agentId: string | null) => string | null;
};

export const ApprovalActionsContext = createContext<ApprovalActions | null>(null);

export const useApprovalActions = (): ApprovalActions | null => useContext(ApprovalActionsContext);
