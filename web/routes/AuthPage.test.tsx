import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthPage, safeNext } from "./AuthPage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderAt(path: string, mode: "login" | "signup") {
  const router = createMemoryRouter(
    [
      { path: "/login", element: <AuthPage mode="login" /> },
      { path: "/signup", element: <AuthPage mode="signup" /> },
      { path: "*", element: <p>landed</p> },
    ],
    { initialEntries: [path] },
  );
  render(<RouterProvider router={router} />);
  return { router, mode };
}

describe("AuthPage", () => {
  it("shows the server's field errors", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({
              error: {
                code: "invalid_request",
                message: "Invalid body. email: must be an email address.",
                details: { issues: [{ field: "email", message: "must be an email address" }] },
              },
            }),
            { status: 400 },
          ),
      ),
    );
    renderAt("/signup", "signup");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@b" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "long enough password" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    });
    // One human sentence, once, next to the field: no "Invalid body. email: …" anywhere.
    expect(screen.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "Email must be an email address.",
    ]);
    expect(document.body.textContent).not.toContain("Invalid body");
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
  });

  it("says a short password is short without asking the server", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    renderAt("/signup", "signup");
    await act(async () => {}); // the "already signed in?" check, if any
    fetch.mockClear();
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@b.co" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "short" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    });
    expect(screen.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "Password must be at least 10 characters.",
    ]);
    expect(document.body.textContent?.match(/at least 10 characters/g)).toHaveLength(1);
    expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("points a refused sign-up to sign in, keeping where the visitor was headed", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({
              error: {
                code: "signup_refused",
                message:
                  "Couldn't create an account with that email. If you already have one, sign in instead.",
              },
            }),
            { status: 409 },
          ),
      ),
    );
    const { router } = renderAt("/signup?next=%2Fusage", "signup");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@b.co" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "long enough password" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    });
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toBe(
      "Couldn't create an account with that email. If it's yours, sign in instead.",
    );
    const link = alert.querySelector("a")!;
    expect(link.getAttribute("href")).toBe("/login?next=%2Fusage");
    await act(async () => {
      fireEvent.click(link);
    });
    expect(router.state.location.pathname).toBe("/login");
  });

  it("signs in and goes where the visitor was headed", async () => {
    const me = {
      user: { id: "u", email: "a@b.co", createdAt: 1, budgetUsd: null, defaultModel: null },
      via: "session",
      llm: "simulator",
    };
    let signedIn = false;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        if (url === "/api/auth/login") signedIn = true;
        // Who is signed in: never a 401 (a signed-out visit logs no failed request).
        if (url === "/api/auth/session") return new Response(JSON.stringify({ me: signedIn ? me : null }));
        return new Response(JSON.stringify(url === "/api/auth/login" ? me : { ok: true }), { status: 200 });
      }),
    );
    const { router } = renderAt("/login?next=%2Fusage", "login");
    await act(async () => {}); // the "already signed in?" check answers no one
    expect(router.state.location.pathname).toBe("/login");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@b.co" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "whatever-password" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    });
    expect(router.state.location.pathname).toBe("/usage");
  });

  it("sends a visitor who is already signed in where they were headed", async () => {
    const me = {
      user: { id: "u", email: "a@b.co", createdAt: 1, budgetUsd: null, defaultModel: null },
      via: "session",
      llm: "simulator",
    };
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ me }), { status: 200 })),
    );
    const { router } = renderAt("/login?next=%2Fsettings", "login");
    await vi.waitFor(() => expect(router.state.location.pathname).toBe("/settings"));
  });

  it("only follows same-app next paths", () => {
    expect(safeNext("/o/1")).toBe("/o/1");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext("/\t/evil.example")).toBe("/");
    expect(safeNext("/\n/evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
