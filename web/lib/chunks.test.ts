import { describe, expect, it, vi } from "vitest";
import { CHUNK_ATTEMPTS, type ChunkDeps, chunk, loadChunk } from "./chunks";

function deps() {
  let online = true;
  let wakeOnline: (() => void) | null = null;
  const d: ChunkDeps & { setOnline: (v: boolean) => void; sleeps: number[] } = {
    sleeps: [],
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
});
