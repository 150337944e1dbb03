// Connectors (DESIGN §10): the /api/connectors helpers, typed and checked with schema/connectors.ts
// (every write tells lib/mcpNames.ts that tools may have changed), and the pages' small helpers.
import {
  type ConnectorInfo,
  type ConnectorTool,
  connectorList,
  connectorSchema,
} from "../../schema/connectors";
import { request } from "./http";
import { connectorsChanged } from "./mcpNames";

export type { ConnectorInfo, ConnectorTool };

const enc = encodeURIComponent;
const path = (id: string) => `/api/connectors/${enc(id)}`;

/** POST /api/connectors; PATCH takes any part (headers replace them all, null clears). */
export type ConnectorInput = { name: string; url: string; headers?: Record<string, string> };

const wrote = <T>(p: Promise<T>): Promise<T> => p.finally(connectorsChanged);

export const connectorApi = {
  list: async (): Promise<ConnectorInfo[]> =>
    (await request("GET", "/api/connectors", undefined, connectorList)).connectors,
  create: (body: ConnectorInput) => wrote(request("POST", "/api/connectors", body, connectorSchema)),
  update: (id: string, patch: Partial<ConnectorInput> & { headers?: Record<string, string> | null }) =>
    wrote(request("PATCH", path(id), patch, connectorSchema)),
  remove: (id: string) => wrote(request<unknown>("DELETE", path(id))),
  /** Reconnects and re-lists the tools ("Test"). */
  refresh: (id: string) => wrote(request("POST", `${path(id)}/refresh`, {}, connectorSchema)),
  /** Starts (or continues) an OAuth sign-in: the answer carries `authorizeUrl` when one is needed. */
  authorize: (id: string) => wrote(request("POST", `${path(id)}/authorize`, {}, connectorSchema)),
};

/** Where the browser goes to sign in (a seam for tests: happy-dom can't follow it). */
export const browser = {
  go(url: string): void {
    window.location.assign(url);
  },
};

/** Only a web address may be opened: never `javascript:` or the like from a server's metadata. */
export function safeAuthorizeUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

export const STATUS_LABEL: Record<ConnectorInfo["status"], { label: string; tone: string }> = {
  ok: { label: "Connected", tone: "badge-green" },
  needs_auth: { label: "Needs sign-in", tone: "badge-amber" },
  error: { label: "Error", tone: "badge-red" },
};
