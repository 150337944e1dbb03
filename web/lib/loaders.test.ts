import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChunkDeps } from "./chunks";
import { ApiError } from "./http";
import { fetchFor, loginPath, notFound, settle } from "./loaders";

const request = (url = "http://app.test/o/o1/files?path=a.md") => new Request(url);
const offline = new ApiError(0, "network_error", "Can't reach Baton.");

function deps(online: boolean) {
  let wake: (() => void) | null = null;
  const d: ChunkDeps & { goOnline: () => void; sleeps: number[] } = {
    sleeps: [],
    online: () => online,
    untilOnline: () =>
      new Promise<void>((resolve) => {
        wake = resolve;
      }),
    sleep: async (ms) => {
      d.sleeps.push(ms);
    },
    beforeRetry: () => {},
    goOnline: () => {
      online = true;
      wake?.();
    },
  };
  return d;
}

describe("loaders", () => {
  // Known to be signed in: a loader's request goes at once (the account check is the shell's).
  beforeEach(() => localStorage.setItem("baton.signedIn", "1"));
  afterEach(() => {
    localStorage.clear();
    vi.unstubAllGlobals();
  });

  it("load once the account check says who is signed in, and remember it", async () => {
    localStorage.clear();
    const me = { user: { id: "u", email: "a@b.co" }, via: "session", llm: "simulator" };
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ me }))),
    );
    await expect(settle(request(), async () => "data")).resolves.toEqual({ data: "data", error: null });
    expect(localStorage.getItem("baton.signedIn")).toBe("1");
  });

  // After the test above: that check said signed in, so this one must ask again.
  it("check the account first when not known to be signed in: a signed-out visit asks nothing else", async () => {
    localStorage.clear();
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ me: null }))),
    );
    const load = vi.fn(async () => "data");
    const err = await settle(request(), load).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Response);
    expect((err as Response).headers.get("Location")).toBe(loginPath("/o/o1/files?path=a.md"));
    expect(load).not.toHaveBeenCalled();
  });

  it("send a 401 to sign in, coming back to the page asked for", async () => {
    const err = await fetchFor(request(), async () => {
      throw new ApiError(401, "unauthenticated", "Sign in.");
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Response);
    expect((err as Response).headers.get("Location")).toBe(loginPath("/o/o1/files?path=a.md"));
    expect(loginPath("/o/o1/files?path=a.md")).toBe("/login?next=%2Fo%2Fo1%2Ffiles%3Fpath%3Da.md");
    expect(loginPath("/")).toBe("/login");
  });

  it("wait out an offline spell instead of failing", async () => {
    const d = deps(false);
    let calls = 0;
    const load = vi.fn(async () => {
      if (++calls === 1) throw offline;
      return "data";
    });
    const p = settle(request(), load, d);
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    d.goOnline();
    await expect(p).resolves.toEqual({ data: "data", error: null });
    expect(d.sleeps).toEqual([]);
  });

  it("hand any other failure to the page at once, not retried", async () => {
    const d = deps(true);
    const err = new ApiError(500, "internal_error", "Boom.");
    const load = vi.fn(async () => {
      throw err;
    });
    await expect(settle(request(), load, d)).resolves.toEqual({ data: undefined, error: err });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("stop retrying once the navigation is abandoned", async () => {
    const d = deps(true);
    const controller = new AbortController();
    controller.abort();
    const load = vi.fn(async () => {
      throw offline;
    });
    const r = new Request("http://app.test/usage", { signal: controller.signal });
    await expect(settle(r, load, d)).resolves.toEqual({ data: undefined, error: offline });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("end with the not-found view as a 404 route error", async () => {
    const view = { title: "Gone", detail: "Deleted.", back: { to: "/", label: "Back" } };
    let thrown: unknown;
    try {
      notFound(view);
    } catch (e) {
      thrown = e;
    }
    // react-router turns a thrown Response into the route's error response (see App.test.tsx).
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
    expect(await (thrown as Response).json()).toEqual(view);
  });
});
