// Routes. Auth pages load eagerly (they're small and the first thing a visitor sees); every
// signed-in page is its own chunk so the initial download stays small.
import { createBrowserRouter, RouterProvider } from "react-router";
import { AppShell } from "./components/AppShell";
import { RouteError } from "./components/RouteError";
import { MeProvider } from "./hooks/useMe";
import { loadChunk } from "./lib/chunks";
import { AuthPage } from "./routes/AuthPage";

const lazy = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await loadChunk(load)).default,
});

export const routes = [
  { path: "/login", element: <AuthPage mode="login" />, errorElement: <RouteError /> },
  { path: "/signup", element: <AuthPage mode="signup" />, errorElement: <RouteError /> },
  {
    element: <AppShell />,
    errorElement: <RouteError />,
    children: [
      { index: true, lazy: lazy(() => import("./routes/OrchestratorsPage")) },
      { path: "o/:id", lazy: lazy(() => import("./routes/OrchestratorPage")) },
      { path: "o/:id/agents/:agentId", lazy: lazy(() => import("./routes/AgentPage")) },
      { path: "o/:id/files", lazy: lazy(() => import("./routes/FilesPage")) },
      { path: "usage", lazy: lazy(() => import("./routes/UsagePage")) },
      { path: "settings", lazy: lazy(() => import("./routes/SettingsPage")) },
      { path: "docs", lazy: lazy(() => import("./routes/DocsPage")) },
      { path: "*", lazy: lazy(() => import("./routes/NotFoundPage")) },
    ],
  },
];

const router = createBrowserRouter(routes);

export function App() {
  return (
    <MeProvider>
      <RouterProvider router={router} />
    </MeProvider>
  );
}
