import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FileHistory } from "./FileHistory";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const V = (version: number, updatedBy: string, extra: { deleted?: boolean; current?: boolean } = {}) => ({
  version,
  size: extra.deleted ? 0 : 10,
  updatedBy,
  updatedAt: Date.UTC(2026, 0, 1),
  deleted: extra.deleted ?? false,
  current: extra.current ?? false,
});
const CONTENT: Record<number, string> = { 1: "alpha\n", 3: "alpha\nbeta\n" };

function stubApi() {
  const calls: { method: string; url: string; headers: Record<string, string>; body?: string }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      calls.push({
        method,
        url,
        headers: (init.headers ?? {}) as Record<string, string>,
        body: init.body as string,
      });
      if (url.startsWith("/api/orchestrators/o1/file-versions/notes/a.md")) {
        if (method === "POST") {
          return Response.json({
            path: "notes/a.md",
            size: 6,
            version: 4,
            updatedBy: "user",
            updatedAt: 2,
            content: CONTENT[1],
          });
        }
        // v3 re-created the file by an agent after you deleted it (v2); v1 was the researcher's.
        return Response.json({
          path: "notes/a.md",
          current: 3,
          versions: [V(3, "writer", { current: true }), V(2, "user", { deleted: true }), V(1, "researcher")],
        });
      }
      const m = /\/files\/notes\/a\.md\?version=(\d+)$/.exec(url);
      if (m) {
        const n = Number(m[1]);
        return Response.json({
          path: "notes/a.md",
          size: 6,
          version: n,
          updatedBy: "x",
          updatedAt: 1,
          content: CONTENT[n],
        });
      }
      return new Response("{}", { status: 404 });
    }),
  );
  return calls;
}

function show(selected: number | null, onRestored = vi.fn()) {
  return (
    <MemoryRouter>
      <FileHistory
        orchestratorId="o1"
        path="notes/a.md"
        changeKey="k"
        gone={false}
        selected={selected}
        linkTo={(v) => `?v=${v}`}
        agents={new Map([["writer", "agt_2"]])}
        onRestored={onRestored}
      />
    </MemoryRouter>
  );
}

describe("FileHistory", () => {
  it("lists every version with who made it; the newest shows what it changed, by an agent linked to its page", async () => {
    const calls = stubApi();
    render(show(null));
    const list = await screen.findByRole("navigation", { name: "Versions of notes/a.md" });
    const rows = within(list).getAllByRole("link");
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining("v3writercurrent"),
      expect.stringContaining("v2Deleted by You"),
      expect.stringContaining("v1researcher"),
    ]);
    expect(rows[0]!.getAttribute("aria-current")).toBe("true");
    const header = screen.getByRole("heading", { name: "Version 3 (current)" }).parentElement!;
    expect(header.textContent).toContain("compared with version\u00a02");
    expect(
      within(header)
        .getByRole("link", { name: /writer/ })
        .getAttribute("href"),
    ).toBe("/o/o1/agents/agt_2");
    // After a deletion the file starts from nothing: only v3 is read, and the diff shows it all added.
    await waitFor(() => expect(document.querySelector(".cm-changedLine")).not.toBeNull());
    expect(calls.filter((c) => c.url.includes("?version=")).map((c) => c.url)).toEqual([
      "/api/orchestrators/o1/files/notes/a.md?version=3",
    ]);
    expect(screen.queryByRole("button", { name: "Restore this version" })).toBeNull();
  });

  it("a deletion says who deleted it; an earlier version restores over the current one", async () => {
    const calls = stubApi();
    const onRestored = vi.fn();
    const { rerender } = render(show(2, onRestored));
    expect((await screen.findByText(/this version has no content/)).textContent).toContain("deleted here");
    expect(screen.getByRole("heading", { name: "Version 2" }).parentElement!.textContent).toContain(
      "Deleted by You",
    );
    rerender(show(1, onRestored));
    const restore = await screen.findByRole("button", { name: "Restore this version" });
    await act(async () => fireEvent.click(restore));
    await waitFor(() => expect(onRestored).toHaveBeenCalledWith(expect.objectContaining({ version: 4 })));
    const post = calls.find((c) => c.method === "POST")!;
    expect(JSON.parse(post.body!)).toEqual({ version: 1 });
    expect(post.headers["If-Match"]).toBe('"3"');
  });
});
