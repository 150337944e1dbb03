import { cleanup, render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import DocsPage from "./DocsPage";
import { loader } from "./DocsPage.loader";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const spec = {
  openapi: "3.1.0",
  info: { title: "Baton API", version: "1.0.0" },
  security: [{ bearer: [] }],
  paths: {
    "/api/orchestrators": {
      post: {
        summary: "Create an orchestrator",
        tags: ["Orchestrators"],
        requestBody: {
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["name"],
                properties: {
                  name: { type: "string", description: "Shown in lists" },
                  budgetUsd: { type: ["number", "null"] },
                },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "Created",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Orchestrator" } } },
          },
        },
      },
    },
    "/api/health": {
      get: {
        summary: "Liveness",
        tags: ["System"],
        security: [],
        responses: { "200": { description: "OK" } },
      },
    },
  },
  components: { schemas: { Orchestrator: { type: "object", properties: { id: { type: "string" } } } } },
};

describe("DocsPage", () => {
  it("renders operations, parameters, bodies and responses from the OpenAPI document", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify(spec), { status: 200 })),
    );
    const router = createMemoryRouter(
      [{ path: "/docs", Component: DocsPage, loader, hydrateFallbackElement: <p>Loading…</p> }],
      { initialEntries: ["/docs"] },
    );
    render(<RouterProvider router={router} />);
    expect(await screen.findByText("Create an orchestrator")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Baton API" })).toBeTruthy();
    expect(screen.getAllByText("/api/orchestrators").length).toBeGreaterThan(0);
    expect(screen.getByText("Shown in lists")).toBeTruthy();
    expect(screen.getByText("number | null")).toBeTruthy();
    expect(screen.getByText("no auth")).toBeTruthy();
    expect(screen.getAllByText("Orchestrator").length).toBeGreaterThan(0);
  });
});
