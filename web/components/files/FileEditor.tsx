// Editing a file: CodeMirror (a lazy chunk fetched when Edit opens) over the version you opened.
// Save writes a new version with If-Match naming that version, so a change an agent made meanwhile
// is never overwritten unseen: it shows as a notice (live, from the stream, or as the server's 412)
// with the choice to load their version or keep yours (which then saves over theirs; theirs stays
// in the history).
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api } from "../../lib/api";
import { chunk } from "../../lib/chunks";
import type { Editor } from "../../lib/editor/codemirror";
import { type FileContent, workspaceApi } from "../../lib/workspace";
import { Icon } from "../Icon";
import { authorText } from "./Author";
import "../../styles/file-edit.css";

const loadEditor = chunk(() => import("../../lib/editor/codemirror"));

/** The version edits are based on; null once the file was deleted meanwhile (Save re-creates it). */
type Base = { version: number | null; content: string };
/** Someone else's version that edits would replace. */
type Theirs = { version: number | null; by: string | null };

type Status = { kind: "saving" } | { kind: "saved"; version: number } | { kind: "error"; message: string };

export function FileEditor({
  orchestratorId,
  path,
  file,
  gone = false,
  onSaved,
  onClose,
}: {
  orchestratorId: string;
  path: string;
  /** The file as last loaded (it reloads when the stream says it changed). */
  file: FileContent;
  /** The file was deleted since (its reload answered 404). */
  gone?: boolean;
  onSaved: (file: FileContent) => void;
  onClose: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<Editor | null>(null);
  const [base, setBaseState] = useState<Base>({ version: file.version, content: file.content });
  const baseRef = useRef(base);
  const setBase = useCallback((b: Base) => {
    baseRef.current = b;
    setBaseState(b);
  }, []);
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState<Status | null>(null);
  const [conflict, setConflict] = useState<Theirs | null>(null);
  const [load, setLoad] = useState<"loading" | "ready" | "failed">("loading");
  const saveRef = useRef<() => void>(() => {});

  // biome-ignore lint/correctness/useExhaustiveDependencies: mounted once per file; later loads of it are the conflict notice's business.
  useEffect(() => {
    let live = true;
    loadEditor().then(
      (m) => {
        if (!live || !host.current) return;
        editor.current = m.createEditor(host.current, {
          doc: file.content,
          path,
          label: `Editing ${path}`,
          onChange: (text) => setDirty(text !== baseRef.current.content),
          onSave: () => saveRef.current(),
        });
        setLoad("ready");
        editor.current.focus();
      },
      () => live && setLoad("failed"),
    );
    return () => {
      live = false;
      editor.current?.destroy();
      editor.current = null;
    };
  }, [path]);

  // Leaving the page with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const save = async () => {
    const ed = editor.current;
    if (!ed || status?.kind === "saving") return;
    const b = baseRef.current;
    const text = ed.text();
    setStatus({ kind: "saving" });
    try {
      const expect = b.version === null ? "absent" : { version: b.version };
      const saved = await workspaceApi.write(orchestratorId, path, text, expect);
      setBase({ version: saved.version, content: saved.content });
      setDirty(ed.text() !== saved.content);
      setConflict(null);
      setStatus({ kind: "saved", version: saved.version });
      onSaved(saved);
      // Save disables itself once saved: keep the keyboard in the text, not on a dead button.
      ed.focus();
    } catch (e) {
      if (e instanceof ApiError && e.code === "version_conflict") {
        const now = (e.details as { currentVersion?: number | null } | undefined)?.currentVersion ?? null;
        setConflict({ version: now, by: null });
        setStatus(null);
      } else {
        setStatus({ kind: "error", message: e instanceof Error ? e.message : String(e) });
      }
    }
  };
  saveRef.current = () => void save();

  // A newer version arrived (the page reloads the file on file.changed) that isn't our own save
  // (versions only grow; ours is the base once saved, and one loaded with Load theirs is too).
  const theirs: Theirs | null =
    conflict ??
    (gone
      ? base.version === null
        ? null
        : { version: null, by: null }
      : base.version !== null && file.version > base.version
        ? { version: file.version, by: file.updatedBy }
        : null);

  const loadTheirs = async () => {
    try {
      const latest = await api.readFile(orchestratorId, path);
      editor.current?.reset(latest.content);
      setBase({ version: latest.version, content: latest.content });
      setDirty(false);
      setConflict(null);
      setStatus(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setConflict({ version: null, by: null });
      else setStatus({ kind: "error", message: e instanceof Error ? e.message : String(e) });
    }
  };
  const keepMine = () => {
    if (!theirs) return;
    setBase({ version: theirs.version, content: baseRef.current.content });
    setConflict(null);
  };

  return (
    <div className="file-editor" data-state={load}>
      <div className="editor-bar">
        <button
          type="button"
          className="btn btn-sm btn-primary"
          onClick={() => void save()}
          disabled={load !== "ready" || status?.kind === "saving" || (!dirty && base.version !== null)}
          aria-keyshortcuts="Control+S Meta+S"
        >
          {status?.kind === "saving" && <span className="spinner" aria-hidden="true" />}
          Save
        </button>
        <button type="button" className="btn btn-sm" onClick={onClose}>
          {dirty ? "Discard changes" : "Close editor"}
        </button>
        <span className="muted editor-status" role="status">
          {status?.kind === "saved" && !dirty
            ? `Saved as version ${status.version}.`
            : dirty
              ? "Unsaved changes · Ctrl+S saves"
              : base.version === null
                ? "Not saved: the file was deleted."
                : `Editing version ${base.version}.`}
        </span>
      </div>
      {status?.kind === "error" && (
        <div className="notice notice-error editor-notice" role="alert">
          Not saved: {status.message}
        </div>
      )}
      {theirs && (
        <div className="notice notice-warning editor-notice" role="alert">
          <Icon name="bolt" size={14} />
          <span>
            {theirs.version === null
              ? "This file was deleted while you were editing."
              : `${theirs.by ? authorText(theirs.by) : "Someone"} saved version ${theirs.version} while you were editing.`}{" "}
            Your edits are still here.
          </span>
          <span className="spacer" />
          <button
            type="button"
            className="btn btn-sm"
            onClick={theirs.version === null ? onClose : () => void loadTheirs()}
          >
            {theirs.version === null ? "Discard mine" : "Load theirs"}
          </button>
          <button type="button" className="btn btn-sm" onClick={keepMine}>
            Keep mine
          </button>
        </div>
      )}
      {load === "loading" && (
        <p className="muted editor-loading" aria-busy="true">
          Loading the editor…
        </p>
      )}
      {load === "failed" && (
        <div className="notice notice-error editor-notice" role="alert">
          The editor couldn't be loaded. Check your connection and open it again.
        </div>
      )}
      <div ref={host} className="editor-host" />
    </div>
  );
}
