// Archiving from the orchestrator's own page: the notice an archived one shows in place of the
// message box, with Restore, and the settings panel's Archive section (Restore when archived).
// Both call back to the page, which makes the request (PATCH status) and says so in its toast.
import { useState } from "react";
import { Icon } from "../Icon";

/** Runs `fn` once at a time, with a busy flag for the button that started it. */
function useBusy(fn: () => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  return [busy, run] as const;
}

export function ArchivedNotice({ onRestore }: { onRestore: () => Promise<unknown> }) {
  const [busy, restore] = useBusy(onRestore);
  return (
    <div className="archived-notice">
      <span>
        <Icon name="archive" size={14} /> This orchestrator is archived.
      </span>
      <button type="button" className="btn btn-sm btn-primary" disabled={busy} onClick={() => void restore()}>
        {busy && <span className="spinner" aria-hidden="true" />} Restore
      </button>
    </div>
  );
}

export function ArchiveSection({
  uid,
  archived,
  onArchive,
  onRestore,
}: {
  uid: string;
  archived: boolean;
  onArchive: () => Promise<unknown>;
  onRestore: () => Promise<unknown>;
}) {
  const [busy, act] = useBusy(archived ? onRestore : onArchive);
  return (
    <section className="settings-group" aria-labelledby={`${uid}-archive`}>
      <h3 id={`${uid}-archive`}>Archive</h3>
      <div className="settings-archive">
        <p className="field-hint" id={`${uid}-archive-hint`}>
          {archived
            ? "Archived: it and its agents take no new messages until it is restored."
            : "It and its agents stop taking messages; the conversation, agents and files stay, and Restore brings it back."}
        </p>
        <button
          type="button"
          className="btn"
          disabled={busy}
          aria-describedby={`${uid}-archive-hint`}
          onClick={() => void act()}
        >
          {busy ? <span className="spinner" aria-hidden="true" /> : <Icon name="archive" size={14} />}
          {archived ? "Restore" : "Archive orchestrator"}
        </button>
      </div>
    </section>
  );
}
