import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentTemplate, ToolInfo } from "../../../schema/api";
import { AgentsPane } from "./AgentsPane";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const tool = (name: string, kind: ToolInfo["kind"]): ToolInfo => ({
  name,
  kind,
  description: `${name} does things`,
  defaultPolicy: "allow",
  policies: ["allow", "ask", "deny"],
});
const TOOLS = [
  tool("list_files", "workspace"),
  tool("read_file", "workspace"),
  tool("write_file", "workspace"),
  tool("create_agent", "orchestrator"),
  tool("web_search", "server"),
];
const WRITER: AgentTemplate = {
  id: "tpl_1",
  name: "writer",
  description: "Writes articles",
  instructions: "You write.",
  model: "claude-sonnet-5-5",
  tools: ["read_file", "write_file"],
  createdAt: 1,
  updatedAt: 1,
};

type Call = { method: string; url: string; body: unknown };

/** Fakes the API; `create` answers POST …/agents. */
function mount(create: (body: Record<string, unknown>) => Response) {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, url, body });
      if (url === "/api/templates") return Response.json({ templates: [WRITER] });
      if (url === "/api/tools") return Response.json({ tools: TOOLS });
      if (method === "POST" && url === "/api/orchestrators/o1/agents") return create(body);
      return new Response("{}", { status: 404 });
    }),
  );
  render(
    <MemoryRouter>
      <AgentsPane orchestratorId="o1" agents={[]} />
    </MemoryRouter>,
  );
  return calls;
}

const created = (body: Record<string, unknown>) =>
  Response.json(
    {
      id: "ag_1",
      name: body.name,
      model: "claude-haiku-5-5",
      instructions: "x",
      tools: null,
      status: "idle",
      note: null,
      task: null,
      result: null,
      totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
      contextTokens: 0,
      contextWindow: 1_000_000,
      createdAt: 1,
    },
    { status: 201 },
  );

async function open() {
  fireEvent.click(screen.getByRole("button", { name: /New agent/ }));
  // The catalogue arrives: workspace and server tools only (an orchestrator tool isn't offered).
  await screen.findByRole("checkbox", { name: /read_file/ });
  expect(screen.queryByRole("checkbox", { name: /create_agent/ })).toBeNull();
  expect(screen.getByRole("checkbox", { name: /web_search/ })).toBeTruthy();
}

const submitButton = () => screen.getByRole("button", { name: /Create agent/ }) as HTMLButtonElement;

describe("New agent dialog", () => {
  it("creates an agent from scratch with the tools ticked, then closes", async () => {
    const calls = mount(created);
    await open();
    expect(submitButton().disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "scout" } });
    expect(submitButton().disabled).toBe(true); // instructions are needed without a template
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "Find sources." } });
    fireEvent.change(screen.getByLabelText("Model"), { target: { value: "claude-haiku-4-5" } });
    fireEvent.click(screen.getByRole("checkbox", { name: /web_search/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /write_file/ }));
    await act(async () => {
      fireEvent.click(submitButton());
    });
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.url).toBe("/api/orchestrators/o1/agents");
    expect(post.body).toEqual({
      name: "scout",
      instructions: "Find sources.",
      model: "claude-haiku-4-5",
      tools: ["list_files", "read_file"],
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await waitFor(() => expect(screen.queryByRole("button", { name: /Create agent/ })).toBeNull());
  });

  it("from a template: instructions optional, the template's tools shown; only what is given is sent", async () => {
    const calls = mount(created);
    await open();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "pen" } });
    fireEvent.change(screen.getByLabelText("From template"), { target: { value: "writer" } });
    expect(screen.getByLabelText(/Instructions \(optional/)).toBeTruthy();
    const checked = screen
      .getAllByRole("checkbox")
      .filter((c) => (c as HTMLInputElement).checked)
      .map((c) => c.getAttribute("name"));
    expect(checked).toEqual(["new-agent-tools-read_file", "new-agent-tools-write_file"]);
    expect(submitButton().disabled).toBe(false);
    await act(async () => {
      fireEvent.click(submitButton());
    });
    expect(calls.find((c) => c.method === "POST")!.body).toEqual({
      name: "pen",
      template: "writer",
      clientId: expect.any(String),
    });
  });

  it("shows the server's refusal and keeps the dialog open; unticking every tool blocks the submit", async () => {
    mount(() =>
      Response.json(
        {
          error: {
            code: "invalid_request",
            message: "Invalid body. name: use 1–40 letters, digits, - or _.",
            details: { issues: [{ field: "name", message: "use 1–40 letters, digits, - or _" }] },
          },
        },
        { status: 400 },
      ),
    );
    await open();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "bad" } });
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "x" } });
    await act(async () => {
      fireEvent.click(submitButton());
    });
    expect(screen.getByText("use 1–40 letters, digits, - or _")).toBeTruthy();
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");

    for (const box of screen.getAllByRole("checkbox")) fireEvent.click(box);
    expect(screen.getByText("Pick at least one tool.")).toBeTruthy();
    expect(submitButton().disabled).toBe(true);
    // Cancel closes it.
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByLabelText("Instructions")).toBeNull());
  });

  it("a 409 (name taken) is shown as a message", async () => {
    mount(() =>
      Response.json(
        { error: { code: "agent_exists", message: "An agent named solo already exists." } },
        { status: 409 },
      ),
    );
    await open();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "solo" } });
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "x" } });
    await act(async () => {
      fireEvent.click(submitButton());
    });
    expect(screen.getByRole("alert").textContent).toBe("An agent named solo already exists.");
  });
});
