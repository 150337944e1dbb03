// The home page: the user's orchestrators with model, spend and last activity; create, rename,
// archive (with an Undo in a toast) and restore.

import { useEffect, useRef, useState } from "react";
import { Link, useLoaderData, useRevalidator } from "react-router";
import type { OrchestratorInfo } from "../../schema/api";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { CreateDialog, RenameDialog } from "../components/orchestrator/OrchestratorDialogs";
import { Toast, useToast } from "../components/Toast";
import { usePatchable } from "../hooks/usePatchable";
import { ApiError, api } from "../lib/api";
import { formatBudget, formatRelative, formatTokens, formatUsd, totalTokens } from "../lib/format";
import type { DataOf } from "../lib/loaders";
import { modelLabel } from "../lib/models";
import type { loader } from "./OrchestratorsPage.loader";
import "../styles/orchestrators.css";

/** Where the focus goes after a row leaves: the row with this id, or the one at this index. */
type Focus = { id: string } | { index: number };

export default function OrchestratorsPage() {
  const loaded = useLoaderData<DataOf<typeof loader>>();
  const revalidator = useRevalidator();
  const [list, patchList] = usePatchable(loaded.data);
  const [tab, setTab] = useState<"active" | "archived">("active");
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<OrchestratorInfo | null>(null);
  const [deleting, setDeleting] = useState<OrchestratorInfo | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const { toast, say, dismiss } = useToast();

  useEffect(() => {
    document.title = "Orchestrators · Baton";
  }, []);

  const all = list ?? [];
  const shown = all
    .filter((o) => o.status === tab)
    .sort((a, b) => (b.lastActivityAt ?? b.updatedAt) - (a.lastActivityAt ?? a.updatedAt));
  const archivedCount = all.filter((o) => o.status === "archived").length;

  // A row that leaves the list (archived, restored) takes the focus with it, and so does the toast's
  // Undo: it goes to the row now in that place, or to the one Undo brought back, instead of falling
  // back to the top of the page. Set just before the list changes; focus elsewhere is left alone.
  const page = useRef<HTMLDivElement>(null);
  const refocus = useRef<Focus | null>(null);
  useEffect(() => {
    const want = refocus.current;
    refocus.current = null;
    const root = page.current;
    const at = document.activeElement;
    if (!want || !root || (at && at !== document.body && !at.closest(".toast"))) return;
    const rows = [...root.querySelectorAll<HTMLElement>("tbody tr")];
    const row = "id" in want ? rows.find((r) => r.dataset.id === want.id) : (rows[want.index] ?? rows.at(-1));
    (
      row?.querySelector<HTMLElement>(".orch-name") ?? root.querySelector<HTMLElement>(".btn-primary")
    )?.focus();
  });

  const replace = (o: OrchestratorInfo) => patchList((prev) => prev?.map((p) => (p.id === o.id ? o : p)));

  /** Archives or restores one; a failure says so in the toast. Answers whether it took. */
  const setStatus = async (o: OrchestratorInfo, status: "active" | "archived", focus: Focus) => {
    try {
      const saved = await api.updateOrchestrator(o.id, { status });
      refocus.current = focus;
      replace(saved);
      return true;
    } catch (e) {
      const why = e instanceof ApiError ? e.message : String(e);
      say({
        tone: "error",
        text: `${o.name} was not ${status === "active" ? "restored" : "archived"}: ${why}`,
      });
      return false;
    }
  };
  const rowOf = (o: OrchestratorInfo) => ({ index: shown.findIndex((p) => p.id === o.id) });
  const restore = async (o: OrchestratorInfo, focus: Focus = rowOf(o)) => {
    if (await setStatus(o, "active", focus)) say({ text: `Restored ${o.name}` });
  };
  const archive = async (o: OrchestratorInfo) => {
    if (!(await setStatus(o, "archived", rowOf(o)))) return;
    say({ text: `Archived ${o.name}`, action: { label: "Undo", run: () => restore(o, { id: o.id }) } });
  };

  const remove = async () => {
    const o = deleting;
    setDeleting(null);
    if (!o) return;
    setActionError(null);
    try {
      await api.deleteOrchestrator(o.id);
      patchList((prev) => prev?.filter((p) => p.id !== o.id));
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div className="page" ref={page}>
      <div className="page-header">
        <div>
          <h1>Orchestrators</h1>
          <p>Each one is a conversation that runs its own team of agents.</p>
        </div>
        <div className="spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          <Icon name="plus" /> New orchestrator
        </button>
      </div>

      <div className="tabs" role="tablist" aria-label="Show">
        <button type="button" role="tab" aria-selected={tab === "active"} onClick={() => setTab("active")}>
          Active
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === "archived"}
          onClick={() => setTab("archived")}
        >
          Archived{archivedCount ? ` (${archivedCount})` : ""}
        </button>
      </div>

      {actionError && (
        <div className="notice notice-error" role="alert" style={{ marginBottom: 12 }}>
          {actionError}
        </div>
      )}
      {loaded.error && (
        <div className="notice notice-error" role="alert">
          {loaded.error.message}{" "}
          <button type="button" className="btn btn-sm" onClick={() => void revalidator.revalidate()}>
            Retry
          </button>
        </div>
      )}

      {revalidator.state === "loading" && !list ? (
        <div className="card orch-list" aria-busy="true">
          {[0, 1, 2].map((i) => (
            <div key={i} className="skeleton-row" />
          ))}
        </div>
      ) : shown.length === 0 && !loaded.error ? (
        <div className="card empty">
          {tab === "active" ? (
            <>
              {archivedCount ? (
                <>
                  <h2>No active orchestrators</h2>
                  <p>
                    {archivedCount === 1
                      ? "One is under Archived: restore it there, or create a new one."
                      : `${archivedCount} are under Archived: restore one there, or create a new one.`}
                  </p>
                </>
              ) : (
                <>
                  <h2>No orchestrators yet</h2>
                  <p>Create one, then ask it to put a team of agents to work.</p>
                </>
              )}
              <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
                <Icon name="plus" /> New orchestrator
              </button>
            </>
          ) : (
            <p>Nothing archived.</p>
          )}
        </div>
      ) : (
        <div className="card orch-list">
          <table className="table orch-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Model</th>
                <th className="right">Tokens</th>
                <th className="right">Spend</th>
                <th>Last activity</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.id} data-id={o.id}>
                  <td data-label="Name">
                    <Link to={`/o/${o.id}`} className="orch-name">
                      {o.name}
                    </Link>
                    {o.simulated && (
                      <span className="badge badge-amber" style={{ marginLeft: 8 }}>
                        Simulated
                      </span>
                    )}
                  </td>
                  <td data-label="Model" className="muted">
                    {modelLabel(o.model)}
                  </td>
                  <td data-label="Tokens" className="right num">
                    {formatTokens(totalTokens(o.totals))}
                  </td>
                  <td data-label="Spend" className="right num">
                    {formatUsd(o.totals.costUsd)}
                    {o.budgetUsd !== null && <span className="faint"> / {formatBudget(o.budgetUsd)}</span>}
                  </td>
                  <td data-label="Last activity" className="muted">
                    {o.lastActivityAt ? formatRelative(o.lastActivityAt) : "Never"}
                  </td>
                  <td className="right orch-actions">
                    <button
                      type="button"
                      className="btn btn-sm btn-ghost"
                      onClick={() => setRenaming(o)}
                      aria-label={`Rename ${o.name}`}
                    >
                      <Icon name="pencil" /> Rename
                    </button>
                    {o.status === "active" ? (
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost"
                        onClick={() => void archive(o)}
                        aria-label={`Archive ${o.name}`}
                      >
                        <Icon name="archive" /> Archive
                      </button>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="btn btn-sm btn-ghost"
                          onClick={() => void restore(o)}
                          aria-label={`Restore ${o.name}`}
                        >
                          Restore
                        </button>
                        <button
                          type="button"
                          className="btn btn-sm btn-ghost btn-danger"
                          onClick={() => setDeleting(o)}
                          aria-label={`Delete ${o.name}`}
                        >
                          <Icon name="trash" /> Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Toast toast={toast} onDismiss={dismiss} />
      <CreateDialog open={creating} onClose={() => setCreating(false)} />
      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.name ?? ""}”?`}
        onSubmit={() => void remove()}
        submit={{ label: "Delete forever", tone: "danger" }}
      >
        <p className="muted">
          Its conversation, agents and workspace files are deleted. Usage stays in your reports. This can't be
          undone.
        </p>
      </Dialog>
      <RenameDialog
        orchestrator={renaming}
        onClose={() => setRenaming(null)}
        onRenamed={(o) => {
          replace(o);
          setRenaming(null);
        }}
      />
    </div>
  );
}
