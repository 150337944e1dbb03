import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Field } from "./Field";
import { ModelPicker } from "./ModelPicker";

afterEach(cleanup);

/** The text of what the control is described by, or null when it names nothing. */
const description = (el: HTMLElement) => {
  const ids = el.getAttribute("aria-describedby");
  return ids === null ? null : ids.split(" ").map((id) => document.getElementById(id)?.textContent ?? "");
};

describe("Field", () => {
  it("labels its control and describes it by the hint", () => {
    render(
      <Field id="budget" label="Budget (USD)" hint="Empty for no limit.">
        <input className="input" />
      </Field>,
    );
    const input = screen.getByLabelText("Budget (USD)");
    expect(input.id).toBe("budget");
    expect(input.className).toBe("input");
    expect(description(input)).toEqual(["Empty for no limit."]);
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(document.getElementById("budget-hint")?.className).toBe("field-hint");
    // The DOM the stylesheet expects: .field > label, control, hint.
    const field = input.parentElement!;
    expect(field.className).toBe("field");
    expect([...field.children].map((c) => c.tagName)).toEqual(["LABEL", "INPUT", "SPAN"]);
  });

  it("shows an error in the hint's place, marks the control invalid and describes it by the error", () => {
    render(
      <Field id="name" label="Name" hint="Letters and digits." error="is taken">
        <input />
      </Field>,
    );
    const input = screen.getByLabelText("Name");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(description(input)).toEqual(["is taken"]);
    expect(document.getElementById("name-error")?.className).toBe("field-error");
    expect(screen.queryByText("Letters and digits.")).toBeNull();
    // Not announced unless asked: a dialog's notice may already say it.
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("announces the error when asked", () => {
    render(
      <Field id="email" label="Email" error="enter an email address" alert>
        <input type="email" />
      </Field>,
    );
    expect(screen.getByRole("alert").textContent).toBe("enter an email address");
    expect(screen.getByRole("alert").id).toBe("email-error");
  });

  it("with neither hint nor error, describes nothing and leaves the control's own description", () => {
    render(
      <>
        <Field id="prompt" label="System prompt" error={null}>
          <textarea />
        </Field>
        <Field id="key" label="Key">
          <input aria-describedby="key-status" />
        </Field>
      </>,
    );
    const textarea = screen.getByLabelText("System prompt");
    expect(textarea.hasAttribute("aria-describedby")).toBe(false);
    expect(textarea.hasAttribute("aria-invalid")).toBe(false);
    expect(textarea.parentElement!.children).toHaveLength(2);
    expect(screen.getByLabelText("Key").getAttribute("aria-describedby")).toBe("key-status");
  });

  it("gives a function child the props, for a control inside other markup", () => {
    render(
      <Field id="timeout" label="Deny after" hint="1 minute to 7 days." error="too long">
        {(control) => (
          <div className="row">
            <input {...control} type="number" />
            <select aria-label="Unit" />
          </div>
        )}
      </Field>,
    );
    const input = screen.getByLabelText("Deny after");
    expect(input.tagName).toBe("INPUT");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(description(input)).toEqual(["too long"]);
    expect(screen.getByLabelText("Unit").hasAttribute("aria-describedby")).toBe(false);
  });

  it("passes the control props through ModelPicker to its input", () => {
    render(
      <Field id="model" label="Model" error="unknown model">
        {(control) => <ModelPicker {...control} value="" onChange={() => {}} />}
      </Field>,
    );
    const input = screen.getByLabelText("Model");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(description(input)).toEqual(["unknown model"]);
    expect(input.getAttribute("list")).toBe("model-options");
  });
});
