// One form field: a label, its control, then a hint or, in the hint's place, an error. The hint and
// the error have ids `${id}-hint` and `${id}-error`; the control gets the id and is described by
// whichever is shown (FieldControl). The control is `children`: an element (an input, select or
// textarea), which Field clones with those props, or a function given them, for a control inside
// other markup or a component that must be given its id (ModelPicker).
import { cloneElement, type ReactElement, type ReactNode } from "react";

/** What a Field gives its control: only what it knows, so a control's own aria-describedby stands
 * when the field has neither hint nor error. */
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
  children: ReactElement<FieldControl> | ((control: FieldControl) => ReactNode);
}) {
  const control: FieldControl = { id };
  if (error) {
    control["aria-describedby"] = `${id}-error`;
    control["aria-invalid"] = true;
  } else if (hint) control["aria-describedby"] = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {typeof children === "function" ? children(control) : cloneElement(children, control)}
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
