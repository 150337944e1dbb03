// A link that opens the orchestrator's settings panel (`/o/:id?settings=<field>`), from anywhere
// under /o/:id — e.g. a "Budget exceeded" notice in the chat or on an agent's page.
import type { ReactNode } from "react";
import { Link, useInRouterContext, useParams } from "react-router";
import "../../styles/orchestrator-settings.css";

/** The settings panel's fields a link can open it at. */
export type SettingsFocus = "open" | "budget" | "tools" | "thinking";

export const settingsSearch = (focus: SettingsFocus) => `?settings=${focus}`;

function RoutedSettingsLink({ focus, children }: { focus: SettingsFocus; children: ReactNode }) {
  const { id } = useParams();
  if (!id) return null;
  return (
    <Link className="notice-link" to={{ pathname: `/o/${id}`, search: settingsSearch(focus) }}>
      {children}
    </Link>
  );
}

export function SettingsLink(props: { focus: SettingsFocus; children: ReactNode }) {
  // Outside a router (a transcript rendered on its own) there is nowhere to go.
  return useInRouterContext() ? <RoutedSettingsLink {...props} /> : null;
}
