// Route table: connectors — remote MCP servers whose tools orchestrators and agents use (DESIGN §10).
import {
  connectorList,
  connectorSchema,
  createConnectorBody,
  updateConnectorBody,
} from "../../../schema/api";
import type { RouteSpec } from "./route-spec";

const connector = { connectorId: "connector" } as const;

const URL_RULES =
  "The URL must be https and must not point at a private, loopback or link-local address " +
  "(unless the server runs with ALLOW_PRIVATE_CONNECTORS=1, for local development).";

const CONNECTS =
  "Baton connects at once (within a time limit) and lists the server's tools: the answer's `status` is `ok`, " +
  "`needs_auth` with `authorizeUrl` (a server that uses the MCP authorization flow: open the URL in the browser) " +
  "or `error` with a `message`.";

export const connectorRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/connectors",
    operationId: "listConnectors",
    summary: "Your connectors, with their status and tools",
    tag: "Connectors",
    auth: "caller",
    ok: { status: 200, description: "Your connectors, oldest first", schema: connectorList },
  },
  {
    method: "POST",
    path: "/api/connectors",
    operationId: "createConnector",
    summary: "Connect a remote MCP server (Streamable HTTP)",
    description:
      "`name` becomes part of its tools' names: `mcp__<name>__<tool>`. `headers` (e.g. `Authorization`) are " +
      `sent with every request and kept encrypted; they are never shown again (only their names). ${URL_RULES} ` +
      `${CONNECTS} Enable it on an orchestrator with \`PATCH /api/orchestrators/{id}\` \`{connectors:[id]}\`.`,
    tag: "Connectors",
    auth: "caller",
    body: {
      type: "json",
      schema: createConnectorBody,
      example: {
        name: "tickets",
        url: "https://mcp.example.com/mcp",
        headers: { Authorization: "Bearer …" },
      },
    },
    ok: { status: 201, description: "Created (whatever the connection found)", schema: connectorSchema },
    errors: {
      connector_name_taken: "you already have a connector with that name",
      too_many_connectors: "you already have the most connectors allowed",
      not_configured: "it has secrets and the server has no BATON_SECRET_KEY to keep them with",
    },
  },
  {
    method: "GET",
    path: "/api/connectors/{connectorId}",
    operationId: "getConnector",
    summary: "A connector, with its status and tools",
    tag: "Connectors",
    auth: "caller",
    params: connector,
    ok: { status: 200, description: "The connector", schema: connectorSchema },
  },
  {
    method: "PATCH",
    path: "/api/connectors/{connectorId}",
    operationId: "updateConnector",
    summary: "Rename a connector, or change its URL or headers",
    description:
      "`headers` replaces all of them (`null` clears). A new URL or headers reconnects and re-lists the tools; " +
      "a new URL also forgets the OAuth sign-in. Renaming renames its tools (`mcp__<name>__<tool>`): update " +
      `tool policies that name them. ${URL_RULES}`,
    tag: "Connectors",
    auth: "caller",
    params: connector,
    body: { type: "json", schema: updateConnectorBody, example: { name: "tickets-eu" } },
    ok: { status: 200, description: "Updated", schema: connectorSchema },
    errors: {
      connector_name_taken: "you already have a connector with that name",
      not_configured: "it has secrets and the server has no BATON_SECRET_KEY to keep them with",
    },
  },
  {
    method: "DELETE",
    path: "/api/connectors/{connectorId}",
    operationId: "deleteConnector",
    summary: "Delete a connector and its secrets; orchestrators using it lose its tools",
    tag: "Connectors",
    auth: "caller",
    params: connector,
    ok: { status: 204, description: "Deleted" },
  },
  {
    method: "POST",
    path: "/api/connectors/{connectorId}/refresh",
    operationId: "refreshConnector",
    summary: "Reconnect and re-list the server's tools",
    description: `${CONNECTS} Orchestrators using it (and their agents) get the new tool list.`,
    tag: "Connectors",
    auth: "caller",
    params: connector,
    ok: { status: 200, description: "The connector as the server answered", schema: connectorSchema },
  },
  {
    method: "POST",
    path: "/api/connectors/{connectorId}/authorize",
    operationId: "authorizeConnector",
    summary: "Start (or continue) signing in to a server that uses OAuth",
    description:
      "Answers the connector with `authorizeUrl` when the server needs a sign-in: open it in the browser; the " +
      "server sends the browser back to `/api/connectors/oauth/callback`, which finishes and returns to Settings. " +
      "A connector already signed in (or without OAuth) is refreshed and answers without `authorizeUrl`.",
    tag: "Connectors",
    auth: "caller",
    params: connector,
    ok: {
      status: 200,
      description: "The connector, with authorizeUrl if a sign-in is needed",
      schema: connectorSchema,
    },
  },
  {
    method: "GET",
    path: "/api/connectors/oauth/callback",
    operationId: "connectorOAuthCallback",
    summary: "Where a server's sign-in page sends the browser back (OAuth redirect URI)",
    description:
      "Takes the authorization server's `code` and `state` (or `error`) as query parameters. The state is bound to " +
      "your account and the connector, and works once, for 15 minutes. Finishes the sign-in (tokens are kept " +
      "encrypted and refreshed by Baton), lists the tools, and redirects to " +
      "`/settings?connector=<id>&oauth=connected#connectors` (or `oauth=failed&reason=…`). Needs the browser session.",
    tag: "Connectors",
    auth: "caller",
    ok: { status: 302, description: "Back to the Connectors settings" },
  },
];
