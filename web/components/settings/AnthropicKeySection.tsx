// Settings → Anthropic API key (bring your own key): set, replace or remove the key the account's
// orchestrators and agents call Claude with. The key goes to the server once and never comes back:
// the page only ever shows "ends in …" (its last 4 characters), from /api/me.
import { type FormEvent, useState } from "react";
import type { Me } from "../../../schema/api";
import { ApiError, api } from "../../lib/api";
import { formatRelative } from "../../lib/format";
import { Field } from "../Field";

export function AnthropicKeySection({ me, onChanged }: { me: Me; onChanged: () => Promise<void> }) {
  const set = me.anthropicKey;
  const [editing, setEditing] = useState(false);
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const showForm = !set || editing;

  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await action();
      await onChanged();
      setKey("");
      setEditing(false);
      setStatus(done);
    } catch (err) {
      // A refused key is named by its field ("key: must be …"): said once, as a sentence.
      const field = err instanceof ApiError ? err.fieldErrors().key : undefined;
      setError(
        field ? `The key ${field.replace(/\.$/, "")}.` : err instanceof ApiError ? err.message : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim()) return;
    void run(() => api.setAnthropicKey(key.trim()), "Saved. Your next model call uses it.");
  };

  return (
    <section className="card settings-section" aria-labelledby="anthropic-key-title">
      <div className="settings-section-head">
        <h2 id="anthropic-key-title">Anthropic API key</h2>
        <p className="muted">
          Bring your own key: your orchestrators and agents call Claude with it. {fallbackSentence(me)} It is
          stored encrypted and never shown again.
        </p>
      </div>
      {set && (
        <div className="row key-status">
          <span>
            <strong>Set</strong>, ends in <code className="mono">…{set.last4}</code>{" "}
            <span className="faint">· {formatRelative(set.setAt)}</span>
          </span>
          {!editing && (
            <>
              <button type="button" className="btn btn-sm" disabled={busy} onClick={() => setEditing(true)}>
                Replace
              </button>
              <button
                type="button"
                className="btn btn-sm btn-danger"
                disabled={busy}
                onClick={() =>
                  void run(
                    () => api.deleteAnthropicKey(),
                    "Removed. Calls use this server's key, or the simulator when it has none.",
                  )
                }
              >
                Remove
              </button>
            </>
          )}
        </div>
      )}
      {showForm && (
        <form className="row key-form" onSubmit={save}>
          {/* The error is the section's, under the form's row: the input points at it itself. */}
          <Field id="anthropic-key" label={set ? "New key" : "Key"}>
            <input
              className="input mono"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="sk-ant-…"
              value={key}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "anthropic-key-error" : undefined}
              onChange={(e) => setKey(e.target.value)}
            />
          </Field>
          <button type="submit" className="btn btn-primary" disabled={busy || !key.trim()}>
            Save key
          </button>
          {editing && (
            <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => setEditing(false)}>
              Cancel
            </button>
          )}
        </form>
      )}
      {error && (
        <p id="anthropic-key-error" className="field-error" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
    </section>
  );
}

/** What answers without the user's key: the server's key when it has one, else the simulator. */
function fallbackSentence(me: Me): string {
  // With the user's key set, `llm` is "anthropic" whatever the server has: it can't tell which.
  if (me.anthropicKey) return "Without it, this server's key is used, or the simulator when it has none.";
  return me.llm === "anthropic"
    ? "Without one, this server's key is used."
    : "Without one, the built-in simulator answers (labelled Simulated).";
}
