// Who made a version or a change: "you" for the user's own writes (the API's "user"), an agent by
// name with a link to its page (and its kind, for screen readers and the tooltip), anything else —
// an agent since deleted, the orchestrator — by the name it wrote under.
import { Link } from "react-router";

/** The agents a page knows, by name (what the workspace records as the author). */
export type AgentNames = ReadonlyMap<string, string>;

export function authorText(by: string): string {
  return by === "user" ? "You" : by;
}

export function Author({
  by,
  agents,
  orchestratorId,
}: {
  by: string;
  agents: AgentNames;
  orchestratorId: string;
}) {
  if (by === "user") return <span className="author">You</span>;
  const agentId = agents.get(by);
  if (!agentId) return <span className="author">{by}</span>;
  return (
    <Link className="author" to={`/o/${orchestratorId}/agents/${agentId}`} title={`Agent ${by}`}>
      {by}
      <span className="sr-only"> (agent)</span>
    </Link>
  );
}
