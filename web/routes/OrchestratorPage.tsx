// The control room for one orchestrator: agents, the raw event stream and the chat, side by side
// (tabs on a phone), with the connection, model, spend and context always in view.
import { useEffect, useMemo, useRef } from "react";
import { Link, useLoaderData, useParams, useSearchParams } from "react-router";
import { AgentsPane } from "../components/agents/AgentsPane";
import { type ApprovalActions, ApprovalActionsContext } from "../components/approvals/ApprovalActions";
import { ApprovalCard } from "../components/approvals/ApprovalCard";
import { PendingApprovalsButton } from "../components/approvals/PendingApprovalsButton";
import { ConnectionBadge } from "../components/ConnectionBadge";
import { ContextBar } from "../components/ContextBar";
import { ChatPane } from "../components/chat/ChatPane";
import type { ChatActions } from "../components/chat/chatContext";
import { EventStreamPane } from "../components/events/EventStreamPane";
import { Icon } from "../components/Icon";
import { ArchivedNotice } from "../components/orchestrator/Archive";
import { SettingsDialog } from "../components/orchestrator/SettingsDialog";
import type { SettingsFocus } from "../components/orchestrator/SettingsLink";
import { Panes } from "../components/Panes";
import { NotFoundView } from "../components/RouteError";
import { SimulatedBadge } from "../components/SimulatedBadge";
import { Toast, useToast } from "../components/Toast";
import { useArrivalFocus } from "../hooks/useArrivalFocus";
import { useFold } from "../hooks/useFold";
import { useMe } from "../hooks/useMe";
import { usePatchable } from "../hooks/usePatchable";
import { orchestratorTarget, useStream } from "../hooks/useStream";
import { useWorkspaceLinks } from "../hooks/useWorkspaceLinks";
import { ApiError, api } from "../lib/api";
import { describeUsage, formatBudget, formatTokens, formatUsd, totalTokens } from "../lib/format";
import type { DataOf } from "../lib/loaders";
import { modelLabel } from "../lib/models";
import { agentList, emptyAgents, foldAgents, isActiveStatus, seedAgents } from "../lib/views/agents";
import { emptyApprovals, foldApprovals, pendingApprovals, pendingByAgent } from "../lib/views/approvals";
import { currentTotals, emptyLiveTotals, foldLiveTotals } from "../lib/views/liveTotals";
import { emptyTranscript, foldTranscript } from "../lib/views/transcript";
import { emptyWorkspaceFiles, foldWorkspaceFiles } from "../lib/views/workspaceFiles";
import { type loader, ORCHESTRATOR_NOT_FOUND } from "./OrchestratorPage.loader";
import "../styles/orchestrator.css";

export default function OrchestratorPage() {
  const { id = "" } = useParams();
  const target = useMemo(() => orchestratorTarget(id), [id]);
  const stream = useStream(target);
  // Loaded with the page's code; an unknown id never gets here (the loader shows "not found").
  const [{ orchestrator: o }, patchLoaded] = usePatchable(useLoaderData<DataOf<typeof loader>>());
  const { me } = useMe();
  // The settings panel is in the URL (`?settings=budget` opens it at the budget), so links can open it.
  const [params, setParams] = useSearchParams();
  const settingsAt = SETTINGS_FOCUS.find((f) => f === params.get("settings")) ?? null;
  const openSettings = (at: SettingsFocus | null) => {
    // Closed twice (by Save or Archive, then by the dialog's close event), it navigates once: a
    // navigation to the same URL loads the page's data again, which can land after (and undo) a
    // write made meanwhile.
    if (at === params.get("settings")) return;
    setParams(
      (p) => {
        if (at) p.set("settings", at);
        else p.delete("settings");
        return p;
      },
      { replace: true },
    );
  };

  const seed = stream.state?.agents;
  const transcript = useFold(stream.log, emptyTranscript, foldTranscript);
  const agentsView = useFold(stream.log, () => seedAgents(emptyAgents(), seed ?? []), foldAgents, seed);
  const workspace = useFold(stream.log, emptyWorkspaceFiles, foldWorkspaceFiles);
  const links = useWorkspaceLinks(id, workspace);
  const chatActions = useMemo<ChatActions>(
    () => ({
      cancel: (messageId) => api.cancelMessage(id, messageId),
      edit: (messageId, text) => api.editMessage(id, messageId, text),
      regenerate: (messageId) => api.regenerate(id, messageId),
      retry: (runId) => api.retryRun(id, runId),
      resume: () => api.resume(id),
    }),
    [id],
  );
  const liveTotals = useFold(stream.log, emptyLiveTotals, foldLiveTotals);
  const agents = agentList(agentsView);
  const names = useMemo(
    () => new Map([...agentsView.byId.values()].map((a) => [a.id, a.name])),
    [agentsView],
  );
  const approvals = useFold(stream.log, emptyApprovals, foldApprovals);
  const pending = pendingApprovals(approvals);
  const pendingOf = pendingByAgent(approvals);
  const client = stream.client;
  const approvalActions = useMemo<ApprovalActions>(
    () => ({
      decide: (approvalId, decision, note) => client.approve(approvalId, decision, note),
      agentName: (agentId) => (agentId ? (names.get(agentId) ?? "an agent") : null),
    }),
    [client, names],
  );

  useArrivalFocus("composer-input", id);

  const name = o?.name ?? stream.state?.name ?? "Orchestrator";
  const archived = o?.status === "archived";

  // Archive (from the settings panel) and Restore (there, or on the notice in place of the message
  // box), each said in the toast; Undo restores. Restored, the message box comes back with the focus.
  const { toast, say, dismiss } = useToast();
  const focusComposer = useRef(false);
  useEffect(() => {
    if (archived || !focusComposer.current) return;
    focusComposer.current = false;
    document.getElementById("composer-input")?.focus();
  }, [archived]);
  const setStatus = async (status: "active" | "archived") => {
    try {
      const saved = await api.updateOrchestrator(id, { status });
      focusComposer.current = status === "active";
      patchLoaded((d) => ({ ...d, orchestrator: saved }));
    } catch (e) {
      const why = e instanceof ApiError ? e.message : String(e);
      say({
        tone: "error",
        text: `${name} was not ${status === "active" ? "restored" : "archived"}: ${why}`,
      });
      return;
    }
    if (status === "active") say({ text: `Restored ${name}` });
    else say({ text: `Archived ${name}`, action: { label: "Undo", run: () => setStatus("active") } });
  };
  useEffect(() => {
    document.title = `${name} · Baton`;
  }, [name]);

  const simulated = o?.simulated ?? stream.state?.simulated ?? me?.llm === "simulator";
  const { totals, estimated } = currentTotals(liveTotals, stream.state?.totals ?? o?.totals ?? null);
  const contextTokens = liveTotals.contextTokens ?? stream.state?.contextTokens ?? 0;
  const contextWindow = stream.state?.contextWindow ?? 200_000;
  const running = transcript.activeRun !== null;
  const activeAgents = agents.filter((a) => isActiveStatus(a.status)).length;

  // Deleted while open (the loader answers an unknown id before the page renders).
  if (stream.fatal?.status === 404) return <NotFoundView {...ORCHESTRATOR_NOT_FOUND} />;

  return (
    <div
      className="control-room"
      // For tests and debugging: what the client holds of the stream.
      data-events={stream.log.events.length}
      data-contiguous={stream.log.contiguous}
      data-max-seq={stream.log.maxSeq}
      data-running={running}
    >
      <header className="room-header">
        <nav aria-label="Breadcrumb" className="crumbs">
          <Link to="/" className="faint">
            Orchestrators
          </Link>
          <Icon name="chevronRight" size={12} />
          <h1 className="truncate">{name}</h1>
        </nav>
        {archived && <span className="badge">Archived</span>}
        {simulated && <SimulatedBadge />}
        <span className="room-model faint">{modelLabel(o?.model ?? stream.state?.model ?? "")}</span>
        <div className="spacer" />
        <PendingApprovalsButton pending={pending} />
        <div className="room-stats">
          {totals && (
            <span
              className="num"
              title={`Tokens and spend of this orchestrator and all its agents, deleted ones included${estimated ? " (the message streaming now is estimated)" : ""}\n${describeUsage(totals)}`}
            >
              {estimated ? "≈ " : ""}
              {formatTokens(totalTokens(totals))} tokens · <strong>{formatUsd(totals.costUsd)}</strong>
              {o?.budgetUsd != null && <span className="faint"> / {formatBudget(o.budgetUsd)}</span>}
            </span>
          )}
          <div className="room-context" title="The orchestrator's context window">
            <span className="faint">Context</span>
            <ContextBar tokens={contextTokens} window={contextWindow} compact />
          </div>
        </div>
        {o && (
          <button
            type="button"
            className="btn btn-sm settings-open"
            onClick={() => openSettings("open")}
            title="Model, budget, thinking, approvals and tool policy"
          >
            <Icon name="sliders" size={14} /> <span className="settings-word">Settings</span>
          </button>
        )}
        <Link to={`/o/${id}/files`} className="btn btn-sm">
          <Icon name="folder" size={14} /> Files
          {workspace.paths.size ? <span className="count">{workspace.paths.size}</span> : null}
        </Link>
        {(running || activeAgents > 0) && (
          <button
            type="button"
            className="btn btn-sm btn-danger"
            onClick={() => void api.interrupt(id, true).catch(() => stream.reconnect())}
            title="Stop the orchestrator's turn and every running agent"
          >
            <Icon name="stop" size={14} /> Stop all
          </button>
        )}
        <ConnectionBadge connection={stream.connection} retryAt={stream.retryAt} onRetry={stream.reconnect} />
      </header>
      {stream.fatal && stream.fatal.status !== 404 && (
        <div className="notice notice-error room-banner" role="alert">
          {stream.fatal.message}
        </div>
      )}
      <ApprovalActionsContext value={approvalActions}>
        <Panes
          layoutKey="orchestrator"
          panes={[
            {
              id: "agents",
              title: "Agents",
              weight: 0.9,
              minPx: 220,
              badge: agents.length ? <span className="count">{agents.length}</span> : null,
              children: (
                <AgentsPane
                  orchestratorId={id}
                  agents={agents}
                  canCreate={!archived}
                  below={(a) =>
                    pendingOf
                      .get(a.id)
                      ?.map((ap) => (
                        <ApprovalCard key={ap.approvalId} approval={ap} showAgent={false} compact />
                      ))
                  }
                />
              ),
            },
            {
              id: "events",
              title: "Event stream",
              weight: 1.5,
              minPx: 280,
              badge: <span className="count">{stream.log.events.length.toLocaleString()}</span>,
              children: <EventStreamPane events={stream.log.events} agents={agents} names={names} />,
            },
            {
              id: "chat",
              title: "Chat",
              weight: 1.6,
              minPx: 320,
              badge: running ? (
                <span className="dot dot-pulse chat-live-dot" title="Running">
                  <span className="sr-only">Running</span>
                </span>
              ) : null,
              children: (
                <ChatPane
                  transcript={transcript}
                  running={running}
                  send={stream.send}
                  live={stream.client.live}
                  stop={stream.interrupt}
                  actions={archived ? null : chatActions}
                  exportUrl={(format) => api.exportUrl(id, format)}
                  links={links}
                  emptyState={<ChatEmpty simulated={simulated} />}
                  readOnlyReason={archived ? <ArchivedNotice onRestore={() => setStatus("active")} /> : null}
                />
              ),
            },
          ]}
        />
      </ApprovalActionsContext>
      {o && (
        <SettingsDialog
          orchestrator={o}
          open={settingsAt !== null}
          focus={settingsAt ?? "open"}
          onClose={() => openSettings(null)}
          onSaved={(saved) => {
            patchLoaded((d) => ({ ...d, orchestrator: saved }));
            openSettings(null);
          }}
          onStatus={(status) => {
            openSettings(null);
            return setStatus(status);
          }}
        />
      )}
      <Toast toast={toast} onDismiss={dismiss} />
    </div>
  );
}

const SETTINGS_FOCUS: readonly SettingsFocus[] = ["open", "budget", "tools", "thinking"];

function ChatEmpty({ simulated }: { simulated: boolean }) {
  return (
    <div className="empty chat-empty">
      <h2>Start the conversation</h2>
      <p>
        Tell the orchestrator what you need. It creates agents, hands them tasks, watches them work and
        reports back.
      </p>
      <p className="faint">
        Try: "Create two agents, a researcher and a writer, and have each write a short note about Durable
        Objects."
      </p>
      {simulated && <p className="faint">Answers come from the built-in simulator, not Claude.</p>}
    </div>
  );
}
