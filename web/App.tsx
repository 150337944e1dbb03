// Routes. Auth pages load eagerly (they're small and the first thing a visitor sees); every
// signed-in page is its own chunk so the initial download stays small, and has a route loader in a
// small chunk of its own next to it (routes/<Page>.loader.ts), so a page's data is requested while
// its code is still downloading. The shell's loader (/api/me) runs alongside. How data loads:
// web/README.md.
import type { ComponentType } from "react";
import {
  createBrowserRouter,
  type LoaderFunction,
  type RouteObject,
  type ShouldRevalidateFunction,
} from "react-router";
import { AppShell, ShellFallback, shellLoader, shellShouldRevalidate } from "./components/AppShell";
import { RouteError } from "./components/RouteError";
import { SHELL_ROUTE } from "./hooks/useMe";
import { chunk, loadChunk } from "./lib/chunks";
import { AuthPage } from "./routes/AuthPage";

type PageModule = { default: ComponentType };
type LoaderModule = { loader: LoaderFunction; shouldRevalidate?: ShouldRevalidateFunction };

const defaultExport = (load: () => Promise<PageModule>) => async () => (await loadChunk(load)).default;

/**
 * A lazy page: react-router fetches each property of a lazy object at once, and runs the loader as
 * soon as its own chunk is in, while the component's chunk (and its styles) may still be on the way.
 * Both go through loadChunk, which waits out offline spells and recovers failed stylesheets.
 */
function page(component: () => Promise<PageModule>, data?: () => Promise<LoaderModule>): RouteObject["lazy"] {
  const loaderModule = data && chunk(data);
  return {
    Component: defaultExport(component),
    ...(loaderModule && {
      loader: async () => (await loaderModule()).loader,
      shouldRevalidate: async () => (await loaderModule()).shouldRevalidate,
    }),
  };
}

/** The route tree; new objects per router, as react-router writes the loaded properties into them. */
export const routes = (): RouteObject[] => [
  { path: "/login", element: <AuthPage mode="login" />, errorElement: <RouteError /> },
  { path: "/signup", element: <AuthPage mode="signup" />, errorElement: <RouteError /> },
  {
    id: SHELL_ROUTE,
    Component: AppShell,
    loader: shellLoader,
    shouldRevalidate: shellShouldRevalidate,
    HydrateFallback: ShellFallback,
    errorElement: <RouteError />,
    children: [
      {
        // A page's error or not-found view shows inside the shell.
        errorElement: <RouteError />,
        children: [
          {
            index: true,
            lazy: page(
              () => import("./routes/OrchestratorsPage"),
              () => import("./routes/OrchestratorsPage.loader"),
            ),
          },
          {
            path: "o/:id",
            lazy: page(
              () => import("./routes/OrchestratorPage"),
              () => import("./routes/OrchestratorPage.loader"),
            ),
          },
          {
            path: "o/:id/agents/:agentId",
            lazy: page(
              () => import("./routes/AgentPage"),
              () => import("./routes/AgentPage.loader"),
            ),
          },
          {
            path: "o/:id/files",
            lazy: page(
              () => import("./routes/FilesPage"),
              () => import("./routes/FilesPage.loader"),
            ),
          },
          {
            path: "usage",
            lazy: page(
              () => import("./routes/UsagePage"),
              () => import("./routes/UsagePage.loader"),
            ),
          },
          {
            path: "settings",
            lazy: page(
              () => import("./routes/SettingsPage"),
              () => import("./routes/SettingsPage.loader"),
            ),
          },
          {
            path: "docs",
            lazy: page(
              () => import("./routes/DocsPage"),
              () => import("./routes/DocsPage.loader"),
            ),
          },
          { path: "*", lazy: page(() => import("./routes/NotFoundPage")) },
        ],
      },
    ],
  },
];

/** The app's router. Creating it starts the first page's loaders and chunks, before React renders. */
export function createAppRouter() {
  return createBrowserRouter(routes());
}
