// Which tools an agent gets: a checkbox per workspace and server tool of the catalogue (GET
// /api/tools). `value` null means all of them; `report` is always on, so it isn't offered.
import type { ToolInfo } from "../../../schema/api";
import "../../styles/tool-checklist.css";

/** The catalogue's tools an agent can be given. */
export const agentToolsOf = (catalogue: readonly ToolInfo[]): ToolInfo[] =>
  catalogue.filter((t) => t.kind === "workspace" || t.kind === "server");

export function ToolChecklist({
  id,
  tools,
  value,
  onChange,
  error,
  hint,
}: {
  id: string;
  tools: readonly ToolInfo[];
  value: readonly string[] | null;
  /** The checked names, in catalogue order (every name when all are checked). */
  onChange: (names: string[]) => void;
  error?: string;
  hint?: string;
}) {
  const checked = (name: string) => value === null || value.includes(name);
  const toggle = (name: string, on: boolean) =>
    onChange(tools.map((t) => t.name).filter((n) => (n === name ? on : checked(n))));
  const none = tools.length > 0 && !tools.some((t) => checked(t.name));
  return (
    <fieldset
      className="tool-checklist"
      aria-describedby={`${id}-hint`}
      aria-invalid={error || none ? true : undefined}
    >
      <legend className="label">Tools</legend>
      {tools.length === 0 ? (
        <p className="faint">Loading tools…</p>
      ) : (
        <div className="tool-checklist-grid">
          {tools.map((t) => (
            <label key={t.name} className="tool-check" title={t.description}>
              <input
                type="checkbox"
                name={`${id}-${t.name}`}
                checked={checked(t.name)}
                onChange={(e) => toggle(t.name, e.target.checked)}
              />
              <span className="mono">{t.name}</span>
              {t.kind === "server" && <span className="faint">(server)</span>}
            </label>
          ))}
        </div>
      )}
      {error || none ? (
        <span id={`${id}-hint`} className="field-error">
          {error ?? "Pick at least one tool."}
        </span>
      ) : (
        <span id={`${id}-hint`} className="field-hint">
          {hint ?? "The agent can always report its result."} The orchestrator's tool policy still applies.
        </span>
      )}
    </fieldset>
  );
}

/** A checked list as the API takes it: null when it is every tool (the default). */
export const toolsOrAll = (names: readonly string[], tools: readonly ToolInfo[]): string[] | null =>
  tools.every((t) => names.includes(t.name)) ? null : [...names];
