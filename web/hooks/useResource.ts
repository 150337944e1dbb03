// Loads something from the API when its key changes, with reload and local patching. Cancels
// stale answers so a fast navigation never shows the previous page's data. Only for data that
// follows state inside a page (a page's own data comes from its route loader, lib/loaders.ts).
import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiError } from "../lib/http";
import { asApiError } from "../lib/loaders";

export type Resource<T> = {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => Promise<void>;
  /** Local update after a successful write, without a refetch. */
  setData: (fn: (prev: T | undefined) => T | undefined) => void;
};

export function useResource<T>(load: () => Promise<T>, key: string): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const run = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine !== generation.current) return;
      setDataState(value);
      setError(null);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(asApiError(e));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` says when to load again.
  useEffect(() => {
    setDataState(undefined);
    void run();
  }, [key, run]);

  const setData = useCallback((fn: (prev: T | undefined) => T | undefined) => setDataState(fn), []);
  return { data, error, loading, reload: run, setData };
}
