// Settings → Agent templates: reusable agent definitions. The orchestrator is told their names and
// descriptions (from its next run on) and can create an agent from one; so can New agent in the
// control room. List, create, edit and delete; the list comes with the page (SettingsPage.loader).
import { useState } from "react";
import type { AgentTemplate } from "../../../schema/api";
import { usePatchable } from "../../hooks/usePatchable";
import { ApiError, api } from "../../lib/api";
import type { Loaded } from "../../lib/loaders";
import { modelLabel } from "../../lib/models";
import { Dialog } from "../Dialog";
import { Icon } from "../Icon";
import { TemplateDialog } from "./TemplateDialog";

const byName = (list: AgentTemplate[]) => [...list].sort((a, b) => (a.name < b.name ? -1 : 1));

export function TemplatesSection({ loaded }: { loaded: Loaded<AgentTemplate[]> }) {
  const [templates, patch] = usePatchable(loaded.data);
  /** The template being edited, or "new". */
  const [editing, setEditing] = useState<AgentTemplate | "new" | null>(null);
  const [deleting, setDeleting] = useState<AgentTemplate | null>(null);
  const [error, setError] = useState<string | null>(null);

  const saved = (t: AgentTemplate) => {
    patch((prev) => byName([...(prev ?? []).filter((x) => x.id !== t.id), t]));
    setEditing(null);
  };

  const remove = async () => {
    if (!deleting) return;
    const t = deleting;
    setDeleting(null);
    setError(null);
    try {
      await api.deleteTemplate(t.id);
      patch((prev) => prev?.filter((x) => x.id !== t.id));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const list = templates ?? [];
  return (
    <section className="card settings-section" aria-labelledby="templates-title">
      <div className="settings-section-head row">
        <div>
          <h2 id="templates-title">Agent templates</h2>
          <p className="muted">
            Reusable agents. Your orchestrators see their names and descriptions and can create an agent from
            one; so can New agent in the control room.
          </p>
        </div>
        <div className="spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setEditing("new")}>
          <Icon name="plus" size={14} /> New template
        </button>
      </div>
      {(error ?? loaded.error) && (
        <div className="notice notice-error" role="alert">
          {error ?? loaded.error?.message}
        </div>
      )}
      {list.length === 0 ? (
        <p className="faint">No templates yet.</p>
      ) : (
        <table className="table templates-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th>Model</th>
              <th>Tools</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.id}>
                <td className="mono">{t.name}</td>
                <td className="muted">{t.description ?? <span className="faint">—</span>}</td>
                <td className="muted">{t.model ? modelLabel(t.model) : "Default"}</td>
                <td className="muted">{t.tools ? t.tools.join(", ") : "All"}</td>
                <td className="right nowrap">
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    onClick={() => setEditing(t)}
                    aria-label={`Edit ${t.name}`}
                  >
                    <Icon name="pencil" size={14} /> Edit
                  </button>
                  <button
                    type="button"
                    className="btn btn-sm btn-danger"
                    onClick={() => setDeleting(t)}
                    aria-label={`Delete ${t.name}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing !== null && (
        <TemplateDialog
          template={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={saved}
        />
      )}
      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete template “${deleting?.name ?? ""}”?`}
        onSubmit={() => void remove()}
        submit={{ label: "Delete template", tone: "danger" }}
      >
        <p className="muted">Agents already made from it keep their instructions, model and tools.</p>
      </Dialog>
    </section>
  );
}
