// One form field: a label, its control, then a hint or, in the hint's place, an error. The control
// comes from `children`, a function given the props that tie it to the rest (FieldControl): spread
// them on the input, or on a component that passes them on (ModelPicker). The hint and the error
// have ids `${id}-hint` and `${id}-error`, and the control is described by whichever is shown.
import type { ReactNode } from "react";

/** What a Field gives its control. */
export type FieldControl = {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
};

export function Field({
  id,
  label,
  hint,
  error,
  alert = false,
  children,
}: {
  /** The control's id: the label's htmlFor, and the stem of the hint's and error's ids. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Shown instead of the hint, and marks the control invalid. */
  error?: string | null;
  /** Announce the error as it appears (role="alert"). */
  alert?: boolean;
  children: (control: FieldControl) => ReactNode;
}) {
  const control: FieldControl = { id };
  if (error) {
    control["aria-describedby"] = `${id}-error`;
    control["aria-invalid"] = true;
  } else if (hint) control["aria-describedby"] = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(control)}
      {error ? (
        <span id={`${id}-error`} className="field-error" role={alert ? "alert" : undefined}>
          {error}
        </span>
      ) : hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
