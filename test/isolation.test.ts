// Tenant isolation (DESIGN §7). User A builds real state: an orchestrator whose run created agents
// and wrote files, and API tokens. User B, with its own session cookie and its own token, walks
// every route of the route table (the one the OpenAPI document is built from, so new routes are
// covered without editing this file) against A's ids: every answer is a 404 (a 403 only where the
// Origin guard rightly answers first), and nothing A owns shows up in any body.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentSummary } from "../schema/events";
import { fillPath, originChecked, type ParamKind, ROUTES, type RouteSpec } from "../worker/api/routes";
import { type Account, freshIp, newToken, ORIGIN, PASSWORD, signup } from "./auth-helpers";
import { FIXTURE_API_KEY, plainFixtureUrl } from "./connector-helpers";
import { runsIdle, teamScript, waitFor } from "./helpers";

type Cred = { cookie: string } | { token: string } | { queryToken: string };
type Reply = { status: number; text: string; code?: string };

let a: Account;
/** A's token that gets revoked at the end; `tokA2` does A's positive checks. */
let tokA: { id: string; secret: string };
let tokA2: { id: string; secret: string };
let b: Account;
let tokB: { id: string; secret: string };
let ids: Record<ParamKind, string>;
let bOrchestrator: string;
let secrets: string[];
const FILE = "out/a.md";

/** One request as a browser or script would make it; streams and sockets are opened, then closed. */
async function hit(
  r: RouteSpec,
  path: string,
  cred: Cred,
  opts: { origin?: boolean; body?: unknown } = {},
): Promise<Reply> {
  const headers = new Headers({ "CF-Connecting-IP": freshIp() });
  let url = `${ORIGIN}${path}`;
  if ("cookie" in cred) headers.set("Cookie", `__Host-baton_session=${cred.cookie}`);
  if ("token" in cred) headers.set("Authorization", `Bearer ${cred.token}`);
  if ("queryToken" in cred) url += `?access_token=${encodeURIComponent(cred.queryToken)}`;
  if (opts.origin ?? true) headers.set("Origin", ORIGIN);
  if (r.kind === "sse") headers.set("Accept", "text/event-stream");
  if (r.kind === "websocket") headers.set("Upgrade", "websocket");
  let body: string | undefined;
  const example = opts.body ?? r.body?.example;
  if (r.body?.type === "json") {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(example);
  } else if (r.body?.type === "text") {
    body = String(example);
  }
  const res = await SELF.fetch(url, { method: r.method, headers, body });
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close(1000, "done");
    return { status: res.status, text: "" };
  }
  let text: string;
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    // An endless stream: take what the replay sends at once, then hang up.
    const reader = res.body!.getReader();
    const first = await Promise.race([
      reader.read(),
      new Promise<{ value?: undefined }>((ok) => setTimeout(() => ok({}), 300)),
    ]);
    let more = "";
    const second = await Promise.race([
      reader.read(),
      new Promise<{ value?: undefined }>((ok) => setTimeout(() => ok({}), 300)),
    ]);
    if (second.value) more = new TextDecoder().decode(second.value);
    await reader.cancel();
    text = (first.value ? new TextDecoder().decode(first.value) : "") + more;
  } else {
    text = await res.text();
  }
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    // not JSON: a stream or a raw file
  }
  return { status: res.status, text, code };
}

function expectNoLeak(where: string, reply: Reply): void {
  for (const s of secrets) expect(reply.text.includes(s), `${where} leaks ${JSON.stringify(s)}`).toBe(false);
  expect(reply.text, `${where} names A's agents`).not.toMatch(/\b(alpha|beta)\b/);
}

/** A route's example query, for routes that need one to answer their success. */
const withQuery = (r: RouteSpec, path: string) => (r.exampleQuery ? `${path}?${r.exampleQuery}` : path);

/** Mutating routes last, and the ones that end B's session at the very end. */
function walkOrder(routes: readonly RouteSpec[]): RouteSpec[] {
  const rank = (r: RouteSpec) =>
    r.path === "/api/auth/password"
      ? 5
      : r.path === "/api/auth/logout"
        ? 6
        : r.method === "GET"
          ? 0
          : r.method === "DELETE"
            ? 3
            : 1;
  return [...routes].sort((x, y) => rank(x) - rank(y));
}

/** Bodies aimed at A where a route takes one that can name A (the rest use the table's examples). */
function bodyFor(r: RouteSpec): unknown {
  if (r.path === "/api/auth/signup") return { email: a.email, password: PASSWORD };
  if (r.path === "/api/auth/login") return { email: a.email, password: "not A's password at all" };
  return undefined;
}

/** B walks every route with A's ids; owned resources answer 404, the rest B's own (non-5xx) data. */
async function walk(cred: Cred, label: string): Promise<number> {
  let walked = 0;
  for (const r of walkOrder(ROUTES)) {
    const where = `${label}: ${r.method} ${r.path}`;
    const reply = await hit(r, withQuery(r, fillPath(r, ids)), cred, { body: bodyFor(r) });
    walked++;
    expectNoLeak(where, reply);
    expect(reply.status, `${where} → ${reply.text.slice(0, 200)}`).toBeLessThan(500);
    if (r.params) {
      expect(reply.status, where).toBe(404);
      expect(reply.code, where).toBe("not_found");
    } else if (r.path === "/api/auth/signup") {
      expect(reply.status, where).toBe(409);
    } else if (r.path === "/api/auth/login") {
      expect(reply.status, where).toBe(401);
    }
  }
  return walked;
}

beforeAll(async () => {
  a = await signup();
  tokA = await newToken(a, "a-revoked-later");
  tokA2 = await newToken(a, "a-positive");
  const name = `Project ${crypto.randomUUID()}`;
  const made = await SELF.fetch(`${ORIGIN}/api/orchestrators`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tokA2.secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const orchestratorId = (await made.json<{ id: string }>()).id;
  const sent = await SELF.fetch(`${ORIGIN}/api/orchestrators/${orchestratorId}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tokA2.secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ text: teamScript() }),
  });
  const firstRun = await sent.json<{ messageId: string; runId: string }>();
  await waitFor(env.ORCHESTRATOR.getByName(orchestratorId), runsIdle(1));
  const list = await SELF.fetch(`${ORIGIN}/api/orchestrators/${orchestratorId}/agents`, {
    headers: { Authorization: `Bearer ${tokA2.secret}` },
  });
  const agents = (await list.json<{ agents: AgentSummary[] }>()).agents;
  expect(agents.map((x) => x.name).sort()).toEqual(["alpha", "beta"]);
  // A's spend must have reached the ledger, or "B sees none of it" proves nothing.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const spent = await env.DB.prepare("SELECT count(*) AS n FROM usage_ledger WHERE user_id = ?")
      .bind(a.userId)
      .first<number>("n");
    if (spent) break;
    await new Promise((ok) => setTimeout(ok, 50));
  }

  const templateName = `a-only-${crypto.randomUUID().slice(0, 8)}`;
  const template = await SELF.fetch(`${ORIGIN}/api/templates`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tokA2.secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: templateName, instructions: "A's private template instructions." }),
  });
  expect(template.status).toBe(201);
  const templateId = (await template.json<{ id: string }>()).id;
  // A connector with a secret header (the fixture server answers only with it).
  const madeConnector = await SELF.fetch(`${ORIGIN}/api/connectors`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tokA2.secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      name: `a${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`,
      url: `${plainFixtureUrl()}/keyed/mcp`,
      headers: { "X-Api-Key": FIXTURE_API_KEY },
    }),
  });
  const connector = await madeConnector.json<{ id: string; name: string; status: string }>();
  expect(connector.status).toBe("ok");

  b = await signup();
  tokB = await newToken(b, "b-script");
  const own = await SELF.fetch(`${ORIGIN}/api/orchestrators`, {
    method: "POST",
    headers: { Authorization: `Bearer ${tokB.secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "B's own" }),
  });
  bOrchestrator = (await own.json<{ id: string }>()).id;

  ids = {
    orchestrator: orchestratorId,
    agent: agents[0]!.id,
    token: tokA.id,
    file: FILE,
    approval: "apr_none",
    run: firstRun.runId,
    message: firstRun.messageId,
    template: templateId,
    connector: connector.id,
  };
  secrets = [
    templateId,
    templateName,
    "A's private template instructions",
    a.userId,
    a.email,
    orchestratorId,
    name,
    ...agents.map((x) => x.id),
    tokA.id,
    tokA.secret,
    tokA.secret.slice(0, 12),
    tokA2.id,
    tokA2.secret,
    "Written by alpha",
    "set up two agents",
    connector.id,
    connector.name,
    FIXTURE_API_KEY,
  ];
}, 60_000);

describe("tenant isolation", () => {
  it("A's own credentials reach everything, in the documented shapes (so B's 404s mean something)", async () => {
    for (const r of ROUTES.filter((x) => x.method === "GET" && x.params)) {
      const reply = await hit(r, withQuery(r, fillPath(r, ids)), { token: tokA2.secret });
      const where = `A: ${r.method} ${r.path}`;
      expect(reply.status, `${where} → ${reply.text.slice(0, 200)}`).toBe(r.ok.status);
      if (r.kind === undefined && r.ok.schema) {
        const body: unknown = JSON.parse(reply.text);
        // toEqual: a field the schema doesn't list would survive in `body` but not in the parse.
        expect(r.ok.schema.parse(body), where).toEqual(body);
      }
      if (r.kind === "sse") expect(reply.text, where).toContain("id: 1\n");
    }
    const file = await hit(
      ROUTES.find((x) => x.operationId === "readFile")!,
      fillPath(ROUTES.find((x) => x.operationId === "readFile")!, ids),
      { token: tokA2.secret },
    );
    expect(file.text).toContain("Written by alpha");
  });

  it("B's API token: every route answers 404 for A's ids and leaks nothing", async () => {
    const walked = await walk({ token: tokB.secret }, "B bearer");
    expect(walked).toBe(ROUTES.length);
  });

  it("B's session cookie without Origin: writes and upgrades stop at the Origin guard (403)", async () => {
    for (const r of ROUTES.filter(originChecked)) {
      const reply = await hit(r, fillPath(r, ids), { cookie: b.cookie }, { origin: false, body: bodyFor(r) });
      const where = `B cookie, no Origin: ${r.method} ${r.path}`;
      expect(reply.status, where).toBe(403);
      expect(reply.code, where).toBe("bad_origin");
      expectNoLeak(where, reply);
    }
  });

  it("B's token in ?access_token= on SSE and WebSocket: 404", async () => {
    for (const r of ROUTES.filter((x) => x.kind === "sse" || x.kind === "websocket")) {
      const reply = await hit(r, fillPath(r, ids), { queryToken: tokB.secret });
      expect(reply.status, `${r.method} ${r.path}`).toBe(404);
      expectNoLeak(r.path, reply);
    }
  });

  it("A's agent id under B's own orchestrator: 404 on every agent route", async () => {
    const mixed = { ...ids, orchestrator: bOrchestrator };
    const agentRoutes = ROUTES.filter((x) => Object.values(x.params ?? {}).includes("agent"));
    expect(agentRoutes.length).toBeGreaterThanOrEqual(7);
    for (const r of agentRoutes) {
      const reply = await hit(r, fillPath(r, mixed), { token: tokB.secret });
      expect(reply.status, `${r.method} ${r.path}`).toBe(404);
      expectNoLeak(r.path, reply);
    }
  });

  it("B's usage, orchestrators and tokens hold none of A's", async () => {
    for (const groupBy of ["day", "model", "orchestrator"]) {
      const mine = await hit(
        ROUTES.find((x) => x.operationId === "usage")!,
        `/api/usage?groupBy=${groupBy}`,
        {
          token: tokB.secret,
        },
      );
      expect(JSON.parse(mine.text)).toMatchObject({ rows: [], totals: { costUsd: 0, inputTokens: 0 } });
      const theirs = await hit(
        ROUTES.find((x) => x.operationId === "usage")!,
        `/api/usage?groupBy=${groupBy}`,
        {
          token: tokA2.secret,
        },
      );
      expect(JSON.parse(theirs.text).totals.costUsd, "A did spend").toBeGreaterThan(0);
    }
  });

  it("B's session cookie (with a valid Origin): every route answers 404 for A's ids and leaks nothing", async () => {
    const walked = await walk({ cookie: b.cookie }, "B cookie");
    expect(walked).toBe(ROUTES.length);
  });

  it("A's data came through B's walk untouched", async () => {
    const get = (path: string) =>
      SELF.fetch(`${ORIGIN}${path}`, { headers: { Authorization: `Bearer ${tokA.secret}` } });
    expect((await get(`/api/orchestrators/${ids.orchestrator}`)).status).toBe(200);
    const agents = await (await get(`/api/orchestrators/${ids.orchestrator}/agents`)).json<{
      agents: unknown[];
    }>();
    expect(agents.agents).toHaveLength(2);
    const file = await (await get(`/api/orchestrators/${ids.orchestrator}/files/${FILE}`)).json<{
      content: string;
    }>();
    expect(file.content).toBe("# alpha\n\nWritten by alpha.\n");
    const tokens = await (await get("/api/tokens")).json<{ tokens: { id: string }[] }>();
    expect(tokens.tokens.map((t) => t.id).sort()).toEqual([tokA.id, tokA2.id].sort());
    // B's PATCH and DELETE of A's template were 404s: it is still there, unchanged.
    const template = await (await get(`/api/templates/${ids.template}`)).json<{ instructions: string }>();
    expect(template.instructions).toBe("A's private template instructions.");
  });

  it("A's revoked token fails at once on every authenticated route, header or query", async () => {
    const del = await SELF.fetch(`${ORIGIN}/api/tokens/${tokA.id}`, {
      method: "DELETE",
      headers: { Cookie: `__Host-baton_session=${a.cookie}`, Origin: ORIGIN },
    });
    expect(del.status).toBe(204);
    let checked = 0;
    for (const r of ROUTES.filter((x) => x.auth !== "none")) {
      const creds: Cred[] = [{ token: tokA.secret }];
      if (r.kind === "sse" || r.kind === "websocket") creds.push({ queryToken: tokA.secret });
      for (const cred of creds) {
        const reply = await hit(r, fillPath(r, ids), cred);
        const where = `revoked: ${r.method} ${r.path} ${Object.keys(cred)[0]}`;
        expect(reply.status, where).toBe(401);
        expect(reply.code, where).toBe("unauthenticated");
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(ROUTES.length - 5);
    // A's other credentials still work.
    const me = await SELF.fetch(`${ORIGIN}/api/me`, { headers: { Authorization: `Bearer ${tokA2.secret}` } });
    expect(me.status).toBe(200);
  });
});
