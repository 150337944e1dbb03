// A modal on the native <dialog>: focus trapping, Escape and the backdrop come with the platform.
import { type ReactNode, useEffect, useRef } from "react";

/** The submit button; Cancel (which closes) comes with every dialog. */
export type DialogSubmit = {
  label: ReactNode;
  tone?: "primary" | "danger";
  disabled?: boolean;
  busy?: boolean;
};

export function Dialog({
  open,
  onClose,
  title,
  children,
  submit,
  onSubmit,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  submit: DialogSubmit;
  onSubmit?: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
    } else if (!open && d.open) {
      if (typeof d.close === "function") d.close();
      else d.removeAttribute("open");
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="dialog-title"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit?.();
          }}
        >
          <div className="dialog-body">
            <h2 id="dialog-title">{title}</h2>
            {children}
          </div>
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className={`btn ${submit.tone === "danger" ? "btn-danger-solid" : "btn-primary"}`}
              disabled={submit.disabled || submit.busy}
            >
              {submit.busy && <span className="spinner" aria-hidden="true" />} {submit.label}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
