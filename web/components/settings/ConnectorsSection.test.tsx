import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConnectorInfo } from "../../../schema/connectors";
import { browser } from "../../lib/connectors";
import { ConnectorsSection, oauthNotice } from "./ConnectorsSection";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const RECORD = {
  name: "mcp__fixture__record",
  tool: "record",
  description: "Record a note.",
  inputSchema: { type: "object", properties: { key: { type: "string" } }, required: ["key"] },
};

const conn = (over: Partial<ConnectorInfo> = {}): ConnectorInfo => ({
  id: "c1",
  name: "fixture",
  url: "http://127.0.0.1:9000/oauth/mcp",
  headerNames: [],
  hasSecret: false,
  auth: "none",
  status: "ok",
  message: null,
  tools: [RECORD],
  lastRefreshedAt: Date.now() - 5 * 60_000,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

type Call = { method: string; url: string; body?: unknown };

function serve(answer: (c: Call) => Response | undefined) {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const c = {
        method: init?.method ?? "GET",
        url,
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      };
      calls.push(c);
      return answer(c) ?? new Response("{}", { status: 404 });
    }),
  );
  return calls;
}

function mount(connectors: ConnectorInfo[], at = "/settings") {
  const router = createMemoryRouter(
    [{ path: "/settings", element: <ConnectorsSection loaded={{ data: connectors, error: null }} /> }],
    { initialEntries: [at] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

const card = (name: string) =>
  document.querySelector<HTMLElement>(`.connector-card[data-connector="${name}"]`)!;

describe("Settings → Connectors", () => {
  it("lists each connector: URL (query masked), status and message, header names only, tools, last refresh", () => {
    serve(() => undefined);
    mount([
      conn({ headerNames: ["X-Api-Key"], hasSecret: true, url: "https://k.example.com/mcp?token=***" }),
      conn({
        id: "c2",
        name: "tickets",
        status: "error",
        message: "Could not connect: connection refused.",
        tools: [],
        lastRefreshedAt: null,
      }),
      conn({ id: "c3", name: "docs", auth: "oauth", status: "needs_auth", tools: [], message: "Sign in." }),
    ]);
    const ok = card("fixture");
    expect(within(ok).getByText("Connected")).toBeTruthy();
    expect(within(ok).getByText("https://k.example.com/mcp?token=***")).toBeTruthy();
    expect(within(ok).getByText("X-Api-Key")).toBeTruthy();
    expect(within(ok).getByText("set")).toBeTruthy();
    expect(within(ok).getByText("5 min ago")).toBeTruthy();
    expect(within(ok).getByText("1 tool")).toBeTruthy();
    // No sign-in button for a server without OAuth.
    expect(within(ok).queryByRole("button", { name: /Connect/ })).toBeNull();

    const bad = card("tickets");
    expect(within(bad).getByText("Error")).toBeTruthy();
    expect(within(bad).getByText("Could not connect: connection refused.")).toBeTruthy();
    expect(within(bad).getByText("never")).toBeTruthy();

    const auth = card("docs");
    expect(within(auth).getByText("Needs sign-in")).toBeTruthy();
    expect(within(auth).getByRole("button", { name: "Connect docs" })).toBeTruthy();
  });

  it("adds one by URL with a header whose value is sent once and never shown", async () => {
    const created = conn({ id: "c9", name: "keyed", headerNames: ["X-Api-Key"], hasSecret: true });
    const calls = serve((c) =>
      c.method === "POST" && c.url === "/api/connectors"
        ? Response.json(created, { status: 201 })
        : undefined,
    );
    mount([]);
    expect(screen.getByText("No connectors yet.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: /Add connector/ }));
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "keyed" } });
    fireEvent.change(screen.getByLabelText("Server URL"), {
      target: { value: "http://127.0.0.1:9001/keyed/mcp" },
    });
    fireEvent.click(screen.getByRole("button", { name: /Add header/ }));
    // Focused in the click's own turn, so it can't later take the keyboard from the value field.
    expect(document.activeElement).toBe(screen.getByLabelText("Header 1 name"));
    fireEvent.change(screen.getByLabelText("Header 1 name"), { target: { value: "X-Api-Key" } });
    const value = screen.getByLabelText("Header 1 value") as HTMLInputElement;
    expect(value.type).toBe("password");
    fireEvent.change(value, { target: { value: "sekrit-123" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Add" }));
    });
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "keyed",
      url: "http://127.0.0.1:9001/keyed/mcp",
      headers: { "X-Api-Key": "sekrit-123" },
    });
    await waitFor(() => expect(card("keyed")).toBeTruthy());
    expect(within(card("keyed")).getByText("set")).toBeTruthy();
    expect(document.body.innerHTML).not.toContain("sekrit-123");
    await waitFor(() => expect(document.activeElement).toBe(card("keyed")));
  });

  it("shows a 400's issues next to the fields, and checks header rows first", async () => {
    const calls = serve((c) =>
      c.method === "POST"
        ? Response.json(
            {
              error: {
                code: "invalid_request",
                message: "Invalid body. url: must be https; headers.Host: is set by Baton itself.",
                details: {
                  issues: [
                    { field: "url", message: "must be https" },
                    { field: "headers.Host", message: "is set by Baton itself" },
                  ],
                },
              },
            },
            { status: 400 },
          )
        : undefined,
    );
    mount([]);
    fireEvent.click(screen.getByRole("button", { name: /Add connector/ }));
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "web" } });
    fireEvent.change(screen.getByLabelText("Server URL"), { target: { value: "http://example.com/mcp" } });
    fireEvent.click(screen.getByRole("button", { name: /Add header/ }));
    fireEvent.change(screen.getByLabelText("Header 1 name"), { target: { value: "Host" } });
    // A header without a value is caught before anything is sent.
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Add" }));
    });
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
    expect(screen.getByText("Host: enter its value")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Header 1 value"), { target: { value: "x" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Add" }));
    });
    const url = screen.getByLabelText("Server URL");
    expect(url.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(url.getAttribute("aria-describedby")!)?.textContent).toBe("must be https");
    const hostName = screen.getByLabelText("Header 1 name");
    expect(document.getElementById(hostName.getAttribute("aria-describedby")!)?.textContent).toBe(
      "Host: is set by Baton itself",
    );
    // Every issue is at a field: no general alert repeats them.
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("Test re-lists the tools and shows them, each with its input schema folded", async () => {
    const picture = {
      name: "mcp__fixture__picture",
      tool: "picture",
      description: "A picture.",
      inputSchema: {},
    };
    const calls = serve((c) =>
      c.url === "/api/connectors/c1/refresh" ? Response.json(conn({ tools: [RECORD, picture] })) : undefined,
    );
    mount([conn({ tools: [] })]);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Test fixture" }));
    });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["POST /api/connectors/c1/refresh"]);
    const tools = card("fixture").querySelector<HTMLDetailsElement>(".connector-tools")!;
    expect(tools.open).toBe(true);
    const record = tools.querySelector<HTMLElement>('[data-tool="mcp__fixture__record"]')!;
    expect(within(record).getByText("record")).toBeTruthy();
    expect(within(record).getByText("Record a note.")).toBeTruthy();
    const schema = record.querySelector<HTMLDetailsElement>(".connector-schema")!;
    expect(schema.open).toBe(false);
    expect(schema.querySelector("pre")?.textContent).toContain('"required"');
  });

  it("Connect asks for a fresh sign-in and sends the browser to it; never to a non-web URL", async () => {
    const go = vi.spyOn(browser, "go").mockImplementation(() => {});
    let authorizeUrl = "http://127.0.0.1:9000/authorize?client_id=x&state=s";
    const calls = serve((c) =>
      c.url === "/api/connectors/c3/authorize"
        ? Response.json(conn({ id: "c3", name: "docs", auth: "oauth", status: "needs_auth", authorizeUrl }))
        : undefined,
    );
    mount([conn({ id: "c3", name: "docs", auth: "oauth", status: "needs_auth", tools: [] })]);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Connect docs" }));
    });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["POST /api/connectors/c3/authorize"]);
    expect(go).toHaveBeenCalledWith(authorizeUrl);

    go.mockClear();
    authorizeUrl = "javascript:alert(1)";
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Connect docs" }));
    });
    expect(go).not.toHaveBeenCalled();
  });

  it("back from a sign-in: says how it went and focuses the connector", async () => {
    serve(() => undefined);
    mount(
      [conn({ id: "c0", name: "other" }), conn({ auth: "oauth" })],
      "/settings?connector=c1&oauth=connected#connectors",
    );
    expect(screen.getByRole("status").textContent).toMatch(/Connected to fixture\. 1 tool listed\./);
    await waitFor(() => expect(document.activeElement).toBe(card("fixture")));
    expect(card("fixture").querySelector<HTMLDetailsElement>(".connector-tools")!.open).toBe(true);
    expect(within(card("fixture")).getByRole("button", { name: "Reconnect fixture" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    await waitFor(() => expect(screen.queryByRole("status")).toBeNull());
  });

  it("deletes after a confirmation", async () => {
    const calls = serve((c) => (c.method === "DELETE" ? new Response(null, { status: 204 }) : undefined));
    mount([conn()]);
    fireEvent.click(screen.getByRole("button", { name: "Delete fixture" }));
    expect(calls).toEqual([]);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Delete connector" }));
    });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["DELETE /api/connectors/c1"]);
    await waitFor(() => expect(screen.getByText("No connectors yet.")).toBeTruthy());
  });
});

describe("oauthNotice", () => {
  const list = [conn({ status: "needs_auth", message: "The server did not grant access (access_denied)." })];
  it("names the connector and why a sign-in failed", () => {
    const n = oauthNotice(new URLSearchParams("connector=c1&oauth=failed&reason=access_denied"), list);
    expect(n).toEqual({
      tone: "error",
      text: "Could not connect to fixture: the server did not grant access. The server did not grant access (access_denied). Press Connect to try again.",
    });
    expect(oauthNotice(new URLSearchParams("oauth=failed&reason=invalid_state"), list)?.text).toBe(
      "Could not connect to the server: the sign-in link expired or was already used. Press Connect to try again.",
    );
    expect(oauthNotice(new URLSearchParams(""), list)).toBeNull();
  });
});
