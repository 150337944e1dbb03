// One file: its header (full path, size, who changed it last and when) with View / Edit / History
// and Rename, Delete, Download; below, the file itself (markdown rendered or wrapped source), the
// editor, or its history with diffs. The mode is URL state (?mode=), so each is linkable and Back
// works; the file reloads in place whenever the stream says it changed.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useResource } from "../../hooks/useResource";
import { api } from "../../lib/api";
import { formatBytes, formatRelative } from "../../lib/format";
import { langFromPath } from "../../lib/highlight";
import type { FileEntry } from "../../lib/views/files";
import { type FileContent, workspaceApi } from "../../lib/workspace";
import { CodeView } from "../CodeView";
import { Icon } from "../Icon";
import { Markdown } from "../Markdown";
import { type AgentNames, Author } from "./Author";
import { FileEditor } from "./FileEditor";
import { FileHistory } from "./FileHistory";
import { PathDialog } from "./PathDialog";

export type FileMode = "view" | "edit" | "history";

export type FileLinks = {
  /** The URL (search part) of this file in a mode; for history, at a version. */
  mode: (mode: FileMode, version?: number) => string;
  back: () => void;
};

export function FileView({
  orchestratorId,
  path,
  entry,
  agents,
  mode,
  line,
  version,
  links,
  onDelete,
  onRenamed,
}: {
  orchestratorId: string;
  path: string;
  entry: FileEntry | undefined;
  agents: AgentNames;
  mode: FileMode;
  line: number | null;
  version: number | null;
  links: FileLinks;
  onDelete: (file: FileContent) => void;
  onRenamed: (to: string) => void;
}) {
  const navigate = useNavigate();
  const file = useResource(() => api.readFile(orchestratorId, path), `${orchestratorId}:${path}`);
  // Reload in place whenever this file changes (file.changed bumps seq/changes), keeping the
  // current content on screen meanwhile. A file that leaves the tree (deleted, or renamed away) is
  // not asked for again: the answer would be a 404; it shows as gone instead.
  const known = useRef<string | null>(null);
  const vanished = known.current !== null && !entry;
  if (entry) known.current = `${entry.seq}:${entry.changes}:${entry.size}`;
  const changeKey = known.current ?? "none";
  const firstKey = useRef(changeKey);
  const { reload } = file;
  useEffect(() => {
    if (changeKey !== firstKey.current) void reload();
  }, [changeKey, reload]);
  // A search hit (?line=) opens the source at its line; Preview is a click away.
  const [rendered, setRendered] = useState(line === null);
  useEffect(() => {
    if (line !== null) setRendered(false);
  }, [line]);
  const [wrap, setWrap] = useState(true);
  const [renaming, setRenaming] = useState(false);
  const isMarkdown = /\.(md|markdown|mdx)$/i.test(path);
  const data = file.data;
  const gone = vanished || file.error?.status === 404;
  const showSource = !isMarkdown || !rendered;
  const name = path.split("/").pop() ?? path;

  const saved = (f: FileContent) => file.setData(() => f);

  return (
    <div className="preview" data-mode={mode}>
      <div className="preview-header">
        <button type="button" className="btn btn-sm btn-ghost preview-back" onClick={links.back}>
          <Icon name="chevronLeft" size={14} /> Files
        </button>
        <div className="preview-title">
          <h2 className="mono truncate" title={path}>
            {path}
          </h2>
          {data && (
            <span className="muted preview-meta">
              {formatBytes(data.size)} · v{data.version} by{" "}
              <Author by={data.updatedBy} agents={agents} orchestratorId={orchestratorId} /> ·{" "}
              <time
                dateTime={new Date(data.updatedAt).toISOString()}
                title={new Date(data.updatedAt).toLocaleString()}
              >
                {formatRelative(data.updatedAt)}
              </time>
            </span>
          )}
        </div>
        <div className="spacer" />
        <nav className="segmented file-modes" aria-label="File">
          {(["view", "edit", "history"] as const).map((m) => (
            <Link key={m} to={links.mode(m)} aria-current={mode === m ? "page" : undefined}>
              {m === "view" ? "View" : m === "edit" ? "Edit" : "History"}
            </Link>
          ))}
        </nav>
        <div className="file-actions">
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => setRenaming(true)}
            disabled={!data || gone}
            aria-label="Rename"
            title="Rename or move"
          >
            <Icon name="pencil" size={14} /> <span className="btn-label">Rename</span>
          </button>
          <button
            type="button"
            className="btn btn-sm btn-danger"
            onClick={() => data && onDelete(data)}
            disabled={!data || gone}
            aria-label="Delete"
            title="Delete (you can undo)"
          >
            <Icon name="trash" size={14} /> <span className="btn-label">Delete</span>
          </button>
          <a
            className="btn btn-sm btn-icon"
            href={api.fileDownloadUrl(orchestratorId, path)}
            download
            aria-label={`Download ${name}`}
            title="Download"
          >
            <Icon name="download" size={14} />
          </a>
        </div>
      </div>
      {mode === "view" && data && (
        <div className="view-bar">
          {isMarkdown && (
            <fieldset className="segmented">
              <legend className="sr-only">Show</legend>
              <button type="button" aria-pressed={!showSource} onClick={() => setRendered(true)}>
                Preview
              </button>
              <button type="button" aria-pressed={showSource} onClick={() => setRendered(false)}>
                Source
              </button>
            </fieldset>
          )}
          {showSource && (
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              aria-pressed={wrap}
              onClick={() => setWrap(!wrap)}
            >
              Wrap lines
            </button>
          )}
        </div>
      )}
      <div className="preview-body">
        {mode === "history" ? (
          <FileHistory
            orchestratorId={orchestratorId}
            path={path}
            changeKey={changeKey}
            gone={gone}
            selected={version}
            linkTo={(v) => links.mode("history", v)}
            agents={agents}
            onRestored={saved}
          />
        ) : (gone || file.error) && !(mode === "edit" && data) ? (
          <div className="empty">
            <p>
              {gone ? "This file no longer exists here: it was deleted or renamed." : file.error?.message}
            </p>
            {gone && <Link to={links.mode("history")}>See its history</Link>}
          </div>
        ) : !data ? (
          <div className="empty muted" aria-busy="true">
            Loading…
          </div>
        ) : mode === "edit" ? (
          <FileEditor
            orchestratorId={orchestratorId}
            path={path}
            file={data}
            gone={gone}
            onSaved={saved}
            onClose={() => navigate(links.mode("view"))}
          />
        ) : showSource ? (
          <CodeView code={data.content} lang={langFromPath(path)} wrap={wrap} line={line} label={path} />
        ) : (
          // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls, so keyboard users must reach it (WCAG 2.1.1).
          <section className="preview-scroll" tabIndex={0} aria-label={`${name}, rendered`}>
            <div className="preview-md">
              <Markdown text={data.content} />
            </div>
          </section>
        )}
      </div>
      {renaming && data && (
        <PathDialog
          title={`Rename ${name}`}
          submitLabel="Rename"
          initial={path}
          hint="Give a new name or a new folder; the file keeps its history."
          onClose={() => setRenaming(false)}
          onSubmit={async (to) => {
            await workspaceApi.rename(orchestratorId, path, to, { version: data.version });
            setRenaming(false);
            onRenamed(to);
          }}
        />
      )}
    </div>
  );
}
