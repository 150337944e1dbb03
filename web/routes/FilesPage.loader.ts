// The workspace (routes/FilesPage.tsx): every file's metadata; the tree then follows file.changed
// events, and a file's content loads when it is selected.
import type { LoaderFunctionArgs, ShouldRevalidateFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { isNotFound, notFound, settle } from "../lib/loaders";
import { ORCHESTRATOR_NOT_FOUND } from "./OrchestratorPage.loader";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const files = await settle(request, () => api.listFiles(params.id ?? ""));
  if (isNotFound(files.error)) notFound(ORCHESTRATOR_NOT_FOUND);
  return files;
}

/** Selecting a file (`?path=`) keeps the listing: the stream keeps it current. */
export function shouldRevalidate({
  currentUrl,
  nextUrl,
  defaultShouldRevalidate,
}: ShouldRevalidateFunctionArgs) {
  if (currentUrl.pathname === nextUrl.pathname && currentUrl.search !== nextUrl.search) return false;
  return defaultShouldRevalidate;
}
