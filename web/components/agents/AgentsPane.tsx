// The orchestrator's agents: status (colour + label), model, context window, tokens and cost, the
// latest note. Each card opens the agent's own page. "New agent" creates one without asking the
// orchestrator; it appears here through the stream.
import { type ReactNode, useState } from "react";
import { Link } from "react-router";
import { api } from "../../lib/api";
import { formatTokens, formatUsd, totalTokens } from "../../lib/format";
import { modelLabel } from "../../lib/models";
import type { AgentView } from "../../lib/views/agents";
import { ContextBar } from "../ContextBar";
import { Icon } from "../Icon";
import { StatusBadge } from "../StatusBadge";
import { NewAgentDialog } from "./NewAgentDialog";
import "../../styles/agents.css";

export function AgentsPane({
  orchestratorId,
  agents,
  below,
  canCreate = true,
}: {
  orchestratorId: string;
  /** False while the orchestrator is archived: it takes no new agents. */
  canCreate?: boolean;
  agents: readonly AgentView[];
  /** Shown under an agent's card (its approvals waiting), outside the card's link. */
  below?: (agent: AgentView) => ReactNode;
}) {
  const [creating, setCreating] = useState(false);
  return (
    <div className="agents-pane">
      {canCreate && (
        <div className="agents-toolbar">
          <button type="button" className="btn btn-sm" onClick={() => setCreating(true)}>
            <Icon name="plus" size={14} /> New agent
          </button>
        </div>
      )}
      {agents.length === 0 ? (
        <div className="empty agents-empty">
          <h2>No agents yet</h2>
          <p>
            Ask the orchestrator to create a team, e.g. "Create a researcher and a writer and have them draft
            a brief."{canCreate ? " Or add one yourself with New agent." : ""}
          </p>
        </div>
      ) : (
        <ul className="agents-list" aria-label="Agents">
          {agents.map((a) => {
            const extra = below?.(a);
            return (
              <li key={a.id}>
                <AgentCard orchestratorId={orchestratorId} agent={a} />
                {extra ? <div className="agent-card-below">{extra}</div> : null}
              </li>
            );
          })}
        </ul>
      )}
      {creating && canCreate && (
        <NewAgentDialog orchestratorId={orchestratorId} onClose={() => setCreating(false)} />
      )}
    </div>
  );
}

export function AgentCard({ orchestratorId, agent }: { orchestratorId: string; agent: AgentView }) {
  const busy = agent.status === "executing" || agent.status === "waiting";
  const doing = busy && agent.activity ? activityLine(agent.activity) : null;
  const note =
    agent.note && agent.note !== "started a task" && agent.note !== "queued a new task" ? agent.note : null;
  const [stopping, setStopping] = useState(false);
  return (
    <div className="agent-card-wrap">
      <Link
        to={`/o/${orchestratorId}/agents/${agent.id}`}
        className="agent-card"
        data-status={agent.status}
        data-agent={agent.name}
      >
        <div className="agent-card-top">
          <span className="agent-name truncate" title={agent.name}>
            {agent.name}
          </span>
          <StatusBadge status={agent.status} />
        </div>
        <div className="agent-model faint truncate">{modelLabel(agent.model)}</div>
        <ContextBar tokens={agent.contextTokens} window={agent.contextWindow} />
        <div className="agent-stats num">
          <span>{formatTokens(totalTokens(agent.totals))} tokens</span>
          <span>{formatUsd(agent.totals.costUsd)}</span>
        </div>
        {agent.task && (
          <p className="agent-task" title={agent.task}>
            <span className="faint">Task: </span>
            {firstLine(agent.task)}
          </p>
        )}
        {doing && <p className="agent-activity">{doing}</p>}
        {!doing && note && <p className="agent-note">{note}</p>}
      </Link>
      {busy && (
        <button
          type="button"
          className="btn btn-sm btn-ghost agent-stop"
          disabled={stopping}
          aria-label={`Stop ${agent.name}`}
          onClick={() => {
            setStopping(true);
            void api.interruptAgent(orchestratorId, agent.id).finally(() => setStopping(false));
          }}
        >
          <Icon name="stop" size={12} /> Stop
        </button>
      )}
    </div>
  );
}

/** A task's first line, without a script block (the simulator's ```sim … ``` is noise here). */
function firstLine(task: string): string {
  const text = task.split("```sim")[0]!.trim() || task.trim();
  const line = text.split("\n")[0]!;
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

function activityLine(a: NonNullable<AgentView["activity"]>): string {
  return a.kind === "tool" ? `→ ${a.name ?? "tool"} ${a.summary}` : `“${a.summary}”`;
}
