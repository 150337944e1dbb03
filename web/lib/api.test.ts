import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, encodePath, onUnauthorized, request } from "./api";

function mockFetch(status: number, body: unknown, raw?: string) {
  const fn = vi.fn(async () => new Response(raw ?? JSON.stringify(body), { status }));
  vi.stubGlobal("fetch", fn);
  return fn;
}

afterEach(() => vi.unstubAllGlobals());

describe("request", () => {
  it("sends same-origin JSON with cookies and parses the answer", async () => {
    const fetch = mockFetch(200, { ok: true });
    await expect(request("POST", "/api/x", { a: 1 })).resolves.toEqual({ ok: true });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/x");
    expect(init.credentials).toBe("same-origin");
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)["content-type"]).toBe("application/json");
  });

  it("turns the API's error shape into a typed ApiError with field errors", async () => {
    mockFetch(400, {
      error: {
        code: "invalid_request",
        message: "Invalid body. password: too short.",
        details: { issues: [{ field: "password", message: "too short" }] },
      },
    });
    const err = await request("POST", "/api/auth/signup", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: "invalid_request",
      message: "Invalid body. password: too short.",
    });
    expect((err as ApiError).fieldErrors()).toEqual({ password: "too short" });
  });

  it("survives non-JSON error bodies", async () => {
    mockFetch(502, null, "<html>bad gateway</html>");
    await expect(request("GET", "/api/x")).rejects.toMatchObject({ status: 502, code: "http_502" });
  });

  it("reports network failures as status 0", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    await expect(request("GET", "/api/x")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("tells listeners about a 401 unless asked to be quiet", async () => {
    const heard = vi.fn();
    const off = onUnauthorized(heard);
    mockFetch(401, { error: { code: "unauthenticated", message: "Sign in." } });
    await expect(request("GET", "/api/orchestrators")).rejects.toMatchObject({ status: 401 });
    expect(heard).toHaveBeenCalledTimes(1);
    await expect(api.meStrict()).rejects.toMatchObject({ status: 401 });
    expect(heard).toHaveBeenCalledTimes(1);
    off();
  });

  it("validates responses with a schema", async () => {
    mockFetch(200, { orchestrators: [{ id: "x" }] });
    await expect(api.listOrchestrators()).rejects.toThrow();
  });

  it("accepts wrapped and bare list responses", async () => {
    mockFetch(200, { tokens: [{ id: "t", name: "n", prefix: "bat_ab", createdAt: 1, lastUsedAt: null }] });
    await expect(api.listTokens()).resolves.toHaveLength(1);
    mockFetch(200, [{ id: "t", name: "n", prefix: "bat_ab", createdAt: 1, lastUsedAt: null }]);
    await expect(api.listTokens()).resolves.toHaveLength(1);
  });

  it("encodes workspace paths segment by segment", () => {
    expect(encodePath("notes/a b#1.md")).toBe("notes/a%20b%231.md");
  });
});

describe("listFiles", () => {
  it("follows nextCursor until the last page, so the Files page lists every file", async () => {
    const file = (path: string) => ({ path, size: 1, version: 1, updatedBy: "user", updatedAt: 0 });
    const pages: Record<string, unknown> = {
      "": { files: [file("a.md"), file("b/c.md")], nextCursor: "b/c.md" },
      "b/c.md": { files: [file("b/d e.md")], nextCursor: "b/d e.md" },
      "b/d e.md": { files: [], nextCursor: null },
    };
    const fetch = vi.fn(async (url: string) => {
      const cursor = new URL(url, "https://x.test").searchParams.get("cursor") ?? "";
      return new Response(JSON.stringify(pages[cursor]), { status: 200 });
    });
    vi.stubGlobal("fetch", fetch);
    const files = await api.listFiles("orc_1");
    expect(files.map((f) => f.path)).toEqual(["a.md", "b/c.md", "b/d e.md"]);
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      "/api/orchestrators/orc_1/files",
      "/api/orchestrators/orc_1/files?cursor=b%2Fc.md",
      "/api/orchestrators/orc_1/files?cursor=b%2Fd%20e.md",
    ]);
  });
});
