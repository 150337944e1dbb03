// Add a connector (POST /api/connectors): a name, the server's URL and optional static headers as
// name/value pairs. Header values are write-only: sent once, kept encrypted by Baton, never shown
// again. A 400 (or a taken name) shows next to the field it names. Mount it to open it.
import { useId, useState } from "react";
import { flushSync } from "react-dom";
import { CONNECTOR_LIMITS } from "../../../schema/connectors";
import { ApiError } from "../../lib/api";
import { type ConnectorInfo, connectorApi } from "../../lib/connectors";
import { Dialog } from "../Dialog";
import { Field } from "../Field";
import { Icon } from "../Icon";

type HeaderRow = { key: number; name: string; value: string };

/** Header rows as the API takes them, or the problems with them by row key. */
export function headersFrom(
  rows: HeaderRow[],
): { headers: Record<string, string> } | { problems: Map<number, string> } {
  const headers: Record<string, string> = {};
  const problems = new Map<number, string>();
  const seen = new Set<string>();
  for (const r of rows) {
    const name = r.name.trim();
    if (!name && !r.value) continue;
    if (!name) problems.set(r.key, "name this header");
    else if (seen.has(name.toLowerCase())) problems.set(r.key, "is listed twice");
    else if (!r.value) problems.set(r.key, "enter its value");
    seen.add(name.toLowerCase());
    headers[name] = r.value;
  }
  return problems.size ? { problems } : { headers };
}

export function ConnectorDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (c: ConnectorInfo) => void;
}) {
  const uid = useId();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [rows, setRows] = useState<HeaderRow[]>([]);
  const [nextKey, setNextKey] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [rowProblems, setRowProblems] = useState<Map<number, string>>(new Map());
  const fields = error?.fieldErrors() ?? {};
  const ready = name.trim() !== "" && url.trim() !== "";

  const setRow = (key: number, patch: Partial<HeaderRow>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const addRow = () => {
    // The new row's name field takes the keyboard, in the same turn as the click: focused a frame
    // later, it could take it from a field the user (or a test driver) had already moved to.
    flushSync(() => {
      setRows((rs) => [...rs, { key: nextKey, name: "", value: "" }]);
      setNextKey((k) => k + 1);
    });
    document.getElementById(`${uid}-h${nextKey}-name`)?.focus();
  };

  const submit = async () => {
    if (!ready || busy) return;
    const h = headersFrom(rows);
    if ("problems" in h) {
      setRowProblems(h.problems);
      return;
    }
    setRowProblems(new Map());
    setBusy(true);
    setError(null);
    try {
      const created = await connectorApi.create({
        name: name.trim(),
        url: url.trim(),
        ...(Object.keys(h.headers).length ? { headers: h.headers } : {}),
      });
      onCreated(created);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "client_error", String(e)));
    } finally {
      setBusy(false);
    }
  };

  /** A row's problem: ours, or the server's for `headers.<name>`. */
  const rowError = (r: HeaderRow) => rowProblems.get(r.key) ?? fields[`headers.${r.name.trim()}`];
  const named = new Set(["name", "url", "headers", ...rows.map((r) => `headers.${r.name.trim()}`)]);
  const general = error && !Object.keys(fields).some((f) => named.has(f)) ? error.message : null;

  return (
    <Dialog
      open
      onClose={onClose}
      title="Add a connector"
      onSubmit={() => void submit()}
      submit={{ label: "Add", busy, disabled: !ready }}
    >
      <div className="connector-form">
        {general && (
          <div className="notice notice-error" role="alert">
            {general}
          </div>
        )}
        <Field
          id={`${uid}-name`}
          label="Name"
          hint={
            <>
              Lowercase letters and digits, words joined by - or _. Its tools are named{" "}
              <code>mcp__{name.trim() || "name"}__tool</code>.
            </>
          }
          error={fields.name}
        >
          <input
            className="input mono"
            value={name}
            maxLength={CONNECTOR_LIMITS.nameChars}
            autoComplete="off"
            spellCheck={false}
            placeholder="tickets"
            required
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field
          id={`${uid}-url`}
          label="Server URL"
          hint="The server's Streamable HTTP endpoint. A query string is kept as a secret."
          error={fields.url}
        >
          <input
            className="input mono"
            type="url"
            inputMode="url"
            value={url}
            maxLength={CONNECTOR_LIMITS.urlChars}
            autoComplete="off"
            spellCheck={false}
            placeholder="https://mcp.example.com/mcp"
            required
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
        <fieldset
          className="connector-headers"
          aria-describedby={fields.headers ? `${uid}-headers-error` : `${uid}-headers-hint`}
        >
          <legend className="label">Headers (optional)</legend>
          {rows.map((r, i) => {
            const problem = rowError(r);
            const errId = `${uid}-h${r.key}-error`;
            return (
              <div key={r.key} className="connector-header-row">
                <input
                  id={`${uid}-h${r.key}-name`}
                  className="input input-sm mono"
                  aria-label={`Header ${i + 1} name`}
                  placeholder="Authorization"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={100}
                  value={r.name}
                  onChange={(e) => setRow(r.key, { name: e.target.value })}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? errId : undefined}
                />
                <input
                  className="input input-sm mono"
                  type="password"
                  aria-label={`Header ${i + 1} value`}
                  placeholder="value"
                  autoComplete="new-password"
                  spellCheck={false}
                  maxLength={CONNECTOR_LIMITS.headerValueChars}
                  value={r.value}
                  onChange={(e) => setRow(r.key, { value: e.target.value })}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? errId : undefined}
                />
                <button
                  type="button"
                  className="btn btn-sm btn-ghost btn-icon"
                  aria-label={`Remove header ${i + 1}`}
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                >
                  <Icon name="x" size={14} />
                </button>
                {problem && (
                  <span className="field-error connector-header-error" id={errId}>
                    {r.name.trim() ? `${r.name.trim()}: ` : ""}
                    {problem}
                  </span>
                )}
              </div>
            );
          })}
          <div>
            <button
              type="button"
              className="btn btn-sm"
              onClick={addRow}
              disabled={rows.length >= CONNECTOR_LIMITS.headers}
            >
              <Icon name="plus" size={14} /> Add header
            </button>
          </div>
          {fields.headers ? (
            <span className="field-error" id={`${uid}-headers-error`}>
              {fields.headers}
            </span>
          ) : (
            <span className="field-hint" id={`${uid}-headers-hint`}>
              Sent with every request, e.g. <code>Authorization: Bearer …</code>. Values are kept encrypted
              and never shown again. Servers that use OAuth need none: press Connect once it is added.
            </span>
          )}
        </fieldset>
      </div>
    </Dialog>
  );
}
