// Helpers for the connector tests (DESIGN §10): the MCP fixture server started by vitest's
// globalSetup (test/mcp-fixture/), and connectors made through the real API.
import { inject } from "vitest";
import type { ConnectorInfo } from "../schema/connectors";
import { api, type TestUser } from "./helpers";

export { FIXTURE_API_KEY } from "./mcp-fixture/constants";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the MCP fixture server (with its own OAuth server), e.g. http://127.0.0.1:40123 */
    MCP_FIXTURE: string;
    /** Base URL of the fixture's second server, which has no OAuth at all (/mcp, /keyed/mcp). */
    MCP_FIXTURE_PLAIN: string;
  }
}

export const fixtureUrl = (): string => inject("MCP_FIXTURE");
export const plainFixtureUrl = (): string => inject("MCP_FIXTURE_PLAIN");

/** Every token and client secret the fixture's authorization server has handed out. */
export async function fixtureIssued(): Promise<string[]> {
  return (await fetch(`${fixtureUrl()}/control/issued`)).json<string[]>();
}

/** A key of its own for each test, so side effects counted by the fixture never mix. */
export const uniqueKey = (): string => `k-${crypto.randomUUID().slice(0, 12)}`;

/** How many times the fixture ran a counted tool (`record`, `slow`) for `key`. */
export async function fixtureCount(key: string): Promise<number> {
  const res = await fetch(`${fixtureUrl()}/control/count?key=${encodeURIComponent(key)}`);
  return (await res.json<{ count: number }>()).count;
}

export type FixtureStats = {
  registrations: number;
  codeExchanges: number;
  refreshes: number;
  unauthorized: number;
};
export async function fixtureStats(): Promise<FixtureStats> {
  return (await fetch(`${fixtureUrl()}/control/stats`)).json<FixtureStats>();
}

/** Creates a connector through the API; fails the test unless it was created. */
export async function addConnector(
  user: TestUser,
  name: string,
  url = `${fixtureUrl()}/mcp`,
  headers?: Record<string, string>,
): Promise<ConnectorInfo> {
  const r = await api<ConnectorInfo>(user, "POST", "/api/connectors", {
    name,
    url,
    ...(headers ? { headers } : {}),
  });
  if (r.status !== 201) throw new Error(`connector create failed ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
