// A model field: known models in a list, any other id can be typed. Takes a Field's control props.

import { MODEL_OPTIONS } from "../lib/models";
import type { FieldControl } from "./Field";

export function ModelPicker({
  id,
  value,
  onChange,
  allowDefault,
  ...aria
}: FieldControl & {
  value: string;
  onChange: (v: string) => void;
  allowDefault?: string;
}) {
  return (
    <>
      <input
        id={id}
        {...aria}
        className="input"
        list={`${id}-options`}
        value={value}
        placeholder={allowDefault ? `Default (${allowDefault})` : undefined}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      <datalist id={`${id}-options`}>
        {MODEL_OPTIONS.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
      </datalist>
    </>
  );
}
