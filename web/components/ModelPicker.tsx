// A model field: known models in a list, any other id can be typed.
import { MODEL_OPTIONS } from "../lib/models";

export function ModelPicker({
  id,
  value,
  onChange,
  allowDefault,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  allowDefault?: string;
}) {
  return (
    <>
      <input
        id={id}
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
