import { describe, expect, it } from "vitest";
import { makeStream } from "../fixtures";
import { emptyWorkspaceFiles, foldWorkspaceFiles, resolveMention } from "./workspaceFiles";

describe("workspace files", () => {
  it("follows file.changed: written, rewritten, deleted", () => {
    const ev = makeStream();
    let w = emptyWorkspaceFiles();
    for (const e of [
      ev({ type: "file.changed", path: "notes/a.md", size: 3, by: "a1" }),
      ev({ type: "file.changed", path: "b.txt", size: 1, by: "user" }),
      ev({ type: "file.changed", path: "notes/a.md", size: 9, by: "a1" }),
      ev({ type: "file.changed", path: "b.txt", size: 0, by: "user", deleted: true }),
    ])
      w = foldWorkspaceFiles(w, e);
    expect([...w.paths]).toEqual(["notes/a.md"]);
    // Nothing changed, the same object (memoised links stay as they are).
    const same = foldWorkspaceFiles(w, ev({ type: "file.changed", path: "notes/a.md", size: 9, by: "a1" }));
    expect(same).toBe(w);
  });

  it("resolves a mention as written or without a leading ./ or /", () => {
    const paths = new Set(["notes/a.md", "README.md"]);
    expect(resolveMention(paths, "notes/a.md")).toBe("notes/a.md");
    expect(resolveMention(paths, "./notes/a.md")).toBe("notes/a.md");
    expect(resolveMention(paths, "/README.md")).toBe("README.md");
    expect(resolveMention(paths, "notes/b.md")).toBeNull();
    expect(resolveMention(paths, "")).toBeNull();
  });
});
