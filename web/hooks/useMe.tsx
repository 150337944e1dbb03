// The signed-in user, loaded once and shared: who they are, and whether the model is simulated.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { Me } from "../../schema/api";
import { ApiError } from "../lib/http";
import { session } from "../lib/session";

type MeState = {
  me: Me | null;
  /** "loading" while the first /api/me is in flight. */
  status: "loading" | "signed_in" | "signed_out" | "error";
  error: ApiError | null;
  refresh: () => Promise<Me | null>;
  setMe: (me: Me | null) => void;
};

const MeContext = createContext<MeState | null>(null);

export function MeProvider({ children, initial }: { children: ReactNode; initial?: Me | null }) {
  const [me, setMeState] = useState<Me | null>(initial ?? null);
  const [status, setStatus] = useState<MeState["status"]>(
    initial === undefined ? "loading" : initial ? "signed_in" : "signed_out",
  );
  const [error, setError] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    try {
      const next = await session.me();
      setMeState(next);
      setStatus("signed_in");
      setError(null);
      return next;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        setMeState(null);
        setStatus("signed_out");
        return null;
      }
      setError(e instanceof ApiError ? e : new ApiError(0, "client_error", String(e)));
      setStatus("error");
      return null;
    }
  }, []);

  useEffect(() => {
    if (initial === undefined) void refresh();
  }, [initial, refresh]);

  const setMe = useCallback((next: Me | null) => {
    setMeState(next);
    setStatus(next ? "signed_in" : "signed_out");
  }, []);

  const value = useMemo(() => ({ me, status, error, refresh, setMe }), [me, status, error, refresh, setMe]);
  return <MeContext.Provider value={value}>{children}</MeContext.Provider>;
}

export function useMe(): MeState {
  const ctx = useContext(MeContext);
  if (!ctx) throw new Error("useMe outside MeProvider");
  return ctx;
}
