// /api/connectors (DESIGN §10): a user's remote MCP servers. Every route is scoped to the caller (a
// foreign id is a 404). Answers never carry a secret: header names but not values, the URL with its
// query values masked, `hasSecret`. Changes reach the orchestrators that use a connector (and their
// agents) as a new snapshot of its tools.
import type { Context } from "hono";
import { Hono } from "hono";
import { createConnectorBody, updateConnectorBody } from "../../schema/api";
import type { ConnectorInfo } from "../../schema/connectors";
import { sha256Hex } from "../auth/crypto";
import { requireAuth } from "../auth/middleware";
import { SecretKeyMissing } from "../auth/secrets";
import {
  type ConnectorRow,
  deleteConnector,
  disableEverywhere,
  getConnector,
  insertConnector,
  listConnectors,
  orchestratorsUsing,
  saveStatus,
  takeOAuthState,
  toSnapshot,
  updateConnector,
} from "../db/connectors";
import type { AppEnv } from "../http/context";
import { ApiError, notFound } from "../http/errors";
import { readJson } from "../http/validate";
import { checkConnectorUrl } from "../policy/connector-url";
import { finishSignIn, refreshConnector } from "../tools/mcp/client";
import { callbackUrl } from "../tools/mcp/oauth-provider";
import { pushConnectors } from "./connector-sync";

/** The connector as the API shows it. */
export function toInfo(row: ConnectorRow, authorizeUrl?: string): ConnectorInfo {
  const query = row.queryNames.map((n) => `${encodeURIComponent(n)}=***`).join("&");
  return {
    id: row.id,
    name: row.name,
    url: query ? `${row.url}?${query}` : row.url,
    headerNames: row.headerNames,
    hasSecret: row.secrets !== null || row.oauth !== null,
    auth: row.oauth !== null ? "oauth" : "none",
    status: row.status,
    message: row.message,
    ...(authorizeUrl && row.status === "needs_auth" ? { authorizeUrl } : {}),
    tools: toSnapshot(row).tools,
    lastRefreshedAt: row.lastRefreshedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function checkedUrl(raw: string, env: Env): URL {
  const r = checkConnectorUrl(raw, env);
  if ("problem" in r) {
    throw new ApiError(400, "invalid_request", `Invalid body. url: ${r.problem}.`, {
      issues: [{ field: "url", message: r.problem }],
    });
  }
  return r.url;
}

/** Secrets need the deployment key: without it, a clear 503 instead of an internal error. */
async function withKey<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SecretKeyMissing) {
      throw new ApiError(
        503,
        "not_configured",
        "This server can't keep connector secrets: its operator must set BATON_SECRET_KEY.",
      );
    }
    throw err;
  }
}

async function owned(c: Context<AppEnv>): Promise<ConnectorRow> {
  const row = await getConnector(c.env, c.var.caller.userId, c.req.param("connectorId") ?? "");
  if (!row) throw notFound("That connector");
  return row;
}

const redirectFor = (c: Context<AppEnv>) => callbackUrl(new URL(c.req.url).origin);

/** After a connector changed: every orchestrator using it gets its new tools. */
async function changed(c: Context<AppEnv>, row: ConnectorRow): Promise<void> {
  await pushConnectors(
    c.env,
    c.var.caller.userId,
    await orchestratorsUsing(c.env, c.var.caller.userId, row.id),
  );
}

const settingsUrl = (params: Record<string, string>) =>
  `/settings?${new URLSearchParams(params).toString()}#connectors`;

export const connectorRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => {
    const rows = await listConnectors(c.env, c.var.caller.userId);
    return c.json({ connectors: rows.map((r) => toInfo(r)) });
  })
  .post("/", async (c) => {
    const body = await readJson(c, createConnectorBody);
    const url = checkedUrl(body.url, c.env);
    const row = await withKey(() =>
      insertConnector(c.env, c.var.caller.userId, { name: body.name, url, headers: body.headers ?? {} }),
    );
    const r = await refreshConnector(c.env, row, { redirectUrl: redirectFor(c) });
    return c.json(toInfo(r.row, r.authorizeUrl), 201);
  })
  // The browser comes back here from the server's sign-in page (a top-level GET: the session cookie
  // rides along). Always a redirect to Settings, saying how it went; the state works once.
  .get("/oauth/callback", async (c) => {
    const q = new URL(c.req.url).searchParams;
    const state = q.get("state") ?? "";
    const code = q.get("code");
    const back = (params: Record<string, string>) => {
      c.header("Cache-Control", "no-store");
      return c.redirect(settingsUrl(params), 302);
    };
    if (!state || state.length > 512) return back({ oauth: "failed", reason: "invalid_state" });
    const row = await takeOAuthState(c.env, c.var.caller.userId, await sha256Hex(state));
    if (!row) return back({ oauth: "failed", reason: "invalid_state" });
    if (!code || code.length > 4096) {
      const error = (q.get("error") ?? "no_code").replace(/[^a-z_]/g, "").slice(0, 40) || "no_code";
      await saveStatus(c.env, row, "needs_auth", `The server did not grant access (${error}).`);
      return back({ connector: row.id, oauth: "failed", reason: error });
    }
    const r = await finishSignIn(c.env, row, code);
    await changed(c, r.row);
    return r.row.status === "ok"
      ? back({ connector: row.id, oauth: "connected" })
      : back({ connector: row.id, oauth: "failed", reason: r.row.status });
  })
  .get("/:connectorId", async (c) => c.json(toInfo(await owned(c))))
  .patch("/:connectorId", async (c) => {
    const row = await owned(c);
    const body = await readJson(c, updateConnectorBody);
    const url = body.url !== undefined ? checkedUrl(body.url, c.env) : undefined;
    let updated = await withKey(() =>
      updateConnector(c.env, row, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(url ? { url } : {}),
        ...(body.headers !== undefined ? { headers: body.headers } : {}),
      }),
    );
    let authorizeUrl: string | undefined;
    if (url || body.headers !== undefined) {
      const r = await refreshConnector(c.env, updated, { redirectUrl: redirectFor(c) });
      updated = r.row;
      authorizeUrl = r.authorizeUrl;
    }
    await changed(c, updated);
    return c.json(toInfo(updated, authorizeUrl));
  })
  .delete("/:connectorId", async (c) => {
    const row = await owned(c);
    const users = await disableEverywhere(c.env, c.var.caller.userId, row.id);
    if (!(await deleteConnector(c.env, c.var.caller.userId, row.id))) throw notFound("That connector");
    await pushConnectors(c.env, c.var.caller.userId, users);
    return c.body(null, 204);
  })
  .post("/:connectorId/refresh", async (c) => {
    const r = await refreshConnector(c.env, await owned(c), { redirectUrl: redirectFor(c) });
    await changed(c, r.row);
    return c.json(toInfo(r.row, r.authorizeUrl));
  })
  .post("/:connectorId/authorize", async (c) => {
    const r = await refreshConnector(c.env, await owned(c), { redirectUrl: redirectFor(c), fresh: true });
    await changed(c, r.row);
    return c.json(toInfo(r.row, r.authorizeUrl));
  });
