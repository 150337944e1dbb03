import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildFiles, fileTree } from "../../lib/views/files";
import { FileTree, nameTail } from "./FileTree";

afterEach(cleanup);

const info = (path: string) => ({ path, size: 10, version: 1, updatedBy: "writer", updatedAt: 1 });

describe("FileTree", () => {
  it("titles every row with its full path and keeps the end of long names in view", () => {
    const view = buildFiles(
      [],
      [
        info("notes/researcher-writer-each-durable-20f7.md"),
        info("notes/researcher-writer-each-durable-d59b.md"),
      ],
    );
    const onSelect = vi.fn();
    render(<FileTree root={fileTree(view)} selected={null} onSelect={onSelect} />);
    const rows = screen.getAllByRole("button");
    expect(rows.map((r) => r.getAttribute("title"))).toEqual([
      "notes/",
      "notes/researcher-writer-each-durable-20f7.md",
      "notes/researcher-writer-each-durable-d59b.md",
    ]);
    // The part that tells them apart is never the part cut off.
    expect(rows[1]!.querySelector(".file-name-tail")?.textContent).toBe("-20f7.md");
    expect(rows[2]!.querySelector(".file-name-tail")?.textContent).toBe("-d59b.md");
    fireEvent.click(rows[2]!);
    expect(onSelect).toHaveBeenCalledWith("notes/researcher-writer-each-durable-d59b.md");
    expect(rows[0]!.getAttribute("data-folder")).toBe("notes");
  });

  it("cuts at the last word near the end, else keeps the last ten characters", () => {
    const at = (name: string) => name.slice(nameTail(name));
    expect(at("quarterly-report-final-v2.txt")).toBe("-v2.txt");
    expect(at("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).toBe("aaaaaaaaaa");
  });
});
