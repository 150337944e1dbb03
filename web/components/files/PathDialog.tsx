// New file and Rename: one path field in a dialog. The server is the judge of a valid path (it
// names what's wrong: "path: contains U+200B…"); the dialog shows its answer at the field. Mount it
// when it opens (its state starts from `initial`) and unmount it on close.
import { useState } from "react";
import { ApiError } from "../../lib/api";
import { Dialog } from "../Dialog";
import { Field } from "../Field";

export function PathDialog({
  title,
  submitLabel,
  initial,
  hint,
  onClose,
  onSubmit,
}: {
  title: string;
  submitLabel: string;
  initial: string;
  hint: string;
  onClose: () => void;
  /** Does the work and closes; a thrown error is shown at the field. */
  onSubmit: (path: string) => Promise<void>;
}) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const path = value.trim().replace(/^\/+/, "");
    if (!path || path.endsWith("/")) {
      setError("Enter a file name, like notes/plan.md.");
      return;
    }
    setBusy(true);
    try {
      await onSubmit(path);
    } catch (e) {
      setError(
        e instanceof ApiError
          ? (e.fieldErrors().path ?? e.message)
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={title}
      submit={{ label: submitLabel, busy }}
      onSubmit={() => void submit()}
    >
      <Field id="path-field" label="Path" hint={hint} error={error} alert>
        <input
          className="input mono"
          value={value}
          autoComplete="off"
          spellCheck={false}
          // Focus lands on the name (not its folder or extension), ready to type over.
          ref={(el) => {
            if (!el || el.dataset.placed) return;
            el.dataset.placed = "1";
            el.focus();
            const slash = initial.lastIndexOf("/") + 1;
            const dot = initial.lastIndexOf(".");
            el.setSelectionRange(slash, dot > slash ? dot : initial.length);
          }}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
        />
      </Field>
    </Dialog>
  );
}
