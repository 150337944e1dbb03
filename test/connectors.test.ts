// DESIGN §10 connectors API, against a real MCP server (test/mcp-fixture/): create, list, read,
// rename, re-list, delete, per user; names are slugs, unique per user; secrets (header values, the
// URL's query, OAuth tokens and client secrets) never appear in an API answer nor in clear in D1; the
// MCP authorization flow end to end (dynamic registration, PKCE, a browser-style callback bound to
// the user and good once, tokens refreshed when they expire); URL rules.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ToolInfo } from "../schema/api";
import type { ConnectorInfo } from "../schema/connectors";
import { call, type ErrorBody, ORIGIN, signup } from "./auth-helpers";
import {
  addConnector,
  FIXTURE_API_KEY,
  fixtureCount,
  fixtureIssued,
  fixtureStats,
  fixtureUrl,
  plainFixtureUrl,
  uniqueKey,
} from "./connector-helpers";
import { api, createOrchestrator, makeUser, runsIdle, sim, type TestUser, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
type Err = { error: { code: string; message: string; details?: { issues: { field: string }[] } } };

/** The OAuth callback as a browser opens it: the session cookie, and the redirect not followed. */
function browse(path: string, cookie?: string): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, {
    redirect: "manual",
    headers: cookie ? { Cookie: `__Host-baton_session=${cookie}` } : {},
  });
}

async function row(id: string): Promise<Record<string, unknown>> {
  return (await env.DB.prepare("SELECT * FROM connectors WHERE id = ?").bind(id).first()) ?? {};
}

describe("connectors API", () => {
  it("create lists the server's tools; list, get, rename, refresh, delete; another user sees none", async () => {
    const user = await makeUser();
    const created = await addConnector(user, "fixture");
    expect(created).toMatchObject({
      name: "fixture",
      url: `${fixtureUrl()}/mcp`,
      status: "ok",
      message: null,
      auth: "none",
      hasSecret: false,
      headerNames: [],
    });
    expect(created.id).toMatch(/^con_/);
    expect(created.tools.map((t) => t.name)).toEqual([
      "mcp__fixture__record",
      "mcp__fixture__slow",
      "mcp__fixture__fail",
      "mcp__fixture__broken",
      "mcp__fixture__picture",
    ]);
    expect(created.tools[0]).toMatchObject({
      tool: "record",
      description: expect.stringContaining("Record a note"),
      inputSchema: { type: "object", required: ["key"] },
    });
    expect(created.lastRefreshedAt).toBeGreaterThan(0);

    const list = await api<{ connectors: ConnectorInfo[] }>(user, "GET", "/api/connectors");
    expect(list.body.connectors.map((c) => c.id)).toEqual([created.id]);
    const got = await api<ConnectorInfo>(user, "GET", `/api/connectors/${created.id}`);
    expect(got.body).toEqual(created);

    // The catalogue names its tools (they ask by default) and a wildcard for all of them.
    const catalogue = await api<{ tools: ToolInfo[] }>(user, "GET", "/api/tools");
    const mcp = catalogue.body.tools.filter((t) => t.kind === "mcp");
    expect(mcp.map((t) => t.name)).toEqual(["mcp__fixture__*", ...created.tools.map((t) => t.name)]);
    expect(new Set(mcp.map((t) => t.defaultPolicy))).toEqual(new Set(["ask"]));

    const renamed = await api<ConnectorInfo>(user, "PATCH", `/api/connectors/${created.id}`, {
      name: "notes",
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.tools[0]!.name).toBe("mcp__notes__record");
    const refreshed = await api<ConnectorInfo>(user, "POST", `/api/connectors/${created.id}/refresh`);
    expect(refreshed.body).toMatchObject({ status: "ok", name: "notes" });
    expect(refreshed.body.lastRefreshedAt).toBeGreaterThanOrEqual(created.lastRefreshedAt!);

    const other = await makeUser();
    expect((await api(other, "GET", `/api/connectors/${created.id}`)).status).toBe(404);
    expect((await api(other, "POST", `/api/connectors/${created.id}/refresh`)).status).toBe(404);
    expect((await api(other, "DELETE", `/api/connectors/${created.id}`)).status).toBe(404);
    expect((await api<{ connectors: unknown[] }>(other, "GET", "/api/connectors")).body.connectors).toEqual(
      [],
    );
    const foreign = await createOrchestrator(other);
    const enable = await api<Err>(other, "PATCH", `/api/orchestrators/${foreign}`, {
      connectors: [created.id],
    });
    expect(enable.status).toBe(400);
    expect(enable.body.error.message).toContain("connectors.0: is not one of your connectors");

    // Deleting it takes it off the orchestrators that had it.
    const id = await createOrchestrator(user);
    await api(user, "PATCH", `/api/orchestrators/${id}`, { connectors: [created.id] });
    expect((await api(user, "DELETE", `/api/connectors/${created.id}`)).status).toBe(204);
    expect((await api(user, "GET", `/api/connectors/${created.id}`)).status).toBe(404);
    const orch = await api<{ connectors: string[] }>(user, "GET", `/api/orchestrators/${id}`);
    expect(orch.body.connectors).toEqual([]);
    expect((await orchestrator(id).state()).kind).toBe("orchestrator");
  });

  it("names are slugs, unique per user (409 connector_name_taken)", async () => {
    const user = await makeUser();
    for (const name of ["Fixture", "a__b", "1abc", "trailing-", "x".repeat(25), "sp ace"]) {
      const r = await api<Err>(user, "POST", "/api/connectors", { name, url: `${fixtureUrl()}/mcp` });
      expect(r.status, name).toBe(400);
      expect(r.body.error.details?.issues[0]?.field, name).toBe("name");
    }
    await addConnector(user, "dup");
    const again = await api<Err>(user, "POST", "/api/connectors", {
      name: "dup",
      url: `${fixtureUrl()}/mcp`,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("connector_name_taken");
    const other = await addConnector(user, "other");
    const clash = await api<Err>(user, "PATCH", `/api/connectors/${other.id}`, { name: "dup" });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe("connector_name_taken");
    // Another user may use the same name.
    expect((await addConnector(await makeUser(), "dup")).status).toBe("ok");
  });

  it("URL rules: https for public hosts, no credentials in it, reserved headers refused", async () => {
    const user = await makeUser();
    const cases: [string, RegExp][] = [
      ["http://example.com/mcp", /must use https/],
      ["https://user:pw@example.com/mcp", /must not hold credentials/],
      ["ftp://example.com/mcp", /must be an https URL/],
      ["not a url", /must be an absolute URL/],
    ];
    for (const [url, why] of cases) {
      const r = await api<Err>(user, "POST", "/api/connectors", { name: "bad", url });
      expect(r.status, url).toBe(400);
      expect(r.body.error.code).toBe("invalid_request");
      expect(r.body.error.message, url).toMatch(/url: /);
      expect(r.body.error.message, url).toMatch(why);
    }
    const h = await api<Err>(user, "POST", "/api/connectors", {
      name: "bad",
      url: `${fixtureUrl()}/mcp`,
      headers: { Host: "evil" },
    });
    expect(h.status).toBe(400);
    expect(h.body.error.message).toMatch(/headers\.Host: is set by Baton itself/);
  });

  it("a server that answers 401 without OAuth, or isn't there: status error with a clear message", async () => {
    const user = await makeUser();
    const keyed = await addConnector(user, "keyed", `${plainFixtureUrl()}/keyed/mcp`);
    expect(keyed).toMatchObject({ status: "error", auth: "none", tools: [] });
    expect(keyed.message).toMatch(/401/);
    const gone = await addConnector(user, "gone", "http://127.0.0.1:9/mcp");
    expect(gone.status).toBe("error");
    expect(gone.message).toMatch(/can't be reached/);
  });
});

describe("connector secrets", () => {
  it("header values and the URL's query never appear in an answer, nor in clear in D1", async () => {
    const user = await makeUser();
    const querySecret = "q-secret-84c2e1a9d7";
    const seen: string[] = [];
    const hit = async <T>(method: string, path: string, body?: unknown) => {
      const r = await api<T>(user, method, path, body);
      seen.push(`${method} ${path} → ${JSON.stringify(r.body)}`);
      return r;
    };
    const created = await hit<ConnectorInfo>("POST", "/api/connectors", {
      name: "keyed",
      url: `${plainFixtureUrl()}/keyed/mcp?token=${querySecret}&team=7`,
      headers: { "X-Api-Key": FIXTURE_API_KEY },
    });
    expect(created.status).toBe(201);
    // The header reached the server (it answers only with it): tools were listed.
    expect(created.body).toMatchObject({
      status: "ok",
      hasSecret: true,
      headerNames: ["X-Api-Key"],
      url: `${plainFixtureUrl()}/keyed/mcp?token=***&team=***`,
    });
    const id = created.body.id;
    await hit("GET", "/api/connectors");
    await hit("GET", `/api/connectors/${id}`);
    await hit("POST", `/api/connectors/${id}/refresh`);
    await hit("POST", `/api/connectors/${id}/authorize`);
    await hit("GET", "/api/tools");
    const orch = await createOrchestrator(user, { toolPolicy: { "mcp__keyed__*": "allow" } });
    await hit("PATCH", `/api/orchestrators/${orch}`, { connectors: [id] });
    await hit("GET", `/api/orchestrators/${orch}`);
    // A call in a run sends the header too; the stream doesn't carry it.
    const key = uniqueKey();
    await api(user, "POST", `/api/orchestrators/${orch}/messages`, {
      text: sim([{ tools: [{ name: "mcp__keyed__record", input: { key } }] }, { text: "ok" }]),
    });
    await waitFor(orchestrator(orch), runsIdle(1));
    expect(await fixtureCount(key)).toBe(1);
    await hit("GET", `/api/orchestrators/${orch}/events?limit=1000`);
    // A wrong key: the server refuses, and the message quotes neither key.
    const wrong = await hit<ConnectorInfo>("PATCH", `/api/connectors/${id}`, {
      headers: { "X-Api-Key": "wrong-key-0000000000" },
    });
    expect(wrong.body.status).toBe("error");
    await hit("PATCH", `/api/connectors/${id}`, { headers: { "X-Api-Key": FIXTURE_API_KEY } });

    for (const text of seen) {
      expect(text).not.toContain(FIXTURE_API_KEY);
      expect(text).not.toContain(querySecret);
      expect(text).not.toContain("wrong-key-0000000000");
    }
    const stored = JSON.stringify(await row(id));
    expect(stored).not.toContain(FIXTURE_API_KEY);
    expect(stored).not.toContain(querySecret);
    expect((await row(id)).secrets).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const calls = await env.DB.prepare("SELECT * FROM tool_calls WHERE orchestrator_id = ?").bind(orch).all();
    expect(JSON.stringify(calls.results)).not.toContain(FIXTURE_API_KEY);
    // Clearing the headers: the server refuses again.
    const cleared = await api<ConnectorInfo>(user, "PATCH", `/api/connectors/${id}`, { headers: null });
    expect(cleared.body).toMatchObject({ headerNames: [], status: "error" });
  });
});

describe("OAuth connectors (MCP authorization flow)", () => {
  it("needs_auth → the browser signs in → callback (bound to the user, good once) → ok; tokens refresh", async () => {
    const owner = await signup();
    const intruder = await signup();
    const before = await fixtureStats();
    const created = await call("/api/connectors", {
      cookie: owner.cookie,
      body: { name: "secure", url: `${fixtureUrl()}/oauth/mcp` },
    });
    expect(created.status).toBe(201);
    const c = await created.json<ConnectorInfo>();
    expect(c).toMatchObject({ status: "needs_auth", auth: "oauth", hasSecret: true, tools: [] });
    const authorize = new URL(c.authorizeUrl!);
    expect(authorize.origin + authorize.pathname).toBe(`${fixtureUrl()}/authorize`);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toBe(
      "https://baton.test/api/connectors/oauth/callback",
    );
    expect((await fixtureStats()).registrations).toBe(before.registrations + 1);

    // The authorization server approves and sends the browser back with a code and the state.
    const consent = await fetch(authorize, { redirect: "manual" });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get("Location")!);
    expect(back.pathname).toBe("/api/connectors/oauth/callback");
    const callback = `${back.pathname}${back.search}`;

    // Someone else's session can't use it (and doesn't use it up).
    const stolen = await browse(callback, intruder.cookie);
    expect(stolen.status).toBe(302);
    expect(stolen.headers.get("Location")).toBe("/settings?oauth=failed&reason=invalid_state#connectors");
    // The owner's browser completes it.
    const done = await browse(callback, owner.cookie);
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe(`/settings?connector=${c.id}&oauth=connected#connectors`);
    expect(done.headers.get("Cache-Control")).toBe("no-store");
    // Good once.
    const replay = await browse(callback, owner.cookie);
    expect(replay.headers.get("Location")).toBe("/settings?oauth=failed&reason=invalid_state#connectors");

    const got = await call(`/api/connectors/${c.id}`, { cookie: owner.cookie });
    const signedIn = await got.json<ConnectorInfo>();
    expect(signedIn).toMatchObject({ status: "ok", auth: "oauth", message: null });
    expect(signedIn.tools).toHaveLength(5);

    // In a run: the token works, and once it expires Baton refreshes it and the call goes through.
    const token = (await call("/api/tokens", { cookie: owner.cookie, body: { name: "t" } }).then((r) =>
      r.json<{ secret: string }>(),
    )) as { secret: string };
    const user: TestUser = { id: owner.userId, token: token.secret, email: owner.email };
    const orch = await createOrchestrator(user, { toolPolicy: { "mcp__secure__*": "allow" } });
    await api(user, "PATCH", `/api/orchestrators/${orch}`, { connectors: [c.id] });
    const key = uniqueKey();
    const script = sim([{ tools: [{ name: "mcp__secure__record", input: { key } }] }, { text: "ok" }]);
    await api(user, "POST", `/api/orchestrators/${orch}/messages`, { text: script });
    await waitFor(orchestrator(orch), runsIdle(1));
    expect(await fixtureCount(key)).toBe(1);
    const refreshes = (await fixtureStats()).refreshes;
    await fetch(`${fixtureUrl()}/control/expire-tokens`, { method: "POST" });
    await api(user, "POST", `/api/orchestrators/${orch}/messages`, { text: script });
    const events = await waitFor(orchestrator(orch), runsIdle(2));
    expect(
      events.filter((e) => e.type === "tool.result").map((e) => (e as { isError: boolean }).isError),
    ).toEqual([false, false]);
    expect(await fixtureCount(key)).toBe(2);
    expect((await fixtureStats()).refreshes).toBe(refreshes + 1);

    // No token or client secret the server issued is in any answer or in clear in D1.
    const issued = await fixtureIssued();
    expect(issued.length).toBeGreaterThanOrEqual(4);
    const answers = [
      JSON.stringify(c),
      JSON.stringify(signedIn),
      await (await call("/api/connectors", { cookie: owner.cookie })).text(),
      await (await call(`/api/connectors/${c.id}/refresh`, { cookie: owner.cookie, body: {} })).text(),
      await (await call(`/api/orchestrators/${orch}/events?limit=1000`, { cookie: owner.cookie })).text(),
      JSON.stringify(await row(c.id)),
    ];
    for (const secret of issued) for (const text of answers) expect(text).not.toContain(secret);
  });

  it("a denied sign-in, and a fresh sign-in started with POST …/authorize", async () => {
    const owner = await signup();
    const created = await call("/api/connectors", {
      cookie: owner.cookie,
      body: { name: "secure", url: `${fixtureUrl()}/oauth/mcp` },
    });
    const c = await created.json<ConnectorInfo>();
    const first = new URL(c.authorizeUrl!).searchParams.get("state")!;
    const again = await call(`/api/connectors/${c.id}/authorize`, { cookie: owner.cookie, body: {} });
    const fresh = await again.json<ConnectorInfo>();
    expect(fresh.status).toBe("needs_auth");
    const state = new URL(fresh.authorizeUrl!).searchParams.get("state")!;
    expect(state).not.toBe(first);
    // Only the latest sign-in can finish.
    const old = await browse(
      `/api/connectors/oauth/callback?code=x&state=${encodeURIComponent(first)}`,
      owner.cookie,
    );
    expect(old.headers.get("Location")).toBe("/settings?oauth=failed&reason=invalid_state#connectors");
    const denied = await browse(
      `/api/connectors/oauth/callback?error=access_denied&state=${encodeURIComponent(state)}`,
      owner.cookie,
    );
    expect(denied.headers.get("Location")).toBe(
      `/settings?connector=${c.id}&oauth=failed&reason=access_denied#connectors`,
    );
    const after = await (
      await call(`/api/connectors/${c.id}`, { cookie: owner.cookie })
    ).json<ConnectorInfo>();
    expect(after).toMatchObject({
      status: "needs_auth",
      message: "The server did not grant access (access_denied).",
    });
  });

  it("the callback needs the browser session; without state it goes back to Settings", async () => {
    const res = await browse("/api/connectors/oauth/callback?code=x&state=y");
    expect(res.status).toBe(401);
    expect((await res.json<ErrorBody>()).error.code).toBe("unauthenticated");
    const owner = await signup();
    const none = await browse("/api/connectors/oauth/callback", owner.cookie);
    expect(none.status).toBe(302);
    expect(none.headers.get("Location")).toBe("/settings?oauth=failed&reason=invalid_state#connectors");
  });
});
