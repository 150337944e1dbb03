// Create or edit an agent template (POST /api/templates, PATCH /api/templates/:id). Mount it to open it.

import { useState } from "react";
import type { AgentTemplate } from "../../../schema/api";
import { INPUT_LIMITS } from "../../../schema/api";
import { DEFAULT_AGENT_MODEL } from "../../../schema/models";
import { useResource } from "../../hooks/useResource";
import { ApiError, api, type TemplateInput } from "../../lib/api";
import { agentToolsOf, ToolChecklist, toolsOrAll } from "../agents/ToolChecklist";
import { Dialog } from "../Dialog";
import { Field } from "../Field";
import { ModelPicker } from "../ModelPicker";

export function TemplateDialog({
  template,
  onClose,
  onSaved,
}: {
  /** null: a new template. */
  template: AgentTemplate | null;
  onClose: () => void;
  onSaved: (t: AgentTemplate) => void;
}) {
  const catalogue = useResource(api.listTools, "tools");
  const tools = agentToolsOf(catalogue.data ?? []);
  const [name, setName] = useState(template?.name ?? "");
  const [description, setDescription] = useState(template?.description ?? "");
  const [instructions, setInstructions] = useState(template?.instructions ?? "");
  const [model, setModel] = useState(template?.model ?? "");
  const [chosen, setChosen] = useState<string[] | null>(template?.tools ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fields: Record<string, string> = {};
  for (const [f, m] of Object.entries(error?.fieldErrors() ?? {})) fields[f.split(".")[0]!] ??= m;
  const ready = name.trim() !== "" && instructions.trim() !== "" && chosen?.length !== 0;

  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    const body: TemplateInput = {
      name: name.trim(),
      description: description.trim() || null,
      instructions,
      model: model.trim() || null,
      tools: chosen ? toolsOrAll(chosen, tools) : null,
    };
    try {
      onSaved(template ? await api.updateTemplate(template.id, body) : await api.createTemplate(body));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "client_error", String(e)));
    } finally {
      setBusy(false);
    }
  };

  const general = error && !Object.keys(fields).length ? error.message : null;
  return (
    <Dialog
      open
      onClose={onClose}
      title={template ? `Edit template “${template.name}”` : "New agent template"}
      onSubmit={() => void submit()}
      submit={{ label: template ? "Save" : "Create template", disabled: !ready, busy }}
    >
      {(general ?? catalogue.error) && (
        <div className="notice notice-error" role="alert">
          {general ?? catalogue.error?.message}
        </div>
      )}
      <Field
        id="template-name"
        label="Name"
        hint="Letters, digits, - and _. The orchestrator names it in create_agent {template}."
        error={fields.name}
      >
        <input
          className="input mono"
          value={name}
          autoFocus
          maxLength={40}
          placeholder="e.g. writer"
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field id="template-description" label="Description (optional)" error={fields.description}>
        <input
          className="input"
          value={description}
          maxLength={INPUT_LIMITS.descriptionChars}
          placeholder="What it is for: the orchestrator reads this"
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <Field id="template-instructions" label="Instructions" error={fields.instructions}>
        <textarea
          className="textarea"
          rows={6}
          maxLength={INPUT_LIMITS.instructionsChars}
          value={instructions}
          placeholder="Who the agent is and how it should work"
          onChange={(e) => setInstructions(e.target.value)}
        />
      </Field>
      <Field id="template-model" label="Model" error={fields.model}>
        {(control) => (
          <ModelPicker {...control} value={model} onChange={setModel} allowDefault={DEFAULT_AGENT_MODEL} />
        )}
      </Field>
      <ToolChecklist
        id="template-tools"
        tools={tools}
        value={chosen}
        onChange={setChosen}
        error={fields.tools}
      />
    </Dialog>
  );
}
