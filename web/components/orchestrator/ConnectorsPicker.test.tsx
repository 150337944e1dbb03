import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OrchestratorInfo, ToolInfo } from "../../../schema/api";
import type { ConnectorInfo } from "../../../schema/connectors";
import { policyGroups } from "./ConnectorsPicker";
import { SettingsDialog } from "./SettingsDialog";

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
  toolPolicy: {},
  thinking: null,
  approvalTimeoutSec: 86_400,
  connectors: ["c2"],
  createdAt: 1,
  updatedAt: 1,
  lastActivityAt: null,
  totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
  ...over,
});

const connector = (id: string, name: string, tools: [string, string][]): ConnectorInfo => ({
  id,
  name,
  url: `https://${name}.example.com/mcp`,
  headerNames: [],
  hasSecret: false,
  auth: "none",
  status: "ok",
  message: null,
  tools: tools.map(([tool, description]) => ({
    name: `mcp__${name}__${tool.replace(/\./g, "_")}`,
    tool,
    description,
    inputSchema: { type: "object" },
  })),
  lastRefreshedAt: 1,
  createdAt: 1,
  updatedAt: 1,
});

const CONNECTORS = [
  connector("c1", "tickets", [["search.issues", "Search issues."]]),
  connector("c2", "fixture", [
    ["record", "Record a note."],
    ["picture", "A picture."],
  ]),
];

const tool = (name: string, kind: ToolInfo["kind"], description: string): ToolInfo => ({
  name,
  kind,
  description,
  defaultPolicy: kind === "mcp" ? "ask" : "allow",
  policies: ["allow", "ask", "deny"],
});

/** GET /api/tools as the server lists it: built-ins, then per connector its wildcard and tools. */
const TOOLS: ToolInfo[] = [
  tool("write_file", "workspace", "Write a file."),
  tool("create_agent", "orchestrator", "Create an agent."),
  ...CONNECTORS.flatMap((c) => [
    tool(`mcp__${c.name}__*`, "mcp", `Every tool of the ${c.name} connector (a policy for all of them).`),
    ...c.tools.map((t) => tool(t.name, "mcp", `[${c.name}] ${t.description}`)),
  ]),
];

type Call = { method: string; url: string; body: unknown };

function mount(o: OrchestratorInfo = orch()) {
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
      const body =
        url === "/api/tools"
          ? { tools: TOOLS }
          : url === "/api/connectors"
            ? { connectors: CONNECTORS }
            : { ...o, ...(call.body as object) };
      return new Response(JSON.stringify(body), { status: 200 });
    }),
  );
  const onSaved = vi.fn();
  render(<SettingsDialog orchestrator={o} open onClose={() => {}} onSaved={onSaved} />);
  return { calls, onSaved };
}

const save = () =>
  act(async () => fireEvent.submit(screen.getByRole("button", { name: "Save" }).closest("form")!));

const group = (name: string) =>
  document.querySelector<HTMLElement>(`.policy-group[data-connector="${name}"]`)!;

describe("the orchestrator's connectors", () => {
  it("lists the user's connectors, checked when enabled, and saves the new list", async () => {
    const { calls, onSaved } = mount();
    const fixture = (await screen.findByRole("checkbox", { name: "fixture" })) as HTMLInputElement;
    const tickets = screen.getByRole("checkbox", { name: "tickets" }) as HTMLInputElement;
    expect(fixture.checked).toBe(true);
    expect(tickets.checked).toBe(false);
    fireEvent.click(tickets);
    fireEvent.click(fixture);
    await save();
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.url).toBe("/api/orchestrators/o1");
    expect(patch.body).toEqual({ connectors: ["c1"] });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ connectors: ["c1"] }));
  });

  it("sends nothing for connectors when the set is unchanged", async () => {
    const { calls } = mount(orch({ connectors: ["c2", "c1"] }));
    const tickets = (await screen.findByRole("checkbox", { name: "tickets" })) as HTMLInputElement;
    fireEvent.click(tickets);
    fireEvent.click(tickets);
    await save();
    expect(calls.filter((c) => c.method === "PATCH")).toEqual([]);
  });

  it("groups MCP tools by connector, by the server's tool name, wildcard first, and says which are off", async () => {
    mount();
    await screen.findByRole("checkbox", { name: "fixture" });
    await vi.waitFor(() => expect(group("fixture")).toBeTruthy());
    const fixture = group("fixture");
    const rows = [...fixture.querySelectorAll<HTMLElement>(".policy-row")].map((r) => r.dataset.tool);
    expect(rows).toEqual(["mcp__fixture__*", "mcp__fixture__record", "mcp__fixture__picture"]);
    expect(within(fixture).getByText("All tools")).toBeTruthy();
    expect(fixture.querySelector("h4")?.textContent).toBe("Connector fixture");
    // The server's own name, not the model-safe one; the description without its "[tickets]" prefix.
    const tickets = group("tickets");
    expect(tickets.querySelector("h4")?.textContent).toMatch(/not enabled here/);
    expect(within(tickets).getByText("search.issues")).toBeTruthy();
    expect(within(tickets).getByText("Search issues.")).toBeTruthy();
    // MCP tools ask by default; setting one to Allow saves it by its model-facing name.
    const record = fixture.querySelector<HTMLElement>('.policy-row[data-tool="mcp__fixture__record"]')!;
    expect(within(record).getByRole("radio", { name: "Ask (default)" })).toHaveProperty("checked", true);
    fireEvent.click(within(record).getByRole("radio", { name: "Allow" }));
    // Enabling tickets here drops its note.
    fireEvent.click(screen.getByRole("checkbox", { name: "tickets" }));
    expect(group("tickets").querySelector("h4")?.textContent).toBe("Connector tickets");
  });

  it("shows the server's refusal of the list next to it", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url === "/api/tools") return new Response(JSON.stringify({ tools: TOOLS }));
        if (url === "/api/connectors") return new Response(JSON.stringify({ connectors: CONNECTORS }));
        expect(init?.method).toBe("PATCH");
        return new Response(
          JSON.stringify({
            error: {
              code: "invalid_request",
              message: "Invalid body. connectors: at most 10 connectors.",
              details: { issues: [{ field: "connectors", message: "at most 10 connectors" }] },
            },
          }),
          { status: 400 },
        );
      }),
    );
    render(<SettingsDialog orchestrator={orch()} open onClose={() => {}} onSaved={() => {}} />);
    fireEvent.click(await screen.findByRole("checkbox", { name: "tickets" }));
    await save();
    const section = screen.getByRole("region", { name: "Connectors" });
    expect(within(section).getByText("at most 10 connectors")).toBeTruthy();
  });
});

describe("policyGroups", () => {
  it("keeps rules for connectors the user doesn't have, and other unknown rules last", () => {
    const groups = policyGroups(TOOLS, { "mcp__github__*": "allow", old_tool: "deny" }, CONNECTORS, ["c2"]);
    expect(groups.map((g) => [g.title, g.note ?? ""])).toEqual([
      ["Workspace", ""],
      ["Orchestrator", ""],
      ["tickets", "not enabled here"],
      ["fixture", ""],
      ["github", "not one of your connectors"],
      ["Other rules", ""],
    ]);
  });
});
