import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./http";
import { workspaceApi } from "./workspace";

afterEach(() => vi.unstubAllGlobals());

const file = { path: "notes/a.md", size: 3, version: 2, updatedBy: "user", updatedAt: 1, content: "two" };

function stub(answer: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return answer();
    }),
  );
  return calls;
}
const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)[name];

describe("workspaceApi", () => {
  it("writes the text as is, naming the version it was made against, per path segment encoded", async () => {
    const calls = stub(() => Response.json(file));
    await workspaceApi.write("o1", "notes/a b.md", "# x\n", { version: 1 });
    expect(calls[0]!.url).toBe("/api/orchestrators/o1/files/notes/a%20b.md");
    expect(calls[0]!.init.method).toBe("PUT");
    expect(calls[0]!.init.body).toBe("# x\n");
    expect(header(calls[0]!.init, "content-type")).toBe("text/plain; charset=utf-8");
    expect(header(calls[0]!.init, "If-Match")).toBe('"1"');

    await workspaceApi.write("o1", "new.md", "", "absent");
    expect(header(calls[1]!.init, "If-None-Match")).toBe("*");
    await workspaceApi.write("o1", "up.md", "x");
    expect(header(calls[2]!.init, "If-Match")).toBeUndefined();
    expect(header(calls[2]!.init, "If-None-Match")).toBeUndefined();
  });

  it("renames, restores and searches with the documented shapes", async () => {
    const calls = stub(() => Response.json(file));
    await workspaceApi.rename("o1", "a.md", "docs/a.md", { version: 2 });
    expect(calls[0]!.init.method).toBe("PATCH");
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ path: "docs/a.md" });
    await workspaceApi.restore("o1", "docs/a.md", 2, "absent");
    expect(calls[1]!.url).toBe("/api/orchestrators/o1/file-versions/docs/a.md");
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ version: 2 });
    expect(header(calls[1]!.init, "If-None-Match")).toBe("*");

    stub(() =>
      Response.json({ matches: [{ path: "a.md", line: 3, text: "x & y" }], note: null, after: null }),
    );
    const found = await workspaceApi.search("o1", "x & y");
    expect(found.matches[0]).toEqual({ path: "a.md", line: 3, text: "x & y" });
  });

  it("a stale version is a version_conflict carrying the file's version now", async () => {
    stub(() =>
      Response.json(
        { error: { code: "version_conflict", message: "x", details: { currentVersion: 5 } } },
        { status: 412 },
      ),
    );
    const err = await workspaceApi.write("o1", "a.md", "x", { version: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("version_conflict");
    expect((err as ApiError).details).toEqual({ currentVersion: 5 });
  });
});
