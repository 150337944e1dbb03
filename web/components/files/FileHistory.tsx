// A file's history: every version kept, newest first, with who made it and when, and for the
// selected one the diff of what it changed (against the version before it). Any earlier version
// can be restored: its content becomes a new current version, so restoring is itself undoable.
import { useState } from "react";
import { Link } from "react-router";
import { useResource } from "../../hooks/useResource";
import { ApiError } from "../../lib/api";
import { formatBytes, formatDateTime, formatRelative } from "../../lib/format";
import { type FileContent, type FileVersion, workspaceApi } from "../../lib/workspace";
import { type AgentNames, Author } from "./Author";
import { DiffView } from "./DiffView";
import "../../styles/file-edit.css";

export function FileHistory({
  orchestratorId,
  path,
  changeKey,
  gone,
  selected,
  linkTo,
  agents,
  onRestored,
}: {
  orchestratorId: string;
  path: string;
  /** Changes when the file does (file.changed): the list loads again. */
  changeKey: string;
  /** The file left this path since the list loaded (deleted or renamed). */
  gone: boolean;
  /** The version whose changes are shown; the newest when null. */
  selected: number | null;
  /** The URL (search) that selects a version. */
  linkTo: (version: number) => string;
  agents: AgentNames;
  onRestored: (file: FileContent) => void;
}) {
  const history = useResource(
    () => workspaceApi.history(orchestratorId, path),
    `${orchestratorId}:${path}:${changeKey}`,
  );
  const versions = history.data?.versions ?? [];
  const shown = versions.find((v) => v.version === selected) ?? versions[0];
  const index = shown ? versions.indexOf(shown) : -1;
  const previous = index >= 0 ? versions[index + 1] : undefined;

  if (history.error) {
    return (
      <div className="empty">
        <p>{history.error.status === 404 ? "This file has no history." : history.error.message}</p>
      </div>
    );
  }
  if (!history.data) {
    return (
      <p className="muted history-loading" aria-busy="true">
        Loading the history…
      </p>
    );
  }
  return (
    <>
      {gone && (
        <p className="notice notice-info history-gone" role="status">
          This file was deleted or renamed since; its history is shown as it was.
        </p>
      )}
      <div className="history">
        <nav className="history-list" aria-label={`Versions of ${path}`}>
          <ol>
            {versions.map((v) => (
              <li key={v.version}>
                <Link
                  to={linkTo(v.version)}
                  replace
                  className="history-row"
                  aria-current={v === shown ? "true" : undefined}
                  data-version={v.version}
                >
                  <span className="history-version num">v{v.version}</span>
                  <span className="history-who">
                    {v.deleted ? "Deleted by " : ""}
                    {v.updatedBy === "user" ? "You" : v.updatedBy}
                  </span>
                  <span className="spacer" />
                  {v.current && <span className="badge badge-accent">current</span>}
                  <time
                    className="muted history-when"
                    dateTime={new Date(v.updatedAt).toISOString()}
                    title={new Date(v.updatedAt).toLocaleString()}
                  >
                    {formatRelative(v.updatedAt)}
                  </time>
                </Link>
              </li>
            ))}
          </ol>
        </nav>
        {shown && (
          <VersionChanges
            key={shown.version}
            orchestratorId={orchestratorId}
            path={path}
            version={shown}
            previous={previous}
            current={history.data.current}
            agents={agents}
            onRestored={onRestored}
          />
        )}
      </div>
    </>
  );
}

/** One version: who and when, what it changed, and Restore. */
function VersionChanges({
  orchestratorId,
  path,
  version: v,
  previous,
  current,
  agents,
  onRestored,
}: {
  orchestratorId: string;
  path: string;
  version: FileVersion;
  previous: FileVersion | undefined;
  current: number | null;
  agents: AgentNames;
  onRestored: (file: FileContent) => void;
}) {
  // Both sides' text: a deletion has none, and a version after a deletion (or the first) starts
  // from an empty file.
  const read = (x: FileVersion | undefined) =>
    !x || x.deleted
      ? Promise.resolve("")
      : workspaceApi.readVersion(orchestratorId, path, x.version).then((f) => f.content);
  const texts = useResource(
    () => Promise.all([read(previous), read(v)]),
    `${path}:${previous?.version ?? 0}:${v.version}`,
  );
  const [restore, setRestore] = useState<{ busy: boolean; error: string | null }>({
    busy: false,
    error: null,
  });
  const label = `Changes in version ${v.version} of ${path}`;

  const doRestore = async () => {
    setRestore({ busy: true, error: null });
    try {
      const expect = current === null ? "absent" : { version: current };
      onRestored(await workspaceApi.restore(orchestratorId, path, v.version, expect));
    } catch (e) {
      const message =
        e instanceof ApiError && e.code === "version_conflict"
          ? "The file changed meanwhile: look at its newest version, then restore again."
          : e instanceof Error
            ? e.message
            : String(e);
      setRestore({ busy: false, error: message });
    }
  };

  const when = (
    <time dateTime={new Date(v.updatedAt).toISOString()} title={new Date(v.updatedAt).toLocaleString()}>
      {formatDateTime(v.updatedAt)}
    </time>
  );
  return (
    <section className="version" aria-label={`Version ${v.version}`}>
      <header className="version-header">
        <div className="version-title">
          <h2>
            Version {v.version}
            {v.current ? " (current)" : ""}
          </h2>
          <p className="muted">
            {v.deleted ? "Deleted by " : "By "}
            <Author by={v.updatedBy} agents={agents} orchestratorId={orchestratorId} /> · {when}
            {!v.deleted && ` · ${formatBytes(v.size)}`}
            {!v.deleted &&
              (previous ? ` · compared with version\u00a0${previous.version}` : " · first version kept")}
          </p>
        </div>
        <span className="spacer" />
        {!v.current && !v.deleted && (
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => void doRestore()}
            disabled={restore.busy}
          >
            {restore.busy && <span className="spinner" aria-hidden="true" />}
            Restore this version
          </button>
        )}
      </header>
      {restore.error && (
        <div className="notice notice-error" role="alert">
          {restore.error}
        </div>
      )}
      {v.deleted ? (
        <p className="muted version-note">The file was deleted here: this version has no content.</p>
      ) : texts.error ? (
        <div className="notice notice-error" role="alert">
          {texts.error.message}
        </div>
      ) : !texts.data ? (
        <p className="muted version-note" aria-busy="true">
          Loading the versions…
        </p>
      ) : texts.data[0] === texts.data[1] ? (
        <p className="muted version-note">
          No change in the text{previous ? ` since version ${previous.version}` : ""}.
        </p>
      ) : (
        <DiffView before={texts.data[0]} after={texts.data[1]} path={path} label={label} />
      )}
    </section>
  );
}
