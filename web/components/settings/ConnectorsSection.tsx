// Settings → Connectors (DESIGN §10): the user's remote MCP servers. List them (status, tools, when
// they were listed), add one by URL, Test it (re-list its tools), Connect / Reconnect a server that
// uses OAuth (the browser goes to its sign-in page and comes back to
// /settings?connector=<id>&oauth=connected|failed#connectors, which this section announces and
// focuses), delete one. The list comes with the page (SettingsPage.loader).
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { usePatchable } from "../../hooks/usePatchable";
import { ApiError } from "../../lib/api";
import { browser, type ConnectorInfo, connectorApi, safeAuthorizeUrl } from "../../lib/connectors";
import type { Loaded } from "../../lib/loaders";
import { Dialog } from "../Dialog";
import { Icon } from "../Icon";
import { type ConnectorAction, ConnectorCard } from "./ConnectorCard";
import { ConnectorDialog } from "./ConnectorDialog";
import "../../styles/connectors.css";

/** What the OAuth callback's `reason` means, in words. */
const REASONS: Record<string, string> = {
  invalid_state: "the sign-in link expired or was already used",
  access_denied: "the server did not grant access",
  needs_auth: "the server still asks for a sign-in",
  error: "the server could not be reached with the new sign-in",
};

type Notice = { tone: "ok" | "error"; text: string };

export function oauthNotice(params: URLSearchParams, connectors: readonly ConnectorInfo[]): Notice | null {
  const oauth = params.get("oauth");
  if (oauth !== "connected" && oauth !== "failed") return null;
  const c = connectors.find((x) => x.id === params.get("connector"));
  const name = c ? c.name : "the server";
  if (oauth === "connected") {
    const n = c?.tools.length ?? 0;
    return {
      tone: "ok",
      text: `Connected to ${name}.${c ? ` ${n === 1 ? "1 tool" : `${n} tools`} listed.` : ""}`,
    };
  }
  const reason = params.get("reason") ?? "";
  const why = REASONS[reason] ?? (reason ? reason.replace(/_/g, " ") : "the sign-in did not finish");
  const detail = c?.message ? ` ${c.message}` : "";
  return {
    tone: "error",
    text: `Could not connect to ${name}: ${why}.${detail} Press Connect to try again.`,
  };
}

export function ConnectorsSection({ loaded }: { loaded: Loaded<ConnectorInfo[]> }) {
  const [connectors, patch] = usePatchable(loaded.data);
  const [params, setParams] = useSearchParams();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<ConnectorInfo | null>(null);
  const [busy, setBusy] = useState<Record<string, ConnectorAction>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [toolsOpen, setToolsOpen] = useState<Record<string, boolean>>(() => {
    const id = params.get("connector");
    return id && params.get("oauth") === "connected" ? { [id]: true } : {};
  });
  const [error, setError] = useState<string | null>(null);
  const cards = useRef(new Map<string, HTMLElement>());
  const sectionRef = useRef<HTMLElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const [focusId, setFocusId] = useState<string | null>(() => params.get("connector"));
  const list = connectors ?? [];
  const notice = oauthNotice(params, list);

  // Back from a sign-in (or a link to #connectors): bring the connector, or the section, into view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on arrival.
  useEffect(() => {
    if (focusId || window.location.hash !== "#connectors") return;
    sectionRef.current?.scrollIntoView({ block: "start" });
  }, []);
  useEffect(() => {
    if (!focusId) return;
    const el = cards.current.get(focusId);
    if (!el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "start" });
    setFocusId(null);
  }, [focusId]);

  const put = (c: ConnectorInfo) =>
    patch((prev) => {
      const rest = prev ?? [];
      return rest.some((x) => x.id === c.id) ? rest.map((x) => (x.id === c.id ? c : x)) : [...rest, c];
    });

  const act = async (c: ConnectorInfo, action: ConnectorAction) => {
    setBusy((b) => ({ ...b, [c.id]: action }));
    setErrors(({ [c.id]: _, ...rest }) => rest);
    try {
      const next = await (action === "refresh" ? connectorApi.refresh(c.id) : connectorApi.authorize(c.id));
      const go = action === "authorize" ? safeAuthorizeUrl(next.authorizeUrl) : null;
      if (go) {
        // Off to the server's sign-in page; the callback brings the browser back here.
        browser.go(go);
        return;
      }
      put(next);
      if (next.status === "ok") setToolsOpen((o) => ({ ...o, [c.id]: true }));
    } catch (e) {
      setErrors((m) => ({ ...m, [c.id]: e instanceof ApiError ? e.message : String(e) }));
    }
    setBusy(({ [c.id]: _, ...rest }) => rest);
  };

  const remove = async () => {
    if (!deleting) return;
    const c = deleting;
    setDeleting(null);
    setError(null);
    try {
      await connectorApi.remove(c.id);
      patch((prev) => prev?.filter((x) => x.id !== c.id));
      addRef.current?.focus();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const dismiss = () =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        for (const k of ["oauth", "reason", "connector"]) next.delete(k);
        return next;
      },
      { replace: true, preventScrollReset: true },
    );

  return (
    <section
      ref={sectionRef}
      id="connectors"
      className="card settings-section"
      aria-labelledby="connectors-title"
    >
      <div className="settings-section-head row">
        <div>
          <h2 id="connectors-title">Connectors</h2>
          <p className="muted">
            Remote MCP servers. Enable one on an orchestrator (its settings) and its tools reach it and its
            agents as <code>mcp__&lt;connector&gt;__&lt;tool&gt;</code>; each call asks you first unless its
            tool policy allows it.
          </p>
        </div>
        <div className="spacer" />
        <button ref={addRef} type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
          <Icon name="plus" size={14} /> Add connector
        </button>
      </div>
      {notice && (
        <div
          className={`notice ${notice.tone === "ok" ? "notice-info" : "notice-error"} connector-notice`}
          role={notice.tone === "ok" ? "status" : "alert"}
        >
          <span>{notice.text}</span>
          <button type="button" className="btn btn-sm btn-ghost" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      {(error ?? loaded.error) && (
        <div className="notice notice-error" role="alert">
          {error ?? loaded.error?.message}
        </div>
      )}
      {list.length === 0 ? (
        <p className="faint">No connectors yet.</p>
      ) : (
        <div className="connector-list">
          {list.map((c) => (
            <ConnectorCard
              key={c.id}
              ref={(el) => {
                if (el) cards.current.set(c.id, el);
                else cards.current.delete(c.id);
              }}
              connector={c}
              busy={busy[c.id] ?? null}
              error={errors[c.id] ?? null}
              toolsOpen={toolsOpen[c.id] ?? false}
              onToolsToggle={(open) => setToolsOpen((o) => ({ ...o, [c.id]: open }))}
              onAction={(a) => void act(c, a)}
              onDelete={() => setDeleting(c)}
            />
          ))}
        </div>
      )}
      {adding && (
        <ConnectorDialog
          onClose={() => setAdding(false)}
          onCreated={(c) => {
            setAdding(false);
            put(c);
            if (c.status === "ok") setToolsOpen((o) => ({ ...o, [c.id]: true }));
            setFocusId(c.id);
          }}
        />
      )}
      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete connector “${deleting?.name ?? ""}”?`}
        onSubmit={() => void remove()}
        submit={{ label: "Delete connector", tone: "danger" }}
      >
        <p className="muted">
          Orchestrators using it lose its tools, and Baton forgets its headers and sign-in. This can't be
          undone.
        </p>
      </Dialog>
    </section>
  );
}
