// The signed-in user: loaded by the app shell's route loader (components/AppShell.tsx) before any
// signed-in page renders, and shared with every page below it.
import { useRevalidator, useRouteLoaderData } from "react-router";
import type { Me } from "../../schema/api";

/** The route id of the app shell, whose loader answers /api/me. */
export const SHELL_ROUTE = "shell";
/** `me` is null only on a page open to everyone (PUBLIC_PAGES in AppShell) visited signed out. */
export type ShellData = { me: Me | null };

export function useMe(): {
  /** Null outside the signed-in app (tests, the sign-in page) and on a public page signed out. */
  me: Me | null;
  /** Loads the account again (and the current page's data with it). */
  refresh: () => Promise<void>;
} {
  const data = useRouteLoaderData<ShellData>(SHELL_ROUTE);
  const { revalidate } = useRevalidator();
  return { me: data?.me ?? null, refresh: revalidate };
}
