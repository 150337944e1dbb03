// Loader data that a page updates in place after its own writes (no refetch). A fresh load (a
// revalidation) replaces the local edits.
import { useCallback, useState } from "react";

export function usePatchable<T>(loaded: T): [T, (fn: (prev: T) => T) => void] {
  const [state, setState] = useState({ loaded, value: loaded });
  let current = state;
  if (state.loaded !== loaded) {
    current = { loaded, value: loaded };
    setState(current);
  }
  const patch = useCallback((fn: (prev: T) => T) => setState((s) => ({ ...s, value: fn(s.value) })), []);
  return [current.value, patch];
}
