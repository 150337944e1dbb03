// Connectors in D1 (DESIGN §10), always scoped to their user. Secrets go in and out only through
// here, sealed with the deployment key (auth/secrets.ts) and bound to the row and column they live
// in: `secrets` holds {headers, query}, `oauth` the OAuth client state. Rows are never returned to
// callers of the API as they are: see toInfo() in api/connectors.ts.
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { and, count, eq, gt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { CONNECTOR_LIMITS, type ConnectorSnapshot, mcpToolName } from "../../schema/connectors";
import { connectors, orchestrators } from "../../schema/d1";
import { SecretBox } from "../auth/secrets";
import { ApiError } from "../http/errors";

export type ConnectorRow = typeof connectors.$inferSelect;
export type StoredTool = ConnectorRow["tools"][number];
export type ConnectorSecrets = { headers: Record<string, string>; query: string };

/** What an OAuth client keeps between the steps of the flow, and its tokens (all sealed). */
export type OAuthData = {
  /** The callback URL registered with the server (the origin Baton was reached at when it began). */
  redirectUrl?: string;
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  codeVerifier?: string;
  /** Discovery results (authorization server, metadata): plain JSON, cached to skip rediscovery. */
  discovery?: Record<string, unknown>;
};

const boundSecrets = (id: string) => `connector:${id}:secrets`;
const boundOAuth = (id: string) => `connector:${id}:oauth`;

export const newConnectorId = () => `con_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;

const db = (env: Env) => drizzle(env.DB);
const mine = (userId: string, id: string) => and(eq(connectors.id, id), eq(connectors.userId, userId));

export async function listConnectors(env: Env, userId: string): Promise<ConnectorRow[]> {
  return db(env)
    .select()
    .from(connectors)
    .where(eq(connectors.userId, userId))
    .orderBy(connectors.createdAt, connectors.id);
}

export async function getConnector(env: Env, userId: string, id: string): Promise<ConnectorRow | null> {
  const [row] = await db(env).select().from(connectors).where(mine(userId, id));
  return row ?? null;
}

/** Those of `ids` the user owns, in the order asked. */
export async function connectorsById(
  env: Env,
  userId: string,
  ids: readonly string[],
): Promise<ConnectorRow[]> {
  if (!ids.length) return [];
  const rows = await listConnectors(env, userId);
  return ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is ConnectorRow => !!r);
}

/** Query string and headers, sealed; null when there are none. */
async function sealSecrets(env: Env, id: string, s: ConnectorSecrets): Promise<string | null> {
  if (!s.query && !Object.keys(s.headers).length) return null;
  return SecretBox.require(env).seal(JSON.stringify(s), boundSecrets(id));
}

export async function readSecrets(env: Env, row: ConnectorRow): Promise<ConnectorSecrets> {
  if (!row.secrets) return { headers: {}, query: "" };
  return JSON.parse(await SecretBox.require(env).open(row.secrets, boundSecrets(row.id))) as ConnectorSecrets;
}

/** The URL Baton calls: the stored endpoint with its (secret) query string. */
export const endpointOf = (row: ConnectorRow, s: ConnectorSecrets): URL => {
  const url = new URL(row.url);
  url.search = s.query;
  return url;
};

const nameTaken = (name: string) =>
  new ApiError(409, "connector_name_taken", `You already have a connector named ${name}.`, {
    issues: [{ field: "name", message: "is taken" }],
  });

/** A D1 unique-constraint failure (drizzle wraps the driver's error as its `cause`). */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (String((e as { message?: unknown }).message ?? e).includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

/** Splits a checked URL into what is stored in clear (no query) and the secret query. */
function split(url: URL): { clear: string; query: string; queryNames: string[] } {
  const clear = new URL(url.href);
  clear.search = "";
  return { clear: clear.href, query: url.search, queryNames: [...new Set(url.searchParams.keys())] };
}

export async function insertConnector(
  env: Env,
  userId: string,
  input: { name: string; url: URL; headers: Record<string, string> },
): Promise<ConnectorRow> {
  const live = await db(env).select({ n: count() }).from(connectors).where(eq(connectors.userId, userId));
  if ((live[0]?.n ?? 0) >= CONNECTOR_LIMITS.perUser) {
    throw new ApiError(
      409,
      "too_many_connectors",
      `You already have ${CONNECTOR_LIMITS.perUser} connectors; delete one before adding another.`,
    );
  }
  const id = newConnectorId();
  const { clear, query, queryNames } = split(input.url);
  const now = Date.now();
  try {
    const [row] = await db(env)
      .insert(connectors)
      .values({
        id,
        userId,
        name: input.name,
        url: clear,
        queryNames,
        headerNames: Object.keys(input.headers),
        secrets: await sealSecrets(env, id, { headers: input.headers, query }),
        status: "error",
        message: "Not connected yet.",
        tools: [],
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

/**
 * Applies a PATCH. A new URL drops the OAuth state (its tokens belong to the old server) and the
 * tool list; `headers` replaces them all (null clears).
 */
export async function updateConnector(
  env: Env,
  row: ConnectorRow,
  patch: { name?: string; url?: URL; headers?: Record<string, string> | null },
): Promise<ConnectorRow> {
  const set: Partial<typeof connectors.$inferInsert> = { updatedAt: Date.now() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.url !== undefined || patch.headers !== undefined) {
    const old = await readSecrets(env, row);
    const next: ConnectorSecrets = {
      headers: patch.headers === undefined ? old.headers : (patch.headers ?? {}),
      query: old.query,
    };
    if (patch.url !== undefined) {
      const { clear, query, queryNames } = split(patch.url);
      next.query = query;
      set.url = clear;
      set.queryNames = queryNames;
      if (clear !== row.url || query !== old.query) {
        Object.assign(set, { oauth: null, oauthStateHash: null, oauthStateExpiresAt: null, tools: [] });
      }
    }
    set.headerNames = Object.keys(next.headers);
    set.secrets = await sealSecrets(env, row.id, next);
  }
  try {
    const [updated] = await db(env).update(connectors).set(set).where(mine(row.userId, row.id)).returning();
    if (!updated) throw new ApiError(404, "not_found", "That connector was not found.");
    return updated;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(patch.name ?? row.name);
    throw err;
  }
}

/** Records what the last connection attempt found (and the tools it listed, when it got that far). */
export async function saveStatus(
  env: Env,
  row: ConnectorRow,
  status: ConnectorRow["status"],
  message: string | null,
  tools?: StoredTool[],
): Promise<ConnectorRow> {
  const now = Date.now();
  const [updated] = await db(env)
    .update(connectors)
    .set({ status, message, ...(tools ? { tools, lastRefreshedAt: now } : {}), updatedAt: now })
    .where(mine(row.userId, row.id))
    .returning();
  return updated ?? row;
}

export async function deleteConnector(env: Env, userId: string, id: string): Promise<boolean> {
  const gone = await db(env).delete(connectors).where(mine(userId, id)).returning({ id: connectors.id });
  return gone.length > 0;
}

// ---- OAuth client state ----

/** The OAuth state as stored now (read afresh: a flow may have moved on since `row` was read). */
export async function readOAuth(env: Env, row: ConnectorRow): Promise<OAuthData> {
  const [fresh] = await db(env)
    .select({ oauth: connectors.oauth })
    .from(connectors)
    .where(mine(row.userId, row.id));
  if (!fresh?.oauth) return {};
  return JSON.parse(await SecretBox.require(env).open(fresh.oauth, boundOAuth(row.id))) as OAuthData;
}

export async function writeOAuth(env: Env, row: ConnectorRow, data: OAuthData | null): Promise<void> {
  const sealed = data ? await SecretBox.require(env).seal(JSON.stringify(data), boundOAuth(row.id)) : null;
  await db(env).update(connectors).set({ oauth: sealed }).where(mine(row.userId, row.id));
}

/** Remembers the hash of the `state` of a sign-in just started (one at a time per connector). */
export async function setOAuthState(
  env: Env,
  row: ConnectorRow,
  stateHash: string,
  ttlMs: number,
): Promise<void> {
  await db(env)
    .update(connectors)
    .set({ oauthStateHash: stateHash, oauthStateExpiresAt: Date.now() + ttlMs })
    .where(mine(row.userId, row.id));
}

/**
 * The connector whose sign-in `stateHash` belongs to, if it is this user's and still fresh; the
 * state is used up either way (single use: a replayed callback finds nothing).
 */
export async function takeOAuthState(
  env: Env,
  userId: string,
  stateHash: string,
): Promise<ConnectorRow | null> {
  const [row] = await db(env)
    .update(connectors)
    .set({ oauthStateHash: null, oauthStateExpiresAt: null })
    .where(
      and(
        eq(connectors.oauthStateHash, stateHash),
        eq(connectors.userId, userId),
        gt(connectors.oauthStateExpiresAt, Date.now()),
      ),
    )
    .returning();
  return row ?? null;
}

// ---- orchestrators that use a connector ----

/** The user's orchestrators that have `connectorId` enabled. */
export async function orchestratorsUsing(env: Env, userId: string, connectorId: string): Promise<string[]> {
  const rows = await db(env)
    .select({ id: orchestrators.id })
    .from(orchestrators)
    .where(
      and(
        eq(orchestrators.userId, userId),
        sql`EXISTS (SELECT 1 FROM json_each(${orchestrators.connectors}) WHERE value = ${connectorId})`,
      ),
    );
  return rows.map((r) => r.id);
}

/** Takes a deleted connector off every orchestrator of the user. */
export async function disableEverywhere(env: Env, userId: string, connectorId: string): Promise<string[]> {
  const ids = await orchestratorsUsing(env, userId, connectorId);
  if (!ids.length) return [];
  await db(env)
    .update(orchestrators)
    .set({
      connectors: sql`(SELECT json_group_array(value) FROM json_each(${orchestrators.connectors}) WHERE value != ${connectorId})`,
    })
    .where(
      and(
        eq(orchestrators.userId, userId),
        sql`EXISTS (SELECT 1 FROM json_each(${orchestrators.connectors}) WHERE value = ${connectorId})`,
      ),
    );
  return ids;
}

/**
 * Snapshots within CONNECTOR_LIMITS.snapshotChars: the largest input schemas give way to a bare
 * object schema (the tool stays, described by its description) until they fit.
 */
export function fitSnapshots(snapshots: ConnectorSnapshot[]): ConnectorSnapshot[] {
  let size = JSON.stringify(snapshots).length;
  if (size <= CONNECTOR_LIMITS.snapshotChars) return snapshots;
  const out = snapshots.map((s) => ({ ...s, tools: s.tools.map((t) => ({ ...t })) }));
  const bySize = out
    .flatMap((s) => s.tools)
    .map((t) => ({ t, chars: JSON.stringify(t.inputSchema).length }))
    .sort((a, b) => b.chars - a.chars);
  for (const { t, chars } of bySize) {
    if (size <= CONNECTOR_LIMITS.snapshotChars) break;
    t.inputSchema = { type: "object" };
    size -= chars - 17;
  }
  return out;
}

/** What an object keeps of a connector: its tools under their model-facing names, no secrets. */
export const toSnapshot = (row: ConnectorRow): ConnectorSnapshot => ({
  id: row.id,
  name: row.name,
  tools: row.tools.map((t) => ({
    name: mcpToolName(row.name, t.key),
    tool: t.tool,
    description: t.description,
    inputSchema: t.inputSchema,
  })),
});
