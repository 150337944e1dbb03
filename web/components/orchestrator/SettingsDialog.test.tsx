import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OrchestratorInfo, ToolInfo } from "../../../schema/api";
import { makeStream } from "../../lib/fixtures";
import { buildTranscript } from "../../lib/views/transcript";
import { TranscriptView } from "../chat/TranscriptView";
import { SettingsDialog } from "./SettingsDialog";
import { diff, formFrom, parseBudget } from "./settingsForm";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const orch = (over: Partial<OrchestratorInfo> = {}): OrchestratorInfo => ({
  id: "o1",
  name: "Alpha",
  model: "claude-sonnet-5-5",
  systemPrompt: null,
  budgetUsd: 5,
  status: "active",
  simulated: true,
  toolPolicy: { delete_file: "deny", "mcp__github__*": "allow" },
  thinking: null,
  approvalTimeoutSec: 86_400,
  connectors: [],
  createdAt: 1,
  updatedAt: 1,
  lastActivityAt: null,
  totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
  ...over,
});

const TOOLS: ToolInfo[] = [
  {
    name: "write_file",
    kind: "workspace",
    description: "Write a file. Longer text.",
    defaultPolicy: "allow",
    policies: ["allow", "ask", "deny"],
  },
  {
    name: "delete_file",
    kind: "workspace",
    description: "Delete a file.",
    defaultPolicy: "allow",
    policies: ["allow", "ask", "deny"],
  },
  {
    name: "web_search",
    kind: "server",
    description: "Search the web.",
    defaultPolicy: "allow",
    policies: ["allow", "deny"],
  },
];

type Call = { method: string; url: string; body: unknown };

function mount(answer: (c: Call) => { status: number; body: unknown }, focus: "open" | "budget" = "open") {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const call = {
        method: init?.method ?? "GET",
        url,
        body: init?.body ? JSON.parse(String(init.body)) : null,
      };
      calls.push(call);
      const a =
        url === "/api/tools"
          ? { status: 200, body: { tools: TOOLS } }
          : url === "/api/connectors"
            ? { status: 200, body: { connectors: [] } }
            : answer(call);
      return new Response(JSON.stringify(a.body), { status: a.status });
    }),
  );
  const onSaved = vi.fn();
  const onClose = vi.fn();
  render(<SettingsDialog orchestrator={orch()} open focus={focus} onClose={onClose} onSaved={onSaved} />);
  return { calls, onSaved, onClose };
}

/**
 * Submits the form as Save does. (happy-dom checks `step` with float `%`, so it finds 1.25 off a
 * 0.01 step and would block the click; Chromium's check is exact — the e2e saves $0.10 and $1.25.)
 */
const save = () =>
  act(async () => fireEvent.submit(screen.getByRole("button", { name: "Save" }).closest("form")!));

const row = (name: string) => document.querySelector<HTMLElement>(`.policy-row[data-tool="${name}"]`)!;

describe("SettingsDialog", () => {
  it("lists each tool with its allowed choices and default, and saves only what changed", async () => {
    const { calls, onSaved } = mount((c) => ({ status: 200, body: { ...orch(), ...(c.body as object) } }));
    await screen.findByText("write_file");
    // Server tools can't ask; the default is marked; current rules are selected.
    expect(within(row("web_search")).queryByRole("radio", { name: /Ask/ })).toBeNull();
    expect(within(row("write_file")).getByRole("radio", { name: "Allow (default)" })).toBeTruthy();
    expect(
      (within(row("delete_file")).getByRole("radio", { name: "Deny" }) as HTMLInputElement).checked,
    ).toBe(true);
    // A rule the catalogue doesn't know (an MCP wildcard) is kept and shown.
    expect(row("mcp__github__*")).toBeTruthy();

    fireEvent.click(within(row("write_file")).getByRole("radio", { name: "Ask" }));
    fireEvent.click(within(row("delete_file")).getByRole("radio", { name: "Allow (default)" }));
    fireEvent.change(screen.getByLabelText("Budget (USD)"), { target: { value: "1.25" } });
    fireEvent.click(screen.getByRole("radio", { name: "Adaptive" }));
    fireEvent.change(screen.getByLabelText("Effort"), { target: { value: "high" } });
    fireEvent.change(screen.getByLabelText("Deny automatically after"), { target: { value: "2" } });
    fireEvent.change(screen.getByLabelText("Unit"), { target: { value: "h" } });
    await save();

    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.url).toBe("/api/orchestrators/o1");
    expect(patch.body).toEqual({
      budgetUsd: 1.25,
      thinking: { type: "adaptive", effort: "high" },
      approvalTimeoutSec: 7200,
      toolPolicy: { write_file: "ask", "mcp__github__*": "allow" },
    });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ budgetUsd: 1.25 }));
  });

  it("shows the server's 400 next to the fields it names", async () => {
    mount(() => ({
      status: 400,
      body: {
        error: {
          code: "invalid_request",
          message:
            "Invalid body. toolPolicy.web_search: web_search is a server tool; approvalTimeoutSec: too small.",
          details: {
            issues: [
              { field: "toolPolicy.web_search", message: "web_search is a server tool: allow or deny" },
              { field: "approvalTimeoutSec", message: "must be at least 60" },
            ],
          },
        },
      },
    }));
    await screen.findByText("write_file");
    fireEvent.click(within(row("web_search")).getByRole("radio", { name: "Deny" }));
    await save();
    expect(screen.getByRole("alert").textContent).toMatch(/Invalid body/);
    expect(within(row("web_search")).getByText("web_search is a server tool: allow or deny")).toBeTruthy();
    const timeout = screen.getByLabelText("Deny automatically after");
    expect(timeout.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(timeout.getAttribute("aria-describedby")!)?.textContent).toBe(
      "must be at least 60",
    );
  });

  it("opens at the budget when asked, a cents-precision field", async () => {
    mount(() => ({ status: 200, body: orch() }), "budget");
    const budget = screen.getByLabelText("Budget (USD)") as HTMLInputElement;
    expect(budget.step).toBe("0.01");
    expect(document.activeElement).toBe(budget);
    await screen.findByText("write_file");
  });

  it("closes without a request when nothing changed", async () => {
    const { calls, onClose } = mount(() => ({ status: 500, body: {} }));
    await screen.findByText("write_file");
    await save();
    expect(calls.filter((c) => c.method === "PATCH")).toEqual([]);
    expect(onClose).toHaveBeenCalled();
  });
});

describe("SettingsDialog: Archive", () => {
  it("archives at once through the page (not with Save), and offers Restore once archived", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) =>
        Response.json(url === "/api/tools" ? { tools: TOOLS } : { connectors: [] }, { status: 200 }),
      ),
    );
    let resolve = () => {};
    const onStatus = vi.fn(() => new Promise<void>((r) => (resolve = r)));
    const props = { open: true, onClose: vi.fn(), onSaved: vi.fn(), onStatus };
    const { rerender } = render(<SettingsDialog orchestrator={orch()} {...props} />);
    await screen.findByText("write_file");
    const archive = screen.getByRole("button", { name: "Archive orchestrator" });
    fireEvent.click(archive);
    expect(onStatus).toHaveBeenCalledWith("archived");
    // Busy until the page has done it: a second click doesn't ask twice.
    expect((archive as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(archive);
    expect(onStatus).toHaveBeenCalledTimes(1);
    await act(async () => resolve());

    rerender(<SettingsDialog orchestrator={orch({ status: "archived" })} {...props} />);
    expect(screen.getByText(/Archived: it and its agents take no new messages/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Restore" }));
    expect(onStatus).toHaveBeenLastCalledWith("active");
  });

  it("has no Archive section when the page doesn't offer one", async () => {
    mount(() => ({ status: 200, body: orch() }));
    await screen.findByText("write_file");
    expect(screen.queryByRole("button", { name: "Archive orchestrator" })).toBeNull();
  });
});

describe("settings form", () => {
  it("reads dollars and cents, $0.10 and $1.25 included, and nothing finer", () => {
    expect(parseBudget("0.10")).toBe(0.1);
    expect(parseBudget("$1.25")).toBe(1.25);
    expect(parseBudget("")).toBeNull();
    expect(parseBudget("1.255")).toBeUndefined();
    expect(parseBudget("abc")).toBeUndefined();
  });

  it("diffs against the orchestrator: clearing the budget and the prompt sends null", () => {
    const o = orch({ systemPrompt: "Be brief.", thinking: { type: "adaptive", effort: "low" } });
    const f = formFrom(o);
    expect(diff(o, f)).toEqual({});
    expect(f).toMatchObject({ timeout: "1", unit: "d", thinking: "adaptive", effort: "low" });
    expect(diff(o, { ...f, budget: "", systemPrompt: "  ", thinking: "off" })).toEqual({
      budgetUsd: null,
      systemPrompt: null,
      thinking: null,
    });
    expect(diff(o, { ...f, budget: "1.234" })).toBe("budgetUsd");
  });
});

describe("Budget exceeded notices", () => {
  const ev = makeStream();
  const items = buildTranscript([
    ev({ type: "run.started", runId: "r1", trigger: "user" }),
    ev({ type: "run.failed", runId: "r1", error: { code: "budget_exceeded", message: "Over budget" } }),
  ]).items;

  it("link to the orchestrator's settings at the budget, from any page under it", () => {
    const router = createMemoryRouter(
      [{ path: "/o/:id/agents/:agentId", element: <TranscriptView items={items} /> }],
      { initialEntries: ["/o/o1/agents/a1"] },
    );
    render(<RouterProvider router={router} />);
    const link = screen.getByRole("link", { name: "Raise the budget" });
    expect(link.getAttribute("href")).toBe("/o/o1?settings=budget");
  });

  it("render without the link outside a router", () => {
    render(<TranscriptView items={items} />);
    expect(screen.getByText("Budget exceeded — the run was stopped")).toBeTruthy();
    expect(screen.queryByRole("link")).toBeNull();
  });
});
