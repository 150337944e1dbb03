// One connector in Settings → Connectors: name, URL (query values masked by the API), status with its
// message, header names ("set": their values are write-only), its tools and when they were listed.
// Test re-lists the tools; Connect / Reconnect starts the OAuth sign-in in this browser tab.
import { forwardRef, useId } from "react";
import { type ConnectorInfo, STATUS_LABEL } from "../../lib/connectors";
import { formatDateTime, formatRelative } from "../../lib/format";
import { Icon } from "../Icon";

export type ConnectorAction = "refresh" | "authorize";

export const ConnectorCard = forwardRef<
  HTMLElement,
  {
    connector: ConnectorInfo;
    /** What is running for it now. */
    busy: ConnectorAction | null;
    error: string | null;
    toolsOpen: boolean;
    onToolsToggle: (open: boolean) => void;
    onAction: (a: ConnectorAction) => void;
    onDelete: () => void;
  }
>(function ConnectorCard({ connector: c, busy, error, toolsOpen, onToolsToggle, onAction, onDelete }, ref) {
  const uid = useId();
  const status = STATUS_LABEL[c.status];
  const oauth = c.auth === "oauth" || c.status === "needs_auth";
  const signIn = c.status === "needs_auth" ? "Connect" : "Reconnect";
  return (
    <article
      ref={ref}
      className="connector-card"
      id={`connector-${c.id}`}
      data-connector={c.name}
      data-status={c.status}
      aria-labelledby={`${uid}-name`}
      tabIndex={-1}
    >
      <div className="connector-head">
        <h3 id={`${uid}-name`} className="connector-name mono">
          {c.name}
        </h3>
        <span className={`badge ${status.tone}`}>{status.label}</span>
        <span className="spacer" />
        <div className="connector-actions">
          <button
            type="button"
            className="btn btn-sm"
            disabled={busy !== null}
            onClick={() => onAction("refresh")}
            aria-label={`Test ${c.name}`}
          >
            {busy === "refresh" ? (
              <span className="spinner" aria-hidden="true" />
            ) : (
              <Icon name="refresh" size={14} />
            )}{" "}
            Test
          </button>
          {oauth && (
            <button
              type="button"
              className={`btn btn-sm${c.status === "needs_auth" ? " btn-primary" : ""}`}
              disabled={busy !== null}
              onClick={() => onAction("authorize")}
              aria-label={`${signIn} ${c.name}`}
            >
              {busy === "authorize" ? (
                <span className="spinner" aria-hidden="true" />
              ) : (
                <Icon name="external" size={14} />
              )}{" "}
              {signIn}
            </button>
          )}
          <button
            type="button"
            className="btn btn-sm btn-danger"
            disabled={busy !== null}
            onClick={onDelete}
            aria-label={`Delete ${c.name}`}
          >
            <Icon name="trash" size={14} /> Delete
          </button>
        </div>
      </div>
      <div className="connector-url mono" title={c.url}>
        {c.url}
      </div>
      {c.message && c.status !== "ok" && (
        <p className={c.status === "error" ? "connector-message field-error" : "connector-message muted"}>
          {c.message}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <dl className="connector-facts">
        <div>
          <dt>Headers</dt>
          <dd>
            {c.headerNames.length === 0 ? (
              <span className="faint">none</span>
            ) : (
              c.headerNames.map((h) => (
                <span key={h} className="connector-header">
                  <span className="mono">{h}</span> <span className="badge">set</span>
                </span>
              ))
            )}
          </dd>
        </div>
        {c.auth === "oauth" && (
          <div>
            <dt>Sign-in</dt>
            <dd>{c.status === "needs_auth" ? "needed" : "OAuth, kept by Baton"}</dd>
          </div>
        )}
        <div>
          <dt>Tools</dt>
          <dd className="num">{c.tools.length}</dd>
        </div>
        <div>
          <dt>Last refreshed</dt>
          <dd>
            {c.lastRefreshedAt ? (
              <time
                dateTime={new Date(c.lastRefreshedAt).toISOString()}
                title={formatDateTime(c.lastRefreshedAt)}
              >
                {formatRelative(c.lastRefreshedAt)}
              </time>
            ) : (
              <span className="faint">never</span>
            )}
          </dd>
        </div>
      </dl>
      {c.tools.length > 0 && (
        <details
          className="connector-tools"
          open={toolsOpen}
          onToggle={(e) => {
            const open = (e.currentTarget as HTMLDetailsElement).open;
            if (open !== toolsOpen) onToolsToggle(open);
          }}
        >
          <summary>
            {c.tools.length === 1 ? "1 tool" : `${c.tools.length} tools`}{" "}
            <span className="sr-only">of {c.name}</span>
          </summary>
          <ul className="connector-tool-list">
            {c.tools.map((t) => (
              <li key={t.name} className="connector-tool" data-tool={t.name}>
                <div className="connector-tool-head">
                  <span className="mono connector-tool-name">{t.tool}</span>
                  <span
                    className="mono faint connector-tool-model"
                    title="The name in tool policies and the chat"
                  >
                    {t.name}
                  </span>
                </div>
                {t.description && <p className="muted connector-tool-desc">{t.description}</p>}
                <details className="connector-schema">
                  <summary>
                    Input schema<span className="sr-only"> of {t.tool}</span>
                  </summary>
                  <pre>{JSON.stringify(t.inputSchema, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        </details>
      )}
    </article>
  );
});
