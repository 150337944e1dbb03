import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentTemplate } from "../../../schema/api";
import { TemplatesSection } from "./TemplatesSection";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const tpl = (over: Partial<AgentTemplate>): AgentTemplate => ({
  id: "tpl_1",
  name: "writer",
  description: "Writes articles",
  instructions: "You write.",
  model: null,
  tools: null,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

const TOOLS = ["read_file", "write_file"].map((name) => ({
  name,
  kind: "workspace",
  description: name,
  defaultPolicy: "allow",
  policies: ["allow", "ask", "deny"],
}));

describe("Settings → Agent templates", () => {
  it("lists, creates (tools narrowed), edits and deletes templates", async () => {
    const calls: { method: string; url: string; body?: unknown }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init?: RequestInit) => {
        const method = init?.method ?? "GET";
        const body = init?.body ? JSON.parse(String(init.body)) : undefined;
        calls.push({ method, url, body });
        if (url === "/api/tools") return Response.json({ tools: TOOLS });
        if (method === "POST") return Response.json(tpl({ id: "tpl_2", ...body }), { status: 201 });
        if (method === "PATCH") return Response.json(tpl({ ...body }));
        if (method === "DELETE") return new Response(null, { status: 204 });
        return new Response("{}", { status: 404 });
      }),
    );
    render(<TemplatesSection loaded={{ data: [tpl({})], error: null }} />);
    const table = screen.getByRole("table");
    expect(within(table).getByText("writer")).toBeTruthy();
    expect(within(table).getByText("All")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: /New template/ }));
    await screen.findByRole("checkbox", { name: /write_file/ });
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "analyst" } });
    fireEvent.change(screen.getByLabelText("Instructions"), { target: { value: "Analyse." } });
    fireEvent.click(screen.getByRole("checkbox", { name: /write_file/ }));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Create template" }));
    });
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "analyst",
      description: null,
      instructions: "Analyse.",
      model: null,
      tools: ["read_file"],
    });
    await waitFor(() => expect(within(table).getByText("analyst")).toBeTruthy());
    expect(
      within(table)
        .getAllByRole("row")
        .map((r) => r.querySelector("td")?.textContent ?? ""),
    ).toEqual(["", "analyst", "writer"]);

    fireEvent.click(screen.getByRole("button", { name: "Edit writer" }));
    const description = (await screen.findByLabelText("Description (optional)")) as HTMLInputElement;
    expect(description.value).toBe("Writes articles");
    fireEvent.change(description, { target: { value: "Writes short articles" } });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Save" }));
    });
    expect(calls.find((c) => c.method === "PATCH")).toMatchObject({
      url: "/api/templates/tpl_1",
      body: { name: "writer", description: "Writes short articles", tools: null },
    });
    await waitFor(() => expect(within(table).getByText("Writes short articles")).toBeTruthy());

    fireEvent.click(screen.getByRole("button", { name: "Delete writer" }));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Delete template" }));
    });
    expect(calls.at(-1)).toMatchObject({ method: "DELETE", url: "/api/templates/tpl_1" });
    await waitFor(() => expect(within(table).queryByText("writer")).toBeNull());
  });
});
