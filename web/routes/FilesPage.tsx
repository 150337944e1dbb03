// The orchestrator's shared workspace: a live tree (file.changed events) and a preview —
// markdown rendered, code highlighted, anything downloadable.
import { useEffect, useMemo, useRef, useState } from "react";
import { Link, useLoaderData, useParams, useSearchParams } from "react-router";
import { CodeView } from "../components/CodeView";
import { ConnectionBadge } from "../components/ConnectionBadge";
import { Icon } from "../components/Icon";
import { Markdown } from "../components/Markdown";
import { useFold } from "../hooks/useFold";
import { useResource } from "../hooks/useResource";
import { orchestratorTarget, useStream } from "../hooks/useStream";
import { api } from "../lib/api";
import { formatBytes, formatRelative } from "../lib/format";
import { langFromPath } from "../lib/highlight";
import type { DataOf } from "../lib/loaders";
import { emptyAgents, foldAgents, seedAgents } from "../lib/views/agents";
import {
  emptyFiles,
  type FileEntry,
  fileTree,
  foldFiles,
  seedFiles,
  type TreeNode,
} from "../lib/views/files";
import type { loader } from "./FilesPage.loader";
import "../styles/files.css";

export default function FilesPage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const selected = params.get("path");
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
  const tree = useMemo(() => fileTree(files), [files]);
  const entry = selected ? files.get(selected) : undefined;
  const who = (by: string) => agents.byId.get(by)?.name ?? by;

  useEffect(() => {
    document.title = `${selected ?? "Files"} · Baton`;
  }, [selected]);

  const select = (path: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (path) next.set("path", path);
        else next.delete("path");
        return next;
      },
      { replace: false },
    );

  return (
    <div className="files-page" data-has-selection={selected ? "true" : "false"}>
      <header className="room-header">
        <nav aria-label="Breadcrumb" className="crumbs">
          <Link to={`/o/${id}`} className="faint">
            {stream.state?.name ?? "Orchestrator"}
          </Link>
          <Icon name="chevronRight" size={12} />
          <h1>Files</h1>
        </nav>
        <span className="count">{files.size}</span>
        <div className="spacer" />
        <ConnectionBadge connection={stream.connection} retryAt={stream.retryAt} onRetry={stream.reconnect} />
      </header>
      <div className="files-layout">
        <nav className="files-tree" aria-label="Workspace files">
          {listing.error && (
            <div className="notice notice-error" role="alert" style={{ margin: 10 }}>
              {listing.error.message}
            </div>
          )}
          {files.size === 0 ? (
            <div className="empty">
              <Icon name="folder" size={22} />
              <p>No files yet. Agents write here as they work.</p>
            </div>
          ) : (
            <ul aria-label="Files">
              {tree.children.map((n) => (
                <TreeItem key={n.path} node={n} depth={0} selected={selected} onSelect={select} />
              ))}
            </ul>
          )}
        </nav>
        <section className="files-preview" aria-label="Preview">
          {selected ? (
            <Preview
              key={selected}
              orchestratorId={id}
              path={selected}
              entry={entry}
              who={who}
              onBack={() => select(null)}
            />
          ) : (
            <div className="empty">
              <Icon name="file" size={22} />
              <p>Select a file to preview it.</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function TreeItem({
  node,
  depth,
  selected,
  onSelect,
}: {
  node: TreeNode;
  depth: number;
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  const [open, setOpen] = useState(true);
  const pad = { paddingLeft: 10 + depth * 14 };
  if (!node.file) {
    return (
      <li>
        <button
          type="button"
          className="tree-row"
          style={pad}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          <Icon name={open ? "chevronDown" : "chevronRight"} size={12} />
          <Icon name="folder" size={14} />
          <span className="truncate">{node.name}</span>
        </button>
        {open && (
          <ul>
            {node.children.map((c) => (
              <TreeItem key={c.path} node={c} depth={depth + 1} selected={selected} onSelect={onSelect} />
            ))}
          </ul>
        )}
      </li>
    );
  }
  return (
    <li>
      <button
        type="button"
        className="tree-row"
        style={pad}
        data-selected={selected === node.path}
        aria-current={selected === node.path ? "true" : undefined}
        onClick={() => onSelect(node.path)}
        data-path={node.path}
      >
        <span style={{ width: 12 }} />
        <Icon name="file" size={14} />
        <span className="truncate">{node.name}</span>
        <span className="spacer" />
        {node.file.changes > 0 && <span className="tree-fresh" title="Changed during this session" />}
        <span className="faint tree-size num">{formatBytes(node.file.size)}</span>
      </button>
    </li>
  );
}

function Preview({
  orchestratorId,
  path,
  entry,
  who,
  onBack,
}: {
  orchestratorId: string;
  path: string;
  entry: FileEntry | undefined;
  who: (by: string) => string;
  onBack: () => void;
}) {
  const file = useResource(() => api.readFile(orchestratorId, path), `${orchestratorId}:${path}`);
  // Refetch in place whenever this file changes (file.changed bumps seq/changes), keeping the
  // current content on screen meanwhile.
  const version = entry ? `${entry.seq}:${entry.changes}:${entry.size}` : "none";
  const firstVersion = useRef(version);
  const { reload } = file;
  useEffect(() => {
    if (version !== firstVersion.current) void reload();
  }, [version, reload]);
  const [mode, setMode] = useState<"rendered" | "source">("rendered");
  const lang = langFromPath(path);
  const isMarkdown = /\.(md|markdown|mdx)$/i.test(path);
  const content = file.data?.content;

  return (
    <div className="preview">
      <div className="preview-header">
        <button type="button" className="btn btn-sm btn-ghost preview-back" onClick={onBack}>
          <Icon name="chevronLeft" size={14} /> Files
        </button>
        <div className="preview-title">
          <span className="mono truncate">{path}</span>
          {entry && (
            <span className="faint preview-meta">
              {formatBytes(entry.size)} · by {who(entry.updatedBy)} · {formatRelative(entry.updatedAt)}
            </span>
          )}
        </div>
        <div className="spacer" />
        {isMarkdown && (
          <div className="segmented">
            <button type="button" aria-pressed={mode === "rendered"} onClick={() => setMode("rendered")}>
              Preview
            </button>
            <button type="button" aria-pressed={mode === "source"} onClick={() => setMode("source")}>
              Source
            </button>
          </div>
        )}
        <a className="btn btn-sm" href={api.fileDownloadUrl(orchestratorId, path)} download>
          <Icon name="download" size={14} /> Download
        </a>
      </div>
      <div className="preview-body">
        {file.error ? (
          <div className="empty">
            <p>{file.error.status === 404 ? "This file no longer exists." : file.error.message}</p>
          </div>
        ) : content === undefined ? (
          <div className="empty faint" aria-busy="true">
            Loading…
          </div>
        ) : isMarkdown && mode === "rendered" ? (
          <div className="preview-md">
            <Markdown text={content} />
          </div>
        ) : (
          <CodeView code={content} lang={lang} />
        )}
      </div>
    </div>
  );
}
