// Loading lazy chunks through a flaky network. A chunk requested while the browser is offline (or
// during a blip) must not turn into an error page: wait for the network and try again. Only a chunk
// that keeps failing while online — the deploy case, where the file no longer exists — rejects.

export type ChunkDeps = {
  online: () => boolean;
  /** Resolves at the next `online` event. */
  untilOnline: () => Promise<void>;
  sleep: (ms: number) => Promise<void>;
};

/** Attempts while online before giving up; the delays between them double from this base. */
export const CHUNK_ATTEMPTS = 4;
const RETRY_BASE_MS = 400;

const browserDeps = (): ChunkDeps => ({
  online: () => (typeof navigator === "undefined" ? true : navigator.onLine !== false),
  untilOnline: () =>
    new Promise((resolve) => window.addEventListener("online", () => resolve(), { once: true })),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

/**
 * Runs `load` until it succeeds. Failures while offline don't count: we wait for `online`.
 * Chromium no longer caches a failed dynamic import, so calling `import()` again refetches.
 */
export async function loadChunk<T>(load: () => Promise<T>, deps: ChunkDeps = browserDeps()): Promise<T> {
  let failures = 0;
  for (;;) {
    try {
      return await load();
    } catch (err) {
      if (!deps.online()) {
        await deps.untilOnline();
        continue;
      }
      failures++;
      if (failures >= CHUNK_ATTEMPTS) throw err;
      await deps.sleep(RETRY_BASE_MS * 2 ** (failures - 1));
    }
  }
}

/** One shared load per chunk, so a preload and the render that needs it fetch once. */
export function chunk<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= loadChunk(load).catch((err: unknown) => {
      pending = null; // a later render may try again
      throw err;
    });
    return pending;
  };
}
