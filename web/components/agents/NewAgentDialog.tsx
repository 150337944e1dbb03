// "New agent" in the control room: the user creates an agent directly (POST …/agents), from scratch
// or from one of their templates, without asking the orchestrator. Fields given override the
// template's. The agent then appears through the stream (agent.created). Mount it to open it.

import { useState } from "react";
import { Link } from "react-router";
import { INPUT_LIMITS } from "../../../schema/api";
import type { AgentSummary } from "../../../schema/events";
import { DEFAULT_AGENT_MODEL } from "../../../schema/models";
import { useResource } from "../../hooks/useResource";
import { ApiError, api, type NewAgentInput } from "../../lib/api";
import { Dialog } from "../Dialog";
import { Field } from "../Field";
import { ModelPicker } from "../ModelPicker";
import { agentToolsOf, ToolChecklist, toolsOrAll } from "./ToolChecklist";

/** The first error of each field, with `tools.3` folded into `tools`. */
function fieldsOf(error: ApiError | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(error?.fieldErrors() ?? {})) {
    out[field.split(".")[0]!] ??= message;
  }
  return out;
}

export function NewAgentDialog({
  orchestratorId,
  onClose,
  onCreated,
}: {
  orchestratorId: string;
  onClose: () => void;
  onCreated?: (agent: AgentSummary) => void;
}) {
  const templates = useResource(api.listTemplates, "templates");
  const catalogue = useResource(api.listTools, "tools");
  const tools = agentToolsOf(catalogue.data ?? []);
  const [name, setName] = useState("");
  const [templateName, setTemplateName] = useState("");
  const [instructions, setInstructions] = useState("");
  const [model, setModel] = useState("");
  /** null: the template's tools (or all of them); otherwise the user's own choice. */
  const [chosenTools, setChosenTools] = useState<string[] | null>(null);
  // One per dialog: a retried request doesn't make a second agent.
  const [clientId] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fields = fieldsOf(error);

  const template = templates.data?.find((t) => t.name === templateName) ?? null;
  const shownTools = chosenTools ?? template?.tools ?? null;
  const noTools = shownTools !== null && shownTools.length === 0;
  const ready = name.trim() !== "" && (template !== null || instructions.trim() !== "") && !noTools;

  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    const body: NewAgentInput = { name: name.trim(), clientId };
    if (template) body.template = template.name;
    if (instructions.trim()) body.instructions = instructions;
    if (model.trim()) body.model = model.trim();
    if (chosenTools) {
      // From scratch, every tool is the default; over a template, an explicit list replaces its own.
      const list = template ? chosenTools : toolsOrAll(chosenTools, tools);
      if (list) body.tools = list;
    }
    try {
      const agent = await api.createAgent(orchestratorId, body);
      onCreated?.(agent);
      onClose();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "client_error", String(e)));
    } finally {
      setBusy(false);
    }
  };

  const general = error && !Object.keys(fields).length ? error.message : null;
  const listError = templates.error ?? catalogue.error;
  return (
    <Dialog
      open
      onClose={onClose}
      title="New agent"
      onSubmit={() => void submit()}
      submit={{ label: "Create agent", disabled: !ready, busy }}
    >
      {(general ?? listError) && (
        <div className="notice notice-error" role="alert">
          {general ?? listError?.message}
        </div>
      )}
      <Field
        id="new-agent-name"
        label="Name"
        hint="Letters, digits, - and _. The orchestrator addresses the agent by it."
        error={fields.name}
      >
        <input
          className="input mono"
          value={name}
          autoFocus
          maxLength={40}
          pattern="[A-Za-z0-9][A-Za-z0-9_\-]*"
          placeholder="e.g. researcher"
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field
        id="new-agent-template"
        label="From template"
        hint={
          templates.data?.length === 0 && (
            <>
              Save reusable agents in <Link to="/settings">Settings → Agent templates</Link>.
            </>
          )
        }
        error={fields.template}
      >
        <select
          className="select"
          value={templateName}
          onChange={(e) => {
            setTemplateName(e.target.value);
            setChosenTools(null);
          }}
        >
          <option value="">None: write instructions</option>
          {(templates.data ?? []).map((t) => (
            <option key={t.id} value={t.name}>
              {t.description ? `${t.name} — ${t.description}` : t.name}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="new-agent-instructions"
        label={`Instructions${template ? " (optional: replaces the template's)" : ""}`}
        error={fields.instructions}
      >
        <textarea
          className="textarea"
          rows={5}
          maxLength={INPUT_LIMITS.instructionsChars}
          value={instructions}
          placeholder={
            template ? template.instructions.slice(0, 300) : "Who the agent is and how it should work"
          }
          onChange={(e) => setInstructions(e.target.value)}
        />
      </Field>
      <Field id="new-agent-model" label="Model" error={fields.model}>
        {(control) => (
          <ModelPicker
            {...control}
            value={model}
            onChange={setModel}
            allowDefault={template?.model ?? DEFAULT_AGENT_MODEL}
          />
        )}
      </Field>
      <ToolChecklist
        id="new-agent-tools"
        tools={tools}
        value={shownTools}
        onChange={setChosenTools}
        error={fields.tools}
        hint={template?.tools ? `As in ${template.name} unless you change them.` : undefined}
      />
    </Dialog>
  );
}
