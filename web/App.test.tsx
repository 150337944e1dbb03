// The route tree as the app runs it: the shell's and the pages' loaders, lazy pages, redirects.
import { cleanup, render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { routes } from "./App";

const me = {
  user: { id: "u1", email: "ada@example.com", createdAt: 1, budgetUsd: null, defaultModel: null },
  via: "session",
  llm: "simulator",
};
const orchestrator = {
  id: "o1",
  name: "Launch research",
  model: "claude-sonnet-5-5",
  systemPrompt: null,
  budgetUsd: null,
  status: "active",
  simulated: true,
  toolPolicy: {},
  thinking: null,
  approvalTimeoutSec: 86_400,
  createdAt: 1,
  updatedAt: 1,
  lastActivityAt: null,
  totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
};

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
const apiError = (status: number, code: string) => json({ error: { code, message: code } }, status);

/** A page's first import in a test run compiles its whole module graph. */
const SLOW = { timeout: 10_000 };

let requests: string[];
let sockets: string[];
let consoleNoise: string[];

/** Answers by path; anything unlisted is a 404. */
function serve(answers: Record<string, () => Response>) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      requests.push(url);
      const path = url.split("?")[0]!;
      return answers[path]?.() ?? apiError(404, "not_found");
    }),
  );
}

function open(path: string) {
  const router = createMemoryRouter(routes(), { initialEntries: [path] });
  render(<RouterProvider router={router} />);
  return router;
}

beforeEach(() => {
  localStorage.clear();
  requests = [];
  sockets = [];
  consoleNoise = [];
  vi.stubGlobal(
    "WebSocket",
    vi.fn(function (this: unknown, url: string) {
      sockets.push(url);
      throw new Error("no sockets in this test");
    }),
  );
  for (const level of ["warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleNoise.push(args.map(String).join(" "));
    });
  }
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("routes", () => {
  it("loads the account and the page's data together, showing the shell meanwhile", async () => {
    serve({
      "/api/auth/session": () => json({ me }),
      "/api/orchestrators": () => json({ orchestrators: [orchestrator] }),
    });
    open("/");
    // Before anything answers: the frame, busy (react-router's HydrateFallback).
    expect(screen.getByRole("link", { name: "Baton home" })).toBeTruthy();
    expect(document.querySelector('.boot[aria-busy="true"]')).toBeTruthy();
    expect(await screen.findByRole("link", { name: "Launch research" }, SLOW)).toBeTruthy();
    expect(screen.getAllByText("ada@example.com").length).toBeGreaterThan(0);
    expect(requests.filter((r) => r === "/api/auth/session")).toHaveLength(1);
    expect(requests.filter((r) => r === "/api/orchestrators")).toHaveLength(1);
    expect(consoleNoise).toEqual([]);
  });

  it("asks for the account and the page's data at once when it was signed in last time", async () => {
    localStorage.setItem("baton.signedIn", "1");
    const answers: ((r: Response) => void)[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((url: string) => {
        requests.push(url);
        return new Promise<Response>((resolve) => answers.push(resolve));
      }),
    );
    open("/");
    // Neither has answered, and both were asked (the page's loader chunk arrives first).
    await vi.waitFor(() => expect(requests).toContain("/api/orchestrators"), SLOW);
    expect(requests).toContain("/api/auth/session");
    for (const answer of answers) answer(json({ me }));
    await vi.waitFor(() => expect(screen.getAllByText("ada@example.com").length).toBeGreaterThan(0));
  });

  it("sends a signed-out visitor to sign in, coming back to where they were going", async () => {
    serve({
      "/api/auth/session": () => json({ me: null }),
      "/api/orchestrators/o1/files": () => apiError(401, "unauthorized"),
    });
    const router = open("/o/o1/files?path=notes.md");
    expect(await screen.findByRole("heading", { name: "Sign in to Baton" }, SLOW)).toBeTruthy();
    expect(router.state.location.pathname + router.state.location.search).toBe(
      `/login?next=${encodeURIComponent("/o/o1/files?path=notes.md")}`,
    );
    expect(screen.queryByRole("alert")).toBeNull();
    expect(sockets).toEqual([]);
    // The sign-in page doesn't ask again: it has just been told. And nothing answered 401: the
    // page's own request waited for the account check, which said no one is signed in.
    expect(requests, requests.join()).toEqual(["/api/auth/session"]);
    expect(consoleNoise).toEqual([]);
  });

  it("opens the API reference to a signed-out visitor, with Sign in in place of the account", async () => {
    serve({
      "/api/auth/session": () => json({ me: null }),
      "/api/openapi.json": () =>
        json({ openapi: "3.1.0", info: { title: "Baton API", version: "1" }, paths: {}, components: {} }),
    });
    const router = open("/docs");
    expect(await screen.findByRole("heading", { name: /Baton API/ }, SLOW)).toBeTruthy();
    expect(router.state.location.pathname).toBe("/docs");
    expect(screen.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/login?next=%2Fdocs");
    expect(screen.queryByRole("button", { name: "Sign out" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Orchestrators" })).toBeNull();
    expect(requests.sort()).toEqual(["/api/auth/session", "/api/openapi.json"]);
    expect(consoleNoise).toEqual([]);
  });

  it("shows an unknown orchestrator as not found, inside the shell, without opening its stream", async () => {
    serve({ "/api/auth/session": () => json({ me }) });
    for (const path of ["/o/nope", "/o/nope/files", "/o/nope/agents/a1"]) {
      const router = open(path);
      expect(await screen.findByRole("heading", { name: "Orchestrator not found" }, SLOW)).toBeTruthy();
      expect(screen.getByRole("link", { name: "Back to orchestrators" })).toBeTruthy();
      expect(screen.getByRole("link", { name: "Baton home" })).toBeTruthy();
      expect(router.state.location.pathname).toBe(path);
      cleanup();
    }
    expect(sockets).toEqual([]);
    expect(consoleNoise).toEqual([]);
  });

  it("opens a known orchestrator's stream once its record is in", async () => {
    serve({
      "/api/auth/session": () => json({ me }),
      "/api/orchestrators/o1": () => json(orchestrator),
    });
    open("/o/o1");
    expect(await screen.findByRole("heading", { name: "Launch research" }, SLOW)).toBeTruthy();
    await vi.waitFor(() => expect(sockets).toEqual(["ws://localhost:3000/api/orchestrators/o1/ws"]));
  });
});
