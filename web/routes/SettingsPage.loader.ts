// Settings (routes/SettingsPage.tsx): the API tokens, the agent templates and the connectors, in
// parallel. The account itself comes from the shell.
import type { LoaderFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { connectorApi } from "../lib/connectors";
import { settle } from "../lib/loaders";

export async function loader({ request }: LoaderFunctionArgs) {
  const [tokens, templates, connectors] = await Promise.all([
    settle(request, api.listTokens),
    settle(request, api.listTemplates),
    settle(request, connectorApi.list),
  ]);
  return { tokens, templates, connectors };
}
