// The orchestrators list's dialogs (routes/OrchestratorsPage.tsx): create one (then open it), and
// rename one.
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import type { OrchestratorInfo } from "../../../schema/api";
import { INPUT_LIMITS } from "../../../schema/api";
import { useMe } from "../../hooks/useMe";
import { ApiError, api } from "../../lib/api";
import { Dialog } from "../Dialog";
import { Field } from "../Field";
import { ModelPicker } from "../ModelPicker";
import { BUDGET_HINT, parseBudget } from "./settingsForm";

export function CreateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { me } = useMe();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [model, setModel] = useState("");
  const [budget, setBudget] = useState("");
  const [systemPrompt, setSystemPrompt] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [budgetError, setBudgetError] = useState<string | null>(null);
  const fields = error?.fieldErrors() ?? {};

  const submit = async () => {
    if (!name.trim()) return;
    // The same check as the settings panel: whole cents, so "1.255" isn't sent as asked.
    const budgetUsd = parseBudget(budget);
    if (budgetUsd === undefined) {
      setBudgetError(BUDGET_HINT);
      return;
    }
    setBudgetError(null);
    setBusy(true);
    setError(null);
    try {
      const o = await api.createOrchestrator({
        name: name.trim(),
        ...(model.trim() ? { model: model.trim() } : {}),
        ...(systemPrompt.trim() ? { systemPrompt } : {}),
        ...(budgetUsd !== null ? { budgetUsd } : {}),
      });
      navigate(`/o/${o.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "client_error", String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="New orchestrator"
      onSubmit={submit}
      submit={{ label: "Create", disabled: !name.trim(), busy }}
    >
      {error && !Object.keys(fields).length && (
        <div className="notice notice-error" role="alert">
          {error.message}
        </div>
      )}
      <Field id="new-name" label="Name" error={fields.name}>
        <input
          className="input"
          value={name}
          autoFocus
          maxLength={INPUT_LIMITS.nameChars}
          placeholder="e.g. Launch research"
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field id="new-model" label="Model" error={fields.model}>
        {(control) => (
          <ModelPicker
            {...control}
            value={model}
            onChange={setModel}
            allowDefault={me?.user.defaultModel ?? "server default"}
          />
        )}
      </Field>
      <Field
        id="new-budget"
        label="Budget (USD)"
        hint="Runs stop before a call that could exceed it."
        error={budgetError ?? fields.budgetUsd}
      >
        <input
          className="input"
          type="number"
          min="0.01"
          step="0.01"
          inputMode="decimal"
          placeholder="No limit"
          value={budget}
          onChange={(e) => {
            setBudget(e.target.value);
            setBudgetError(null);
          }}
        />
      </Field>
      <Field id="new-system" label="System prompt (optional)">
        <textarea
          className="textarea"
          rows={3}
          value={systemPrompt}
          onChange={(e) => setSystemPrompt(e.target.value)}
        />
      </Field>
    </Dialog>
  );
}

export function RenameDialog({
  orchestrator,
  onClose,
  onRenamed,
}: {
  orchestrator: OrchestratorInfo | null;
  onClose: () => void;
  onRenamed: (o: OrchestratorInfo) => void;
}) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setName(orchestrator?.name ?? "");
    setError(null);
  }, [orchestrator]);
  const submit = async () => {
    if (!orchestrator || !name.trim()) return;
    setBusy(true);
    try {
      onRenamed(await api.updateOrchestrator(orchestrator.id, { name: name.trim() }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={orchestrator !== null}
      onClose={onClose}
      title="Rename orchestrator"
      onSubmit={submit}
      submit={{ label: "Save", disabled: busy || !name.trim() }}
    >
      {error && (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      )}
      <Field id="rename" label="Name">
        <input
          className="input"
          value={name}
          autoFocus
          maxLength={INPUT_LIMITS.nameChars}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
    </Dialog>
  );
}
