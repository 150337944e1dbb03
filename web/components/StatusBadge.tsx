// Agent and run status as colour + label (never colour alone).
import type { AgentStatus } from "../../schema/events";

const TONE: Record<AgentStatus, string> = {
  idle: "",
  executing: "badge-blue",
  waiting: "badge-violet",
  complete: "badge-green",
  failed: "badge-red",
  interrupted: "badge-amber",
};

const LABEL: Record<AgentStatus, string> = {
  idle: "Idle",
  executing: "Executing",
  waiting: "Waiting",
  complete: "Complete",
  failed: "Failed",
  interrupted: "Interrupted",
};

export function StatusBadge({ status }: { status: AgentStatus }) {
  const live = status === "executing" || status === "waiting";
  return (
    <span className={`badge ${TONE[status]}`} data-status={status}>
      <span className={`dot${live ? " dot-pulse" : ""}`} aria-hidden="true" />
      {LABEL[status]}
    </span>
  );
}
