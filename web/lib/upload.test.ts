import { describe, expect, it } from "vitest";
import { joinPath, readUpload } from "./upload";

const file = (name: string, bytes: Uint8Array | string) => {
  const buf = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return { name, size: buf.byteLength, arrayBuffer: async () => buf.slice().buffer };
};

describe("readUpload", () => {
  it("reads UTF-8 text into the folder it was dropped on", async () => {
    expect(await readUpload(file("a.md", "# Hä\n"), "notes/")).toEqual({
      path: "notes/a.md",
      content: "# Hä\n",
    });
    expect(await readUpload(file("b.txt", "x"), "")).toEqual({ path: "b.txt", content: "x" });
    expect(joinPath("a/b", "c")).toBe("a/b/c");
  });

  it("refuses binary files and files over the limit by name, without reading a big one", async () => {
    const png = await readUpload(file("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe])), "");
    expect(png).toEqual({ path: "logo.png", error: "is not UTF-8 text (the workspace holds text files)" });
    const big = {
      name: "big.log",
      size: 3 * 1024 * 1024,
      arrayBuffer: async () => {
        throw new Error("read a file over the limit");
      },
    };
    expect(await readUpload(big, "logs", 1024 * 1024)).toEqual({
      path: "logs/big.log",
      error: "is 3.0 MiB; a file can be at most 1.0 MiB",
    });
  });
});
