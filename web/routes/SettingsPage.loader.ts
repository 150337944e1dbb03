// Settings (routes/SettingsPage.tsx): the API tokens and the agent templates, in parallel. The
// account itself comes from the shell.
import type { LoaderFunctionArgs } from "react-router";
import { api } from "../lib/api";
import { settle } from "../lib/loaders";

export async function loader({ request }: LoaderFunctionArgs) {
  const [tokens, templates] = await Promise.all([
    settle(request, api.listTokens),
    settle(request, api.listTemplates),
  ]);
  return { tokens, templates };
}
