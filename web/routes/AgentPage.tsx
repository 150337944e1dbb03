// One agent: its status, task, result, the files it touched, its own fine-grained stream (as a
// transcript and as raw events), and direct control: message, interrupt, delete.
import { useEffect, useMemo, useState } from "react";
import { Link, useLoaderData, useNavigate, useParams } from "react-router";
import type { StreamEvent } from "../../schema/events";
import { type ApprovalActions, ApprovalActionsContext } from "../components/approvals/ApprovalActions";
import { PendingApprovalsButton } from "../components/approvals/PendingApprovalsButton";
import { ConnectionBadge } from "../components/ConnectionBadge";
import { ContextBar } from "../components/ContextBar";
import { ChatPane } from "../components/chat/ChatPane";
import { Dialog } from "../components/Dialog";
import { EventStreamPane } from "../components/events/EventStreamPane";
import { Icon } from "../components/Icon";
import { Markdown } from "../components/Markdown";
import { NotFoundView } from "../components/RouteError";
import { StatusBadge } from "../components/StatusBadge";
import { useArrivalFocus } from "../hooks/useArrivalFocus";
import { useFold } from "../hooks/useFold";
import { agentTarget, orchestratorTarget, useStream } from "../hooks/useStream";
import { useWorkspaceLinks } from "../hooks/useWorkspaceLinks";
import { ApiError, api } from "../lib/api";
import { fileHref } from "../lib/files";
import { formatRelative, formatTokens, formatUsd, totalTokens } from "../lib/format";
import type { DataOf } from "../lib/loaders";
import { modelLabel } from "../lib/models";
import { emptyAgents, foldAgents, isActiveStatus, seedAgents } from "../lib/views/agents";
import { emptyApprovals, foldApprovals, pendingApprovals } from "../lib/views/approvals";
import { emptyTranscript, foldTranscript } from "../lib/views/transcript";
import { emptyWorkspaceFiles, foldWorkspaceFiles } from "../lib/views/workspaceFiles";
import type { loader } from "./AgentPage.loader";
import "../styles/agent.css";

/** Paths an agent wrote, edited or deleted, from its own tool calls. */
type Touched = ReadonlyMap<string, { op: string; ts: number }>;
const FILE_TOOLS: Record<string, string> = {
  write_file: "wrote",
  edit_file: "edited",
  delete_file: "deleted",
};
function foldTouched(t: Touched, ev: StreamEvent): Touched {
  if (ev.type !== "tool.called" || !FILE_TOOLS[ev.name]) return t;
  const path = (ev.input as { path?: unknown } | null)?.path;
  if (typeof path !== "string") return t;
  return new Map(t).set(path, { op: FILE_TOOLS[ev.name]!, ts: ev.ts });
}

export default function AgentPage() {
  const { id = "", agentId = "" } = useParams();
  const navigate = useNavigate();
  const orchestrator = useStream(useMemo(() => orchestratorTarget(id), [id]));
  const stream = useStream(useMemo(() => agentTarget(id, agentId), [id, agentId]));
  const loaded = useLoaderData<DataOf<typeof loader>>();
  const seed = orchestrator.state?.agents;
  const agentsView = useFold(orchestrator.log, () => seedAgents(emptyAgents(), seed ?? []), foldAgents, seed);
  const transcript = useFold(stream.log, emptyTranscript, foldTranscript);
  const touched = useFold(stream.log, () => new Map() as Touched, foldTouched);
  // Paths in its transcript link to the team's workspace, as the orchestrator's stream knows it.
  const workspace = useFold(orchestrator.log, emptyWorkspaceFiles, foldWorkspaceFiles);
  const links = useWorkspaceLinks(id, workspace);
  // Its own approvals, on its own stream; decided over its socket (or through the orchestrator's API).
  const pending = pendingApprovals(useFold(stream.log, emptyApprovals, foldApprovals));
  const client = stream.client;
  const approvalActions = useMemo<ApprovalActions>(
    () => ({ decide: (a, d, note) => client.approve(a, d, note), agentName: () => null }),
    [client],
  );
  const [tab, setTab] = useState<"transcript" | "events">("transcript");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const fromStream = agentsView.byId.get(agentId);
  const agent =
    fromStream ?? (loaded.agent ? { ...loaded.agent, notes: [], deleted: false, statusSince: 0 } : null);

  useArrivalFocus("composer-input", `${id}/${agentId}`);

  useEffect(() => {
    document.title = `${agent?.name ?? "Agent"} · Baton`;
  }, [agent?.name]);

  if (loaded.agentMissing && !fromStream) {
    return (
      <NotFoundView
        title="Agent not found"
        detail="It may have been deleted."
        back={{ to: `/o/${id}`, label: "Back to the orchestrator" }}
      />
    );
  }

  const running = transcript.activeRun !== null || (agent ? isActiveStatus(agent.status) : false);

  const interrupt = async () => {
    setActionError(null);
    try {
      await api.interruptAgent(id, agentId);
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const remove = async () => {
    try {
      await api.deleteAgent(id, agentId);
      navigate(`/o/${id}`);
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : String(e));
      setConfirmDelete(false);
    }
  };

  return (
    <div className="agent-page">
      <header className="room-header">
        <nav aria-label="Breadcrumb" className="crumbs">
          <Link to={`/o/${id}`} className="faint">
            {orchestrator.state?.name ?? loaded.orchestrator?.name ?? "Orchestrator"}
          </Link>
          <Icon name="chevronRight" size={12} />
          <h1 className="truncate">{agent?.name ?? "Agent"}</h1>
        </nav>
        {agent && <StatusBadge status={agent.status} />}
        {agent?.deleted && <span className="badge badge-red">Deleted</span>}
        <div className="spacer" />
        <PendingApprovalsButton pending={pending} beforeReveal={() => setTab("transcript")} />
        <ConnectionBadge connection={stream.connection} retryAt={stream.retryAt} onRetry={stream.reconnect} />
        <button type="button" className="btn btn-sm" onClick={() => void interrupt()} disabled={!running}>
          <Icon name="stop" size={14} /> Interrupt
        </button>
        <button type="button" className="btn btn-sm btn-danger" onClick={() => setConfirmDelete(true)}>
          <Icon name="trash" size={14} /> Delete
        </button>
      </header>
      {actionError && (
        <div className="notice notice-error room-banner" role="alert">
          {actionError}
        </div>
      )}
      <div className="agent-layout">
        <aside className="agent-side" aria-label="Agent details">
          {agent ? (
            <>
              <section className="agent-facts">
                <div>
                  <div className="label">Model</div>
                  <div>{modelLabel(agent.model)}</div>
                </div>
                <div>
                  <div className="label">Tokens</div>
                  <div className="num">{formatTokens(totalTokens(agent.totals))}</div>
                </div>
                <div>
                  <div className="label">Cost</div>
                  <div className="num">{formatUsd(agent.totals.costUsd)}</div>
                </div>
                <div>
                  <div className="label">Created</div>
                  <div>{formatRelative(agent.createdAt)}</div>
                </div>
              </section>
              <section>
                <div className="label">Context window</div>
                <ContextBar tokens={agent.contextTokens} window={agent.contextWindow} />
              </section>
              <section>
                <h2>Task</h2>
                {agent.task ? (
                  <p className="agent-text">{agent.task}</p>
                ) : (
                  <p className="faint">No task yet.</p>
                )}
              </section>
              {agent.note && (
                <section>
                  <h2>Latest note</h2>
                  <p className="agent-text">{agent.note}</p>
                </section>
              )}
              {agent.result && (
                <section>
                  <h2>Result</h2>
                  <Markdown text={agent.result} />
                </section>
              )}
              <section>
                <h2>Files touched</h2>
                {touched.size === 0 ? (
                  <p className="faint">None yet.</p>
                ) : (
                  <ul className="touched">
                    {[...touched].map(([path, t]) => (
                      <li key={path}>
                        <Link to={fileHref(id, path)} className="mono">
                          {path}
                        </Link>
                        <span className="faint">{t.op}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <details>
                <summary className="label">Instructions</summary>
                <p className="agent-text">{agent.instructions}</p>
              </details>
            </>
          ) : (
            <p className="faint" aria-busy="true">
              Loading…
            </p>
          )}
        </aside>
        <section className="agent-main" aria-label="Agent activity">
          <div className="tabs agent-tabs" role="tablist" aria-label="View">
            <button
              type="button"
              role="tab"
              aria-selected={tab === "transcript"}
              onClick={() => setTab("transcript")}
            >
              Transcript
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === "events"}
              onClick={() => setTab("events")}
            >
              Events <span className="count">{stream.log.events.length.toLocaleString()}</span>
            </button>
          </div>
          <div className="agent-main-body" hidden={tab !== "transcript"}>
            <ApprovalActionsContext value={approvalActions}>
              <ChatPane
                transcript={transcript}
                running={running}
                send={stream.send}
                live={stream.client.live}
                stop={interrupt}
                links={links}
                placeholder={`Message ${agent?.name ?? "this agent"} directly…`}
                readOnlyReason={
                  agent?.deleted ? (
                    "This agent was deleted."
                  ) : loaded.orchestrator?.status === "archived" ? (
                    <span className="faint">
                      Its orchestrator is archived. <Link to={`/o/${id}`}>Restore it</Link> to message this
                      agent.
                    </span>
                  ) : null
                }
                emptyState={<p className="empty faint">No activity yet.</p>}
              />
            </ApprovalActionsContext>
          </div>
          <div className="agent-main-body" hidden={tab !== "events"}>
            <EventStreamPane events={stream.log.events} agents={[]} names={new Map()} />
          </div>
        </section>
      </div>
      <Dialog
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title={`Delete ${agent?.name ?? "agent"}?`}
        onSubmit={() => void remove()}
        submit={{ label: "Delete agent", tone: "danger" }}
      >
        <p className="muted">
          The agent stops if it's running and is removed from the orchestrator. Files it wrote stay in the
          workspace.
        </p>
      </Dialog>
    </div>
  );
}
