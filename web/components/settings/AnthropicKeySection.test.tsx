import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Me } from "../../../schema/api";
import { AnthropicKeySection } from "./AnthropicKeySection";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = (
  anthropicKey: Me["anthropicKey"],
  llm: Me["llm"] = anthropicKey ? "anthropic" : "simulator",
): Me => ({
  user: { id: "u", email: "a@b.co", createdAt: 1, budgetUsd: null, defaultModel: null },
  via: "session",
  llm,
  anthropicKey,
});

function serve(answer: (method: string, body: unknown) => Response) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      return answer(method, body);
    }),
  );
  return calls;
}

describe("Settings → Anthropic API key", () => {
  it("sends a new key once, then clears the field and shows only its last 4 characters", async () => {
    const calls = serve(() => Response.json(me({ last4: "WXYZ", setAt: Date.now() })));
    const onChanged = vi.fn(async () => {});
    const { rerender } = render(<AnthropicKeySection me={me(null)} onChanged={onChanged} />);
    expect(screen.getByText(/the built-in simulator answers/)).toBeTruthy();
    const input = screen.getByLabelText("Key") as HTMLInputElement;
    expect(input.type).toBe("password");
    fireEvent.change(input, { target: { value: "sk-ant-api03-secretsecretWXYZ" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Save key" }));
    });
    expect(calls).toEqual([
      { method: "PUT", url: "/api/me/anthropic-key", body: { key: "sk-ant-api03-secretsecretWXYZ" } },
    ]);
    expect(onChanged).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("status").textContent).toContain("Saved");
    // The account reloads with the key set: shown as "ends in …WXYZ", never in full, no form.
    rerender(<AnthropicKeySection me={me({ last4: "WXYZ", setAt: Date.now() })} onChanged={onChanged} />);
    expect(screen.getByText("…WXYZ")).toBeTruthy();
    expect(document.body.innerHTML).not.toContain("secretsecret");
    expect(screen.queryByLabelText("Key")).toBeNull();
  });

  it("says a refused key in one sentence, naming what is wrong", async () => {
    serve(
      () =>
        new Response(
          JSON.stringify({
            error: {
              code: "invalid_request",
              message: "Invalid body. key: must be an Anthropic API key (sk-ant-…).",
              details: { issues: [{ field: "key", message: "must be an Anthropic API key (sk-ant-…)" }] },
            },
          }),
          { status: 400 },
        ),
    );
    render(<AnthropicKeySection me={me(null)} onChanged={async () => {}} />);
    fireEvent.change(screen.getByLabelText("Key"), { target: { value: "nope" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Save key" }));
    });
    expect(screen.getByRole("alert").textContent).toBe("The key must be an Anthropic API key (sk-ant-…).");
    expect(screen.getByLabelText("Key").getAttribute("aria-invalid")).toBe("true");
  });

  it("removes the key, falling back to the server's key or the simulator", async () => {
    const calls = serve(() => Response.json(me(null)));
    const onChanged = vi.fn(async () => {});
    render(<AnthropicKeySection me={me({ last4: "WXYZ", setAt: 1 })} onChanged={onChanged} />);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Remove" }));
    });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["DELETE /api/me/anthropic-key"]);
    expect(onChanged).toHaveBeenCalled();
    expect(screen.getByRole("status").textContent).toMatch(/Removed.*simulator/);
  });
});
