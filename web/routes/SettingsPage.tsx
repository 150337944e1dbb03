// Account settings: personal API tokens (the secret shown once), agent templates, connectors (remote
// MCP servers), a spending budget, the default model, your own Anthropic API key, the password.

import { type FormEvent, useEffect, useState } from "react";
import { Link, useLoaderData, useRevalidator } from "react-router";
import type { ApiToken } from "../../schema/api";
import { INPUT_LIMITS } from "../../schema/api";
import { Dialog } from "../components/Dialog";
import { Field } from "../components/Field";
import { Icon } from "../components/Icon";
import { ModelPicker } from "../components/ModelPicker";
import { AnthropicKeySection } from "../components/settings/AnthropicKeySection";
import { ConnectorsSection } from "../components/settings/ConnectorsSection";
import { TemplatesSection } from "../components/settings/TemplatesSection";
import { useMe } from "../hooks/useMe";
import { usePatchable } from "../hooks/usePatchable";
import { ApiError, api } from "../lib/api";
import { formatDateTime, formatRelative } from "../lib/format";
import type { DataOf } from "../lib/loaders";
import { session } from "../lib/session";
import type { loader } from "./SettingsPage.loader";
import "../styles/settings.css";

export default function SettingsPage() {
  // A password change may revoke the tokens: the list starts over (a new secret shown once is gone
  // too) and the page's data loads again.
  const [tokensEpoch, setTokensEpoch] = useState(0);
  const { revalidate } = useRevalidator();
  const loaded = useLoaderData<DataOf<typeof loader>>();
  useEffect(() => {
    document.title = "Settings · Baton";
  }, []);
  return (
    <div className="page settings">
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p>API access, agent templates, connectors, spending limits and defaults for your account.</p>
        </div>
      </div>
      <TokensSection key={tokensEpoch} />
      <TemplatesSection loaded={loaded.templates} />
      <ConnectorsSection loaded={loaded.connectors} />
      <PreferencesGate />
      <AnthropicKeyGate />
      <PasswordSection
        onTokensRevoked={() => {
          setTokensEpoch((n) => n + 1);
          void revalidate();
        }}
      />
    </div>
  );
}

function TokensSection() {
  const loaded = useLoaderData<DataOf<typeof loader>>().tokens;
  const [tokens, patchTokens] = usePatchable(loaded.data);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const t = await api.createToken(name.trim());
      const { secret, ...info } = t;
      setCreated({ name: t.name, secret });
      setCopied(false);
      patchTokens((prev) => [info, ...(prev ?? [])]);
      setName("");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    const t = revoking;
    setRevoking(null);
    try {
      await api.revokeToken(t.id);
      patchTokens((prev) => prev?.filter((x) => x.id !== t.id));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <section className="card settings-section" aria-labelledby="tokens-title">
      <div className="settings-section-head">
        <h2 id="tokens-title">API tokens</h2>
        <p className="muted">
          Use a token as <code>Authorization: Bearer &lt;token&gt;</code> to drive Baton from scripts. See the{" "}
          <Link to="/docs">API reference</Link>.
        </p>
      </div>
      <form className="token-form" onSubmit={create}>
        <label htmlFor="token-name" className="sr-only">
          Token name
        </label>
        <input
          id="token-name"
          className="input"
          placeholder="Token name, e.g. CI pipeline"
          value={name}
          maxLength={INPUT_LIMITS.nameChars}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
          <Icon name="key" size={14} /> Create token
        </button>
      </form>
      {(error ?? loaded.error) && (
        <div className="notice notice-error" role="alert">
          {error ?? loaded.error?.message}
        </div>
      )}
      {created && (
        <div className="token-secret" role="status">
          <div>
            <strong>Copy your new token “{created.name}” now.</strong>{" "}
            <span className="muted">You won't be able to see it again.</span>
          </div>
          <div className="token-secret-row">
            <code className="token-secret-value" data-testid="token-secret">
              {created.secret}
            </code>
            <button type="button" className="btn btn-sm" onClick={() => void copy()}>
              <Icon name={copied ? "check" : "copy"} size={14} /> {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {(tokens ?? []).length === 0 ? (
        <p className="faint">No tokens yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Token</th>
              <th>Created</th>
              <th>Last used</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(tokens ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono faint">{t.prefix}…</td>
                <td className="muted">{formatDateTime(t.createdAt)}</td>
                <td className="muted">{t.lastUsedAt ? formatRelative(t.lastUsedAt) : "Never"}</td>
                <td className="right">
                  <button
                    type="button"
                    className="btn btn-sm btn-danger"
                    onClick={() => setRevoking(t)}
                    aria-label={`Revoke ${t.name}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        onSubmit={() => void revoke()}
        submit={{ label: "Revoke token", tone: "danger" }}
      >
        <p className="muted">Scripts using this token stop working immediately. This can't be undone.</p>
      </Dialog>
    </section>
  );
}

/** The preferences form starts from the account's values, so it waits for them. */
function PreferencesGate() {
  const { me } = useMe();
  if (!me) return <section className="card" aria-busy="true" style={{ minHeight: 160 }} />;
  return <PreferencesSection key={me.user.id} />;
}

function AnthropicKeyGate() {
  const { me, refresh } = useMe();
  if (!me) return null;
  return <AnthropicKeySection me={me} onChanged={refresh} />;
}

function PreferencesSection() {
  const { me, refresh } = useMe();
  const [budget, setBudget] = useState(me?.user.budgetUsd?.toString() ?? "");
  const [model, setModel] = useState(me?.user.defaultModel ?? "");
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      await api.updateMe({
        budgetUsd: budget.trim() ? Number(budget) : null,
        defaultModel: model.trim() || null,
      });
      await refresh();
      setMsg({ tone: "ok", text: "Saved." });
    } catch (err) {
      setMsg({ tone: "error", text: err instanceof ApiError ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card settings-section" aria-labelledby="prefs-title">
      <div className="settings-section-head">
        <h2 id="prefs-title">Budget and defaults</h2>
        <p className="muted">
          Signed in as <strong>{me?.user.email}</strong>.{" "}
          {me?.llm === "simulator"
            ? "No Anthropic API key (yours or this server's): a simulator answers."
            : "Models are served by Anthropic."}
        </p>
      </div>
      <form className="prefs-form" onSubmit={save}>
        <Field
          id="budget"
          label="Account budget (USD)"
          hint="No model call starts that could take total spend past this."
        >
          <input
            className="input"
            type="number"
            min="0"
            step="1"
            inputMode="decimal"
            placeholder="No limit"
            value={budget}
            onChange={(e) => setBudget(e.target.value)}
          />
        </Field>
        <Field id="default-model" label="Default model for new orchestrators">
          {(control) => (
            <ModelPicker {...control} value={model} onChange={setModel} allowDefault="server default" />
          )}
        </Field>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save
          </button>
          {msg && (
            <span role="status" className={msg.tone === "ok" ? "muted" : "field-error"}>
              {msg.text}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

function PasswordSection({ onTokensRevoked }: { onTokensRevoked: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [keepTokens, setKeepTokens] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<{ keptTokens: boolean } | null>(null);
  const fields = error?.fieldErrors() ?? {};

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await session.changePassword(current, next, keepTokens);
      setCurrent("");
      setNext("");
      setDone({ keptTokens: keepTokens });
      if (!keepTokens) onTokensRevoked();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "client_error", String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card settings-section" aria-labelledby="password-title">
      <div className="settings-section-head">
        <h2 id="password-title">Password</h2>
        <p className="muted">
          Changing it signs you out everywhere else and, unless you keep them, revokes your API tokens.
        </p>
      </div>
      <form className="prefs-form" onSubmit={submit}>
        <Field id="current-password" label="Current password" error={fields.currentPassword}>
          <input
            className="input"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
        <Field
          id="new-password"
          label="New password"
          hint="At least 10 characters."
          error={fields.newPassword}
        >
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            minLength={10}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </Field>
        <label className="field-check">
          <input type="checkbox" checked={keepTokens} onChange={(e) => setKeepTokens(e.target.checked)} />
          Keep my API tokens working
        </label>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={busy || !current || !next}>
            Change password
          </button>
          {done && (
            <span role="status" className="muted">
              Password changed. Other sessions were signed out
              {done.keptTokens ? "." : " and your API tokens revoked."}
            </span>
          )}
          {error && !Object.keys(fields).length && (
            <span role="alert" className="field-error">
              {error.message}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
