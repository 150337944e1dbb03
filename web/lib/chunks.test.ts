import { describe, expect, it, vi } from "vitest";
import { CHUNK_ATTEMPTS, type ChunkDeps, chunk, loadChunk, reloadFailedStylesheets } from "./chunks";

function deps() {
  let online = true;
  let wakeOnline: (() => void) | null = null;
  const d: ChunkDeps & { setOnline: (v: boolean) => void; sleeps: number[]; retries: number } = {
    sleeps: [],
    retries: 0,
    beforeRetry: () => {
      d.retries++;
    },
    online: () => online,
    untilOnline: () =>
      new Promise<void>((resolve) => {
        wakeOnline = resolve;
      }),
    sleep: async (ms) => {
      d.sleeps.push(ms);
    },
    setOnline: (v) => {
      online = v;
      if (v) wakeOnline?.();
    },
  };
  return d;
}

describe("loadChunk", () => {
  it("waits for the network instead of failing while offline", async () => {
    const d = deps();
    d.setOnline(false);
    let calls = 0;
    const load = vi.fn(async () => {
      calls++;
      if (calls < 2) throw new TypeError("Failed to fetch dynamically imported module");
      return "module";
    });
    const p = loadChunk(load, d);
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    await Promise.resolve();
    expect(load).toHaveBeenCalledTimes(1); // parked until online
    d.setOnline(true);
    await expect(p).resolves.toBe("module");
    expect(d.sleeps).toEqual([]);
    expect(d.retries).toBe(1);
  });

  it("retries with growing delays while online, then gives up with the original error", async () => {
    const d = deps();
    const err = new TypeError("Failed to fetch dynamically imported module");
    const load = vi.fn(async () => {
      throw err;
    });
    await expect(loadChunk(load, d)).rejects.toBe(err);
    expect(load).toHaveBeenCalledTimes(CHUNK_ATTEMPTS);
    expect(d.sleeps).toEqual([400, 800, 1600]);
  });

  it("chunk() shares one load between a preload and a render, and allows a retry after failure", async () => {
    let n = 0;
    const load = vi.fn(async () => {
      n++;
      if (n <= CHUNK_ATTEMPTS) throw new TypeError("gone");
      return n;
    });
    vi.useFakeTimers();
    const get = chunk(load);
    const first = get();
    const second = get();
    expect(first).toBe(second);
    const settled = first.catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await settled).toBeInstanceOf(TypeError);
    const again = get();
    await vi.runAllTimersAsync();
    await expect(again).resolves.toBe(CHUNK_ATTEMPTS + 1);
    vi.useRealTimers();
  });

  it("marks a stylesheet link whose load fails", () => {
    const link = document.createElement("link");
    link.rel = "stylesheet"; // no href: nothing is fetched
    document.head.append(link);
    link.dispatchEvent(new Event("error"));
    expect(link.hasAttribute("data-load-failed")).toBe(true);
    link.remove();
  });

  it("replaces a stylesheet link that failed to load with a fresh one", () => {
    // Not attached to the document, so nothing is fetched.
    const head = document.createElement("div");
    const loaded = document.createElement("link");
    loaded.rel = "stylesheet";
    loaded.href = "/assets/loaded.css";
    const failed = document.createElement("link");
    failed.rel = "stylesheet";
    failed.href = "/assets/failed.css";
    failed.setAttribute("data-load-failed", "");
    head.append(loaded, failed);
    reloadFailedStylesheets(head);
    const links = [...head.querySelectorAll("link")];
    expect(links.map((l) => new URL(l.href).pathname)).toEqual(["/assets/loaded.css", "/assets/failed.css"]);
    expect(links[0]).toBe(loaded);
    expect(links[1]).not.toBe(failed);
    expect(links[1]!.hasAttribute("data-load-failed")).toBe(false);
  });
});
