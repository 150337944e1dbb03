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
        {(control) => <input {...control} className="input" />}
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
        {(control) => <input {...control} />}
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
        {(control) => <input {...control} type="email" />}
      </Field>,
    );
    expect(screen.getByRole("alert").textContent).toBe("enter an email address");
    expect(screen.getByRole("alert").id).toBe("email-error");
  });

  it("with neither hint nor error, describes nothing", () => {
    render(
      <Field id="prompt" label="System prompt" error={null}>
        {(control) => <textarea {...control} />}
      </Field>,
    );
    const textarea = screen.getByLabelText("System prompt");
    expect(textarea.hasAttribute("aria-describedby")).toBe(false);
    expect(textarea.hasAttribute("aria-invalid")).toBe(false);
    expect(textarea.parentElement!.children).toHaveLength(2);
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
