import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FileSearchBox, FileSearchResults } from "./FileSearch";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("file search", () => {
  it("groups hits by file, each linking to its line; the open one is marked", async () => {
    const urls: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        urls.push(url);
        return Response.json({
          matches: [
            { path: "notes/moons.md", line: null, text: "notes/moons.md" },
            { path: "notes/moons.md", line: 3, text: "Jupiter has 95 moons" },
            { path: "notes/moons.md", line: 9, text: "Saturn: 146 moons" },
            { path: "plan.md", line: 1, text: "count the moons" },
          ],
          note: "Showing the first 50 matches; narrow the pattern or the path for others.",
          after: null,
        });
      }),
    );
    render(
      <MemoryRouter>
        <FileSearchResults
          orchestratorId="o1"
          query="MOONS"
          linkTo={(path, line) => `?path=${path}${line ? `&line=${line}` : ""}`}
          current={{ path: "notes/moons.md", line: 9 }}
        />
      </MemoryRouter>,
    );
    expect((await screen.findByRole("status")).textContent).toBe("3 matching lines in 2 files");
    expect(urls).toEqual(["/api/orchestrators/o1/file-search?q=MOONS"]);
    const results = screen.getByRole("list", { name: "Search results" });
    const links = within(results).getAllByRole("link");
    expect(links.map((l) => l.getAttribute("href"))).toEqual([
      "/?path=notes/moons.md",
      "/?path=notes/moons.md&line=3",
      "/?path=notes/moons.md&line=9",
      "/?path=plan.md",
      "/?path=plan.md&line=1",
    ]);
    expect(links[0]!.getAttribute("title")).toBe("notes/moons.md");
    expect(links[0]!.textContent).toContain("name");
    expect(links[2]!.getAttribute("aria-current")).toBe("true");
    // The query is marked in each line, case-insensitively.
    expect(links[1]!.querySelector("mark")?.textContent).toBe("moons");
    expect(screen.getByText(/Showing the first 50 matches/)).toBeTruthy();
  });

  it("a pattern the server refuses shows its reason", async () => {
    vi.stubGlobal("fetch", async () =>
      Response.json(
        {
          error: {
            code: "invalid_request",
            message: "q: this pattern can't be searched for: backreferences.",
          },
        },
        { status: 400 },
      ),
    );
    render(
      <MemoryRouter>
        <FileSearchResults
          orchestratorId="o1"
          query="(a)\1"
          linkTo={() => "?"}
          current={{ path: null, line: null }}
        />
      </MemoryRouter>,
    );
    expect((await screen.findByRole("alert")).textContent).toContain("backreferences");
  });

  it("searches after a pause in typing, at once on Enter, and Escape clears", () => {
    vi.useFakeTimers();
    const onQuery = vi.fn();
    render(<FileSearchBox query="" onQuery={onQuery} />);
    const box = screen.getByRole("searchbox", { name: "Search in files" });
    fireEvent.change(box, { target: { value: "m" } });
    fireEvent.change(box, { target: { value: "moo" } });
    act(() => vi.advanceTimersByTime(299));
    expect(onQuery).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(onQuery).toHaveBeenCalledExactlyOnceWith("moo");
    fireEvent.change(box, { target: { value: "moons" } });
    fireEvent.submit(box.closest("form")!);
    expect(onQuery).toHaveBeenLastCalledWith("moons");
    act(() => vi.advanceTimersByTime(1000));
    expect(onQuery).toHaveBeenCalledTimes(2);
    fireEvent.keyDown(box, { key: "Escape" });
    expect(onQuery).toHaveBeenLastCalledWith("");
    expect((box as HTMLInputElement).value).toBe("");
  });
});
