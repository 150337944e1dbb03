import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OrchestratorInfo } from "../../schema/api";
import OrchestratorsPage from "./OrchestratorsPage";
import { loader } from "./OrchestratorsPage.loader";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const orch = (over: Partial<OrchestratorInfo>): OrchestratorInfo => ({
  id: "o1",
  name: "Alpha",
  model: "claude-sonnet-5-5",
  systemPrompt: null,
  budgetUsd: 10,
  status: "active",
  simulated: true,
  toolPolicy: {},
  thinking: null,
  approvalTimeoutSec: 86_400,
  connectors: [],
  createdAt: 1,
  updatedAt: 1,
  lastActivityAt: null,
  totals: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 1.5 },
  ...over,
});

function mount(fetch: (url: string, init?: RequestInit) => unknown) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const body = fetch(url, init);
      if (body instanceof Response) return body;
      return body === null
        ? new Response(null, { status: 204 })
        : new Response(JSON.stringify(body), { status: 200 });
    }),
  );
  const router = createMemoryRouter(
    [
      { path: "/", Component: OrchestratorsPage, loader, hydrateFallbackElement: <p>Loading…</p> },
      { path: "/o/:id", element: <p>opened</p> },
    ],
    { initialEntries: ["/"] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

describe("OrchestratorsPage", () => {
  it("lists orchestrators with model, spend against budget, and archives one", async () => {
    const calls: string[] = [];
    mount((url, init) => {
      calls.push(`${init?.method ?? "GET"} ${url}`);
      if (init?.method === "PATCH") return orch({ status: "archived" });
      return { orchestrators: [orch({}), orch({ id: "o2", name: "Beta", status: "archived" })] };
    });
    expect(await screen.findByText("Alpha")).toBeTruthy();
    expect(screen.queryByText("Beta")).toBeNull();
    expect(screen.getByText("Claude Sonnet 5.5")).toBeTruthy();
    expect(screen.getByText("$1.50")).toBeTruthy();
    expect(screen.getByText("/ $10.00")).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Archived (1)" })).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Archive Alpha" }));
    });
    expect(calls).toContain("PATCH /api/orchestrators/o1");
    expect(screen.getByRole("tab", { name: "Archived (2)" })).toBeTruthy();
    // None active is not "none yet": the archived ones are named.
    expect(screen.getByRole("heading", { name: "No active orchestrators" })).toBeTruthy();
    expect(screen.getByText(/2 are under Archived/)).toBeTruthy();
  });

  it("says what it archived, with an Undo that brings it back and puts the focus on it", async () => {
    const patches: unknown[] = [];
    mount((_url, init) => {
      if (init?.method === "PATCH") {
        const body = JSON.parse(String(init.body)) as { status: "active" | "archived" };
        patches.push(body);
        return orch({ status: body.status });
      }
      return { orchestrators: [orch({}), orch({ id: "o2", name: "Beta", lastActivityAt: 0 })] };
    });
    const archiveAlpha = await screen.findByRole("button", { name: "Archive Alpha" });
    archiveAlpha.focus();
    await act(async () => fireEvent.click(archiveAlpha));
    expect(screen.queryByText("Alpha")).toBeNull();
    const toast = screen.getByRole("status");
    expect(toast.textContent).toContain("Archived Alpha");
    // The row that took Alpha's place has the focus, not the top of the page.
    expect(document.activeElement?.textContent).toBe("Beta");

    const undo = within(toast).getByRole("button", { name: "Undo" });
    undo.focus();
    await act(async () => fireEvent.click(undo));
    expect(patches).toEqual([{ status: "archived" }, { status: "active" }]);
    expect(screen.getByRole("link", { name: "Alpha" })).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Archived" })).toBeTruthy();
    expect(toast.textContent).toContain("Restored Alpha");
    expect(within(toast).queryByRole("button", { name: "Undo" })).toBeNull();
    expect(document.activeElement?.textContent).toBe("Alpha");
  });

  it("keeps the row and says why when archiving fails", async () => {
    mount((_url, init) =>
      init?.method === "PATCH"
        ? new Response(JSON.stringify({ error: { code: "internal", message: "Try again later." } }), {
            status: 500,
          })
        : { orchestrators: [orch({})] },
    );
    const archive = await screen.findByRole("button", { name: "Archive Alpha" });
    await act(async () => fireEvent.click(archive));
    expect(screen.getByRole("link", { name: "Alpha" })).toBeTruthy();
    const toast = screen.getByRole("status");
    expect(toast.textContent).toContain("Alpha was not archived: Try again later.");
    expect(toast.querySelector('[data-tone="error"]')).toBeTruthy();
  });

  it("creates an orchestrator and opens it", async () => {
    const router = mount((_url, init) =>
      init?.method === "POST" ? orch({ id: "new1", name: "Gamma" }) : { orchestrators: [] },
    );
    expect(await screen.findByText("No orchestrators yet")).toBeTruthy();
    fireEvent.click(screen.getAllByRole("button", { name: /New orchestrator/ })[0]!);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Gamma" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create" }));
    });
    expect(router.state.location.pathname).toBe("/o/new1");
  });
});
