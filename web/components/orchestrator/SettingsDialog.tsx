// The orchestrator's settings panel (DESIGN §9): name, model, system prompt, budget, extended
// thinking, how long an approval waits, the connectors it uses (ConnectorsPicker.tsx), the tool
// policy (each tool's choices from GET /api/tools, its default marked; MCP tools by connector) and,
// last, Archive (or Restore: Archive.tsx), which takes effect at once rather than with Save.
// Saves the changed fields with one PATCH; a 400 shows next to the fields it names
// (`toolPolicy.web_search`, `budgetUsd`…).

import { useEffect, useId, useRef, useState } from "react";
import type { OrchestratorInfo, ToolInfo } from "../../../schema/api";
import { INPUT_LIMITS } from "../../../schema/api";
import { ApiError, api } from "../../lib/api";
import { Dialog } from "../Dialog";
import { Field } from "../Field";
import { ModelPicker } from "../ModelPicker";
import { ArchiveSection } from "./Archive";
import {
  ConnectorsPicker,
  policyDescription,
  policyGroups,
  policyLabel,
  useConnectorList,
} from "./ConnectorsPicker";
import type { SettingsFocus } from "./SettingsLink";
import {
  BUDGET_HINT,
  DECISION_LABEL,
  type Decision,
  diff,
  type Effort,
  type Form,
  firstSentence,
  formFrom,
  loadTools,
  setDecision,
  type Unit,
} from "./settingsForm";
import "../../styles/orchestrator-settings.css";

export function SettingsDialog({
  orchestrator: o,
  open,
  focus = "open",
  onClose,
  onSaved,
  onStatus,
}: {
  orchestrator: OrchestratorInfo;
  open: boolean;
  focus?: SettingsFocus;
  onClose: () => void;
  onSaved: (o: OrchestratorInfo) => void;
  /** Archive or restore it (the page makes the request, closes the panel and says so). */
  onStatus?: (status: "active" | "archived") => Promise<unknown>;
}) {
  const uid = useId();
  const [form, setForm] = useState<Form>(() => formFrom(o));
  const [tools, setTools] = useState<ToolInfo[] | null>(null);
  const [toolsError, setToolsError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const budgetRef = useRef<HTMLInputElement>(null);
  const toolsRef = useRef<HTMLHeadingElement>(null);
  const thinkingRef = useRef<HTMLInputElement>(null);
  const mine = useConnectorList(open);

  // A fresh copy of the settings each time it opens.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on open only, not on every save.
  useEffect(() => {
    if (!open) return;
    setForm(formFrom(o));
    setError(null);
    setFields({});
  }, [open]);

  useEffect(() => {
    if (!open || tools || toolsError) return;
    let live = true;
    loadTools().then(
      (t) => live && setTools(t),
      (e: unknown) => live && setToolsError(e instanceof ApiError ? e.message : "Could not load the tools."),
    );
    return () => {
      live = false;
    };
  }, [open, tools, toolsError]);

  // Opened at a field (a "Raise the budget" link): take the keyboard there.
  useEffect(() => {
    if (!open) return;
    const target =
      focus === "budget"
        ? budgetRef.current
        : focus === "thinking"
          ? thinkingRef.current
          : focus === "tools"
            ? toolsRef.current
            : null;
    if (!target) return;
    target.focus();
    target.scrollIntoView({ block: "center" });
  }, [open, focus]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async () => {
    const patch = diff(o, form);
    if (typeof patch === "string") {
      setFields({
        [patch]: patch === "budgetUsd" ? BUDGET_HINT : "enter a number",
      });
      return;
    }
    if (Object.keys(patch).length === 0) return onClose();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      onSaved(await api.updateOrchestrator(o.id, patch));
    } catch (e) {
      if (e instanceof ApiError) {
        setError(e.message);
        setFields(e.fieldErrors());
      } else setError(String(e));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (key: string) =>
    fields[key] ? (
      <div className="field-error" id={`${uid}-${key}-error`}>
        {fields[key]}
      </div>
    ) : null;
  const thinkingError = fields.thinking ?? fields["thinking.effort"] ?? fields["thinking.type"];

  // Tools by kind, catalogue order, then each connector's; rules the catalogue doesn't know after them.
  const groups = tools ? policyGroups(tools, form.policy, mine.connectors, form.connectors) : [];

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Orchestrator settings"
      onSubmit={() => void submit()}
      submit={{ label: "Save", busy, disabled: !form.name.trim() }}
    >
      <div className="orch-settings">
        {error && (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        )}
        <section className="settings-group" aria-labelledby={`${uid}-general`}>
          <h3 id={`${uid}-general`}>General</h3>
          <Field id={`${uid}-name`} label="Name" error={fields.name}>
            <input
              className="input"
              value={form.name}
              maxLength={INPUT_LIMITS.nameChars}
              required
              onChange={(e) => set("name", e.target.value)}
            />
          </Field>
          <div className="settings-row">
            <Field id={`${uid}-model`} label="Model" error={fields.model}>
              {(control) => <ModelPicker {...control} value={form.model} onChange={(v) => set("model", v)} />}
            </Field>
            <Field
              id={`${uid}-budget`}
              label="Budget (USD)"
              hint="For it and its agents together; empty for no limit."
              error={fields.budgetUsd}
            >
              <input
                ref={budgetRef}
                className="input num"
                type="number"
                inputMode="decimal"
                min="0.01"
                step="0.01"
                placeholder="No limit"
                value={form.budget}
                onChange={(e) => set("budget", e.target.value)}
              />
            </Field>
          </div>
          <Field id={`${uid}-prompt`} label="System prompt" error={fields.systemPrompt}>
            <textarea
              className="textarea"
              rows={3}
              placeholder="Baton's default orchestrator instructions"
              value={form.systemPrompt}
              onChange={(e) => set("systemPrompt", e.target.value)}
            />
          </Field>
        </section>

        <section className="settings-group" aria-labelledby={`${uid}-thinking`}>
          <h3 id={`${uid}-thinking`}>Extended thinking</h3>
          <div className="settings-row settings-row-center">
            <fieldset
              className="choice"
              aria-describedby={thinkingError ? `${uid}-thinking-error` : undefined}
            >
              <legend className="sr-only">Extended thinking</legend>
              {(["off", "adaptive"] as const).map((v, i) => (
                <label key={v}>
                  <input
                    type="radio"
                    name={`${uid}-thinking`}
                    value={v}
                    ref={i === 0 ? thinkingRef : undefined}
                    checked={form.thinking === v}
                    onChange={() => set("thinking", v)}
                  />
                  <span>{v === "off" ? "Off" : "Adaptive"}</span>
                </label>
              ))}
            </fieldset>
            <div className="field field-inline">
              <label htmlFor={`${uid}-effort`}>Effort</label>
              <select
                id={`${uid}-effort`}
                className="select input-sm"
                value={form.effort}
                disabled={form.thinking === "off"}
                onChange={(e) => set("effort", e.target.value as Effort)}
              >
                <option value="">Model default</option>
                <option value="low">Low</option>
                <option value="medium">Medium</option>
                <option value="high">High</option>
              </select>
            </div>
          </div>
          {thinkingError ? (
            <div className="field-error" id={`${uid}-thinking-error`}>
              {thinkingError}
            </div>
          ) : (
            <div className="field-hint">
              Claude decides how much to think on each step. For the orchestrator and its agents; the
              simulator ignores it.
            </div>
          )}
        </section>

        <section className="settings-group" aria-labelledby={`${uid}-approvals`}>
          <h3 id={`${uid}-approvals`}>Approvals</h3>
          <Field
            id={`${uid}-timeout`}
            label="Deny automatically after"
            hint="A tool set to Ask waits this long for you (1 minute to 7 days), then it is denied."
            error={fields.approvalTimeoutSec}
          >
            {(control) => (
              <div className="settings-row settings-row-tight">
                <input
                  {...control}
                  className="input num settings-timeout"
                  type="number"
                  inputMode="decimal"
                  min="0"
                  step="any"
                  required
                  value={form.timeout}
                  onChange={(e) => set("timeout", e.target.value)}
                />
                <select
                  className="select settings-unit"
                  aria-label="Unit"
                  value={form.unit}
                  onChange={(e) => set("unit", e.target.value as Unit)}
                >
                  <option value="min">minutes</option>
                  <option value="h">hours</option>
                  <option value="d">days</option>
                </select>
              </div>
            )}
          </Field>
        </section>

        <ConnectorsPicker
          uid={uid}
          connectors={mine.connectors}
          error={mine.error}
          onRetry={mine.retry}
          selected={form.connectors}
          onChange={(ids) => set("connectors", ids)}
          fieldError={fieldError("connectors")}
        />

        <section className="settings-group" aria-labelledby={`${uid}-tools`}>
          <h3 id={`${uid}-tools`} ref={toolsRef} tabIndex={-1}>
            Tool policy
          </h3>
          <p className="field-hint">
            For the orchestrator and all its agents. Ask pauses the call until you approve it; Deny takes the
            tool away. Server tools run inside the model's response, so they can't ask.
          </p>
          {fieldError("toolPolicy")}
          {toolsError ? (
            <div className="notice notice-error" role="alert">
              {toolsError}
              <button type="button" className="btn btn-sm" onClick={() => setToolsError(null)}>
                Retry
              </button>
            </div>
          ) : !tools ? (
            <p className="faint" aria-busy="true">
              Loading tools…
            </p>
          ) : (
            groups.map((g) => (
              <div key={g.key} className="policy-group" data-connector={g.connector}>
                <h4 className="label">
                  {g.connector ? (
                    <>
                      Connector <span className="mono">{g.title}</span>
                    </>
                  ) : (
                    g.title
                  )}
                  {g.note && <span className="policy-group-note"> · {g.note}</span>}
                </h4>
                <ul className="policy-list">
                  {g.tools.map((t) => {
                    const value = (form.policy[t.name] ?? t.defaultPolicy) as Decision;
                    const key = `toolPolicy.${t.name}`;
                    return (
                      <li key={t.name} className="policy-row" data-tool={t.name}>
                        <div className="policy-tool">
                          <span className="mono policy-name" id={`${uid}-tool-${t.name}`} title={t.name}>
                            {policyLabel(t, mine.connectors)}
                          </span>
                          <span className="policy-desc faint" title={policyDescription(t)}>
                            {firstSentence(policyDescription(t))}
                          </span>
                          {fieldError(key)}
                        </div>
                        <fieldset
                          className="choice choice-sm"
                          aria-labelledby={`${uid}-tool-${t.name}`}
                          aria-describedby={fields[key] ? `${uid}-${key}-error` : undefined}
                        >
                          {t.policies.map((d) => (
                            <label key={d} title={d === t.defaultPolicy ? "The default" : undefined}>
                              <input
                                type="radio"
                                name={`${uid}-policy-${t.name}`}
                                value={d}
                                checked={value === d}
                                onChange={() => set("policy", setDecision(form.policy, t, d))}
                              />
                              <span>
                                {DECISION_LABEL[d]}
                                {d === t.defaultPolicy && <span className="choice-default"> (default)</span>}
                              </span>
                            </label>
                          ))}
                        </fieldset>
                      </li>
                    );
                  })}
                </ul>
              </div>
            ))
          )}
        </section>

        {onStatus && (
          <ArchiveSection
            uid={uid}
            archived={o.status === "archived"}
            onArchive={() => onStatus("archived")}
            onRestore={() => onStatus("active")}
          />
        )}
      </div>
    </Dialog>
  );
}
