// The control room (routes/OrchestratorPage.tsx): the orchestrator's record. An id that isn't one
// of the caller's shows the not-found view before the page (and its stream) starts.
import type { LoaderFunctionArgs, ShouldRevalidateFunctionArgs } from "react-router";
import type { OrchestratorInfo } from "../../schema/api";
import { markdownReady } from "../components/Markdown";
import { api } from "../lib/api";
import { isNotFound, type NotFound, notFound, settle } from "../lib/loaders";

export const ORCHESTRATOR_NOT_FOUND: NotFound = {
  title: "Orchestrator not found",
  detail: "It may have been deleted, or it belongs to another account.",
  back: { to: "/", label: "Back to orchestrators" },
};

/** The orchestrator of an `/o/:id/…` page, or the not-found view. Null when it couldn't be loaded. */
export async function loadOrchestrator(request: Request, id: string): Promise<OrchestratorInfo | null> {
  const loaded = await settle(request, () => api.getOrchestrator(id));
  if (isNotFound(loaded.error)) notFound(ORCHESTRATOR_NOT_FOUND);
  // Another failure: the page still works from the stream, which reports its own trouble.
  return loaded.data ?? null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  // The chat draws as markdown from the first frame: no raw text that re-lays out when the renderer comes.
  const [orchestrator] = await Promise.all([loadOrchestrator(request, params.id ?? ""), markdownReady()]);
  return { orchestrator };
}

/** Opening or closing the settings panel (`?settings=`) keeps the data: the panel saves it itself. */
export function shouldRevalidate({
  currentUrl,
  nextUrl,
  defaultShouldRevalidate,
}: ShouldRevalidateFunctionArgs) {
  if (currentUrl.pathname === nextUrl.pathname && currentUrl.search !== nextUrl.search) return false;
  return defaultShouldRevalidate;
}
