import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

// The renderer chunk is unusable (as when a deploy removed it): the text must still show.
vi.mock("./MarkdownRenderer", () => ({
  default: () => {
    throw new Error("Failed to fetch dynamically imported module");
  },
}));

afterEach(cleanup);

describe("Markdown", () => {
  it("falls back to plain text when the renderer can't be had", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { Markdown } = await import("./Markdown");
    render(<Markdown text={"**still** readable"} />);
    // Let the lazy renderer resolve and fail, past the Suspense placeholder (same text).
    await act(async () => {
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(screen.getByText("**still** readable")).toBeTruthy();
    errors.mockRestore();
  });
});
