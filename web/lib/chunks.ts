// Loading lazy chunks through a flaky network. A chunk requested while the browser is offline (or
// during a blip) must not turn into an error page: wait for the network and try again. Only a chunk
// that keeps failing while online — the deploy case, where the file no longer exists — rejects.

export type ChunkDeps = {
  online: () => boolean;
  /** Resolves at the next `online` event. */
  untilOnline: () => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  /** Runs before each new attempt. */
  beforeRetry: () => void;
};

/** Attempts while online before giving up; the delays between them double from this base. */
export const CHUNK_ATTEMPTS = 4;
const RETRY_BASE_MS = 400;

const browserDeps = (): ChunkDeps => ({
  online: () => (typeof navigator === "undefined" ? true : navigator.onLine !== false),
  // Chromium sometimes reports `online` late or never after a flap: look again every 5 s.
  untilOnline: () =>
    new Promise((resolve) => {
      const done = () => {
        window.removeEventListener("online", done);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, 5_000);
      window.addEventListener("online", done);
    }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  beforeRetry: reloadFailedStylesheets,
});

/**
 * A chunk's CSS comes with a `<link rel="stylesheet">` the bundler adds once per URL: after a failed
 * load it never adds it again, so a retried chunk would come back without its styles. Failed links
 * are marked as they fail (error events don't bubble, so this listens in the capture phase) and
 * replaced by fresh ones before a retry.
 */
const FAILED = "data-load-failed";
if (typeof document !== "undefined") {
  document.addEventListener(
    "error",
    (e) => {
      const el = e.target;
      if (el instanceof HTMLLinkElement && el.rel === "stylesheet") el.setAttribute(FAILED, "");
    },
    true,
  );
}

export function reloadFailedStylesheets(root: ParentNode = document): void {
  for (const old of root.querySelectorAll<HTMLLinkElement>(`link[rel="stylesheet"][${FAILED}]`)) {
    const fresh = document.createElement("link");
    fresh.rel = "stylesheet";
    fresh.href = old.href;
    if (old.crossOrigin !== null) fresh.crossOrigin = old.crossOrigin;
    old.replaceWith(fresh);
  }
}

/**
 * Runs `load` until it succeeds. Failures while offline don't count: we wait for `online`.
 * Chromium no longer caches a failed dynamic import, so calling `import()` again refetches.
 */
export function loadChunk<T>(load: () => Promise<T>, deps: ChunkDeps = browserDeps()): Promise<T> {
  return retryThroughOutages(load, () => true, deps);
}

/**
 * The same policy for anything else that crosses the network (route loaders' requests, see
 * lib/loaders.ts): only failures `retryable` accepts are waited out or tried again; any other
 * failure is the answer at once.
 */
export async function retryThroughOutages<T>(
  load: () => Promise<T>,
  retryable: (err: unknown) => boolean,
  deps: ChunkDeps = browserDeps(),
): Promise<T> {
  let failures = 0;
  for (;;) {
    try {
      return await load();
    } catch (err) {
      if (!retryable(err)) throw err;
      if (!deps.online()) {
        await deps.untilOnline(); // not counted as a failure, however often
      } else {
        failures++;
        if (failures >= CHUNK_ATTEMPTS) throw err;
        await deps.sleep(RETRY_BASE_MS * 2 ** (failures - 1));
      }
      deps.beforeRetry();
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
