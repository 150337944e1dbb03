// The orchestrator's shared workspace: a live tree (file.changed events) or search results on the
// left; the selected file on the right — viewed, edited (CodeMirror, lazy) or its history with
// diffs. Files can be uploaded (picker or drag and drop, onto a folder to upload into it), created,
// renamed, and deleted with an Undo that restores the file and its history. Everything a user can
// point at is URL state: ?path= &mode=view|edit|history &v= (a version) &line= (a search hit) &q=.
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useLoaderData, useNavigate, useParams, useSearchParams } from "react-router";
import { ConnectionBadge } from "../components/ConnectionBadge";
import type { AgentNames } from "../components/files/Author";
import { FileSearchBox, FileSearchResults } from "../components/files/FileSearch";
import { FileTree } from "../components/files/FileTree";
import { type FileMode, FileView } from "../components/files/FileView";
import { PathDialog } from "../components/files/PathDialog";
import { Icon } from "../components/Icon";
import { Toast, useToast } from "../components/Toast";
import { useFold } from "../hooks/useFold";
import { orchestratorTarget, useStream } from "../hooks/useStream";
import { ApiError } from "../lib/api";
import type { DataOf } from "../lib/loaders";
import { readUpload } from "../lib/upload";
import { emptyAgents, foldAgents, seedAgents } from "../lib/views/agents";
import { emptyFiles, fileTree, foldFiles, seedFiles } from "../lib/views/files";
import { type FileContent, workspaceApi } from "../lib/workspace";
import type { loader } from "./FilesPage.loader";
import "../styles/files.css";

type Place = { path?: string | null; mode?: FileMode; v?: number | null; line?: number | null; q?: string };

const num = (s: string | null) => (s && /^\d+$/.test(s) ? Number(s) : null);
const asMode = (s: string | null): FileMode => (s === "edit" || s === "history" ? s : "view");
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const folderOf = (path: string | null) =>
  path?.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";

export default function FilesPage() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const selected = params.get("path");
  const mode = asMode(params.get("mode"));
  const query = params.get("q") ?? "";
  const stream = useStream(useMemo(() => orchestratorTarget(id), [id]));
  const listing = useLoaderData<DataOf<typeof loader>>();
  const files = useFold(
    stream.log,
    () => seedFiles(emptyFiles(), listing.data ?? []),
    foldFiles,
    listing.data,
  );
  const seed = stream.state?.agents;
  const agents = useFold(stream.log, () => seedAgents(emptyAgents(), seed ?? []), foldAgents, seed);
  const agentNames: AgentNames = useMemo(
    () => new Map([...agents.byId.values()].map((a) => [a.name, a.id])),
    [agents],
  );
  const tree = useMemo(() => fileTree(files), [files]);
  const { toast, say, dismiss } = useToast();
  const [creating, setCreating] = useState(false);
  const [drop, setDrop] = useState<{ folder: string } | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${selected ?? "Files"} · Baton`;
  }, [selected]);

  /** The URL (search part) of a place on this page; the search query stays unless replaced. */
  const href = useCallback(
    (to: Place) => {
      const next = new URLSearchParams();
      if (to.path) next.set("path", to.path);
      if (to.path && to.mode && to.mode !== "view") next.set("mode", to.mode);
      if (to.v) next.set("v", String(to.v));
      if (to.line) next.set("line", String(to.line));
      const q = to.q ?? query;
      if (q) next.set("q", q);
      const s = next.toString();
      return s ? `?${s}` : "?";
    },
    [query],
  );
  const go = useCallback((to: Place, replace = false) => navigate(href(to), { replace }), [navigate, href]);
  const onQuery = useCallback((q: string) => go({ path: selected, mode, q }, true), [go, selected, mode]);

  const remove = async (file: FileContent) => {
    try {
      await workspaceApi.remove(id, file.path, { version: file.version });
    } catch (e) {
      say({ tone: "error", text: `${file.path} was not deleted: ${message(e)}` });
      return;
    }
    go({ path: null });
    say({
      text: `Deleted ${file.path}`,
      action: {
        label: "Undo",
        run: async () => {
          try {
            // Only if nobody wrote the path since: theirs stays, and ours is still in its history.
            await workspaceApi.restore(id, file.path, file.version, "absent");
            say({ text: `Restored ${file.path}` });
            go({ path: file.path });
          } catch (e) {
            const conflict = e instanceof ApiError && e.code === "version_conflict";
            say({
              tone: "error",
              text: conflict
                ? `${file.path} was written again since; the deleted version is in its history.`
                : `${file.path} was not restored: ${message(e)}`,
            });
          }
        },
      },
    });
  };

  const upload = async (list: readonly File[], folder: string) => {
    if (!list.length) return;
    say({ text: `Uploading ${list.length === 1 ? list[0]!.name : `${list.length} files`}…` });
    const done: string[] = [];
    const failed: string[] = [];
    for (const picked of await Promise.all(list.map((f) => readUpload(f, folder)))) {
      if ("error" in picked) {
        failed.push(`${picked.path} ${picked.error}`);
        continue;
      }
      try {
        // No precondition: uploading over a file is a new version of it, the old one kept.
        await workspaceApi.write(id, picked.path, picked.content);
        done.push(picked.path);
      } catch (e) {
        failed.push(`${picked.path}: ${message(e)}`);
      }
    }
    const uploaded = done.length === 1 ? done[0]! : `${done.length} files`;
    if (failed.length) {
      say({
        tone: "error",
        text: `Not uploaded: ${failed.join("; ")}.${done.length ? ` Uploaded ${uploaded}.` : ""}`,
      });
    } else {
      say({ text: `Uploaded ${uploaded}` });
    }
    if (done.length === 1) go({ path: done[0]! });
  };

  // Drag and drop: anywhere on the workspace, or onto a folder row to upload into that folder.
  const dragTarget = (e: DragEvent) =>
    (e.target as Element).closest?.("[data-folder]")?.getAttribute("data-folder") ?? "";
  const dragFiles = (e: DragEvent) => e.dataTransfer.types.includes("Files");
  const dropHandlers = {
    onDragOver: (e: DragEvent) => {
      if (!dragFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      const folder = dragTarget(e);
      if (drop?.folder !== folder) setDrop({ folder });
    },
    onDragLeave: (e: DragEvent) => {
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDrop(null);
    },
    onDrop: (e: DragEvent) => {
      if (!dragFiles(e)) return;
      e.preventDefault();
      setDrop(null);
      void upload([...e.dataTransfer.files], dragTarget(e));
    },
  };

  return (
    <div className="files-page" data-has-selection={selected ? "true" : "false"}>
      <header className="room-header">
        <nav aria-label="Breadcrumb" className="crumbs">
          <Link to={`/o/${id}`} className="muted">
            {stream.state?.name ?? "Orchestrator"}
          </Link>
          <Icon name="chevronRight" size={12} />
          <h1>Files</h1>
        </nav>
        <span className="count">{files.size}</span>
        <div className="spacer" />
        <button type="button" className="btn btn-sm" onClick={() => setCreating(true)} aria-label="New file">
          <Icon name="plus" size={14} /> <span className="btn-label">New file</span>
        </button>
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => picker.current?.click()}
          aria-label="Upload"
          title="Upload files (or drop them here)"
        >
          <Icon name="upload" size={14} /> <span className="btn-label">Upload</span>
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          aria-label="Upload files"
          onChange={(e) => {
            const list = [...(e.target.files ?? [])];
            e.target.value = "";
            void upload(list, "");
          }}
        />
        <ConnectionBadge connection={stream.connection} retryAt={stream.retryAt} onRetry={stream.reconnect} />
      </header>
      <div className="files-layout" {...dropHandlers} data-dragging={drop ? "true" : undefined}>
        <nav className="files-tree" aria-label="Workspace files">
          <FileSearchBox query={query} onQuery={onQuery} />
          {listing.error && (
            <div className="notice notice-error" role="alert" style={{ margin: 10 }}>
              {listing.error.message}
            </div>
          )}
          {query ? (
            <FileSearchResults
              orchestratorId={id}
              query={query}
              linkTo={(path, line) => href({ path, line })}
              current={{ path: selected, line: num(params.get("line")) }}
            />
          ) : files.size === 0 ? (
            <div className="empty">
              <Icon name="folder" size={22} />
              <p>
                No files yet. Agents write here as they work; you can drop files here, upload or create one.
              </p>
            </div>
          ) : (
            <FileTree root={tree} selected={selected} onSelect={(path) => go({ path })} />
          )}
        </nav>
        <section className="files-preview" aria-label="File">
          {selected ? (
            <FileView
              key={selected}
              orchestratorId={id}
              path={selected}
              entry={files.get(selected)}
              agents={agentNames}
              mode={mode}
              line={num(params.get("line"))}
              version={num(params.get("v"))}
              links={{ mode: (m, v) => href({ path: selected, mode: m, v }), back: () => go({ path: null }) }}
              onDelete={(f) => void remove(f)}
              onRenamed={(to) => go({ path: to }, true)}
            />
          ) : (
            <div className="empty">
              <Icon name="file" size={22} />
              <p>Select a file to view, edit or see its history.</p>
            </div>
          )}
        </section>
        {drop && (
          <div className="drop-overlay" aria-hidden="true">
            <Icon name="upload" size={22} />
            <p>
              Drop to upload to {drop.folder ? <span className="mono">{drop.folder}/</span> : "the workspace"}
            </p>
          </div>
        )}
      </div>
      {creating && (
        <PathDialog
          title="New file"
          submitLabel="Create"
          initial={`${folderOf(selected)}untitled.md`}
          hint="Folders are made as needed. The file opens in the editor."
          onClose={() => setCreating(false)}
          onSubmit={async (path) => {
            const taken = "There is already a file at this path: pick another name.";
            // Known taken: say so at once. The server's If-None-Match catches the rest (a race).
            if (files.has(path)) throw new Error(taken);
            try {
              await workspaceApi.write(id, path, "", "absent");
            } catch (e) {
              if (e instanceof ApiError && e.code === "version_conflict") {
                throw new Error(taken);
              }
              throw e;
            }
            setCreating(false);
            go({ path, mode: "edit" });
          }}
        />
      )}
      <Toast toast={toast} onDismiss={dismiss} />
    </div>
  );
}
