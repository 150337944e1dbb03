// The control room's archive and restore: an archived orchestrator shows Restore in place of the
// message box (and no New agent); Restore brings the box back without a reload; Archive is in the
// settings panel, said in a toast whose Undo restores. The stream is a client that never connects.
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OrchestratorInfo } from "../../schema/api";
import { StreamClient } from "../lib/stream";
import OrchestratorPage from "./OrchestratorPage";
import { loader, shouldRevalidate } from "./OrchestratorPage.loader";

vi.mock("../hooks/useStream", async (importOriginal) => {
  const real = await importOriginal<typeof import("../hooks/useStream")>();
  const clients = new Map<string, StreamClient>();
  return {
    ...real,
    useStream: (target: import("../lib/stream").StreamTarget) => {
      const client = clients.get(target.path) ?? new StreamClient(target);
      clients.set(target.path, client);
      return { ...client.getSnapshot(), client, send: vi.fn(), interrupt: vi.fn(), reconnect: vi.fn() };
    },
  };
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const orch = (over: Partial<OrchestratorInfo> = {}): OrchestratorInfo => ({
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
  totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
  ...over,
});

const toastRegion = () => document.querySelector<HTMLElement>(".toast-region")!;

function mount(status: "active" | "archived", path = "/o/o1") {
  let current = orch({ status });
  const calls: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      calls.push(`${method} ${url}`);
      if (method === "PATCH") current = { ...current, ...JSON.parse(String(init?.body)) };
      const body =
        url === "/api/tools" ? { tools: [] } : url === "/api/connectors" ? { connectors: [] } : current;
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
  const router = createMemoryRouter(
    [
      {
        path: "/o/:id",
        Component: OrchestratorPage,
        loader,
        shouldRevalidate,
        hydrateFallbackElement: <p />,
      },
    ],
    { initialEntries: [path] },
  );
  render(<RouterProvider router={router} />);
  return { calls, router };
}

describe("OrchestratorPage: archive and restore", () => {
  it("restores an archived orchestrator from its own page: the message box comes back, no reload", async () => {
    const { calls, router } = mount("archived");
    const restore = await screen.findByRole("button", { name: "Restore" }, { timeout: 10_000 });
    expect(screen.getByText(/This orchestrator is archived/)).toBeTruthy();
    expect(screen.getByText("Archived", { selector: ".badge" })).toBeTruthy();
    expect(screen.queryByLabelText("Message")).toBeNull();
    expect(screen.queryByRole("button", { name: /New agent/ })).toBeNull();

    await act(async () => fireEvent.click(restore));
    expect(calls.filter((c) => c.startsWith("PATCH"))).toEqual(["PATCH /api/orchestrators/o1"]);
    // Only the PATCH: the page was patched with its answer, not loaded again.
    expect(calls.filter((c) => c === "GET /api/orchestrators/o1")).toHaveLength(1);
    const box = screen.getByLabelText("Message");
    expect(document.activeElement).toBe(box);
    expect(screen.queryByText(/This orchestrator is archived/)).toBeNull();
    expect(screen.queryByText("Archived", { selector: ".badge" })).toBeNull();
    expect(screen.getByRole("button", { name: /New agent/ })).toBeTruthy();
    expect(toastRegion().textContent).toContain("Restored Alpha");
    expect(router.state.location.pathname).toBe("/o/o1");
  });

  it("archives from the settings panel, says so with an Undo that restores", async () => {
    const { calls, router } = mount("active", "/o/o1?settings=open");
    const dialog = await screen.findByRole("dialog", {}, { timeout: 10_000 });
    await act(async () =>
      fireEvent.click(within(dialog).getByRole("button", { name: "Archive orchestrator" })),
    );
    expect(calls).toContain("PATCH /api/orchestrators/o1");
    // The panel closed (out of the URL too), the chat says archived, the toast offers Undo.
    expect(router.state.location.search).toBe("");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByText(/This orchestrator is archived/)).toBeTruthy();
    expect(screen.queryByLabelText("Message")).toBeNull();
    const toast = toastRegion();
    expect(toast.textContent).toContain("Archived Alpha");

    await act(async () => fireEvent.click(within(toast).getByRole("button", { name: "Undo" })));
    expect(calls.filter((c) => c.startsWith("PATCH"))).toHaveLength(2);
    // Closing the panel didn't load the page again (which could undo the archive mid-flight).
    expect(calls.filter((c) => c === "GET /api/orchestrators/o1")).toHaveLength(1);
    expect(screen.getByLabelText("Message")).toBeTruthy();
    expect(toast.textContent).toContain("Restored Alpha");
  });
});
