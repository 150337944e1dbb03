// Drill: a seeded fuzzer against the WebSocket protocol (DESIGN §4) and every HTTP route of the route
// table (worker/api/routes.ts). 1,000 cases in CI, 10,000 with DRILL_SCALE=10 (40% socket frames,
// 60% HTTP requests). Oracles:
// - HTTP: never a 5xx; 101 only from a socket route; every 4xx under /api is {"error":{code,message}}
//   with a snake_case code.
// - WebSocket: the socket never drops; every frame gets its answer — an `error` frame with code
//   bad_frame for each frame the protocol schema rejects (predicted here with the same schema, after
//   the same UTF-8 round trip the wire does), pong for ping, ready for resume, sent/refusal for send —
//   and never an internal_error.
// - Afterwards the objects still work: ping → pong on the fuzzed sockets, a send runs to run.completed.
//
// Fixtures: user A owns orchestrator M (agent "delta") and is the one whose sockets are fuzzed; user
// C owns orchestrator N (agents "delta", "victim") and is the HTTP caller, so A's ids are foreign ids
// to C (tenant isolation under fuzz). Requests that would destroy a fixture (deleting N or C's token,
// logging C out, changing C's password) are aimed at sacrificial copies instead. Valid sends get a
// one-line sim script appended so the fuzzer spends its time on the API, not on the demo brain.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { clientFrameSchema } from "../../schema/events";
import { fillPath, type ParamKind, ROUTES, type RouteSpec } from "../../worker/api/routes";
import { type Account, freshIp, newToken, ORIGIN, signup } from "../auth-helpers";
import { api, createOrchestrator, runsIdle, sim, type TestUser, terminalRuns, waitFor } from "../helpers";
import { WsClient } from "../ws-client";
import {
  agentLog,
  drillScale,
  ofType,
  orchestratorLog,
  orchestratorStub,
  type Rng,
  seeded,
  sleep,
} from "./kit";

const FILE = "test/drills/fuzz.test.ts";
const CASES = 1000 * drillScale();
const WS_SHARE = 0.4;
/** Valid sends that may reach the objects over the fuzzed sockets (the send rate limit is 30/min). */
const MAX_VALID_SOCKET_SENDS = 16;

// ---- random values ----

const UNICODE = [
  "é",
  "日本語",
  "🦀",
  "👩‍👩‍👧",
  "\u202e",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udfff",
  "\uffff",
  "a\u0301",
  "\\",
  '"',
  "</script>",
  "%00",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template placeholder is the point
  "${x}",
  "'; DROP TABLE users; --",
];

function str(r: Rng, max = 40): string {
  let s = "";
  const n = r.int(max + 1);
  for (let i = 0; i < n; i++) {
    const k = r.int(10);
    if (k < 5) s += String.fromCharCode(97 + r.int(26));
    else if (k < 7) s += r.pick(UNICODE);
    else if (k < 8) s += String.fromCharCode(r.int(32));
    else if (k < 9) s += String.fromCharCode(0xd800 + r.int(0x800));
    else s += String.fromCharCode(r.int(0x10000));
  }
  return s;
}

function hugeString(r: Rng): string {
  return r
    .pick(["x", "é", "🦀", "\u0000", " "])
    .repeat(r.pick([1_000, 99_999, 100_001, 150_000, 199_999, 260_000]));
}

function deep(r: Rng): string {
  const depth = r.pick([64, 1_000, 10_000, 50_000]);
  return r.chance(0.5)
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** A JSON value of any type, sometimes odd. */
function value(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 9 : 12)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1, 1.5, -0.5, 1e21, 2 ** 53 + 1, -(2 ** 31), Number.MAX_SAFE_INTEGER, 1e-7]);
    case 3:
      return String(r.pick([0, 1, -1, 10, 1.5, 1e3]));
    case 4:
      return str(r);
    case 5:
      return "";
    case 6:
      return r.pick(["ping", "send", "resume", "interrupt", "PING", " ping", "true", "null", "undefined"]);
    case 7:
      return r.int(1000);
    case 8:
      return str(r, 4);
    case 9:
      return Array.from({ length: r.int(4) }, () => value(r, depth + 1));
    case 10:
      return Object.fromEntries(Array.from({ length: r.int(4) }, () => [str(r, 8), value(r, depth + 1)]));
    default:
      return { type: value(r, depth + 1) };
  }
}

// ---- WebSocket frames ----

type Frame = { data: string | Uint8Array; kind: string };

const validFrames = (r: Rng): Record<string, unknown> =>
  r.pick([
    { type: "ping" },
    { type: "resume", after: r.int(50) },
    { type: "interrupt" },
    { type: "interrupt", agents: r.chance(0.5) },
    { type: "send", text: str(r, 60) || "hi", clientId: `c-${r.int(1e9)}` },
  ]);

function frame(r: Rng): Frame {
  const base = validFrames(r);
  switch (r.int(13)) {
    case 0: {
      // A valid shape with one field of the wrong type.
      const keys = Object.keys(base);
      const k = r.pick(keys);
      return { data: JSON.stringify({ ...base, [k]: value(r) }), kind: `wrong-type:${k}` };
    }
    case 1:
      return { data: JSON.stringify({ ...base, type: value(r) }), kind: "unknown-type" };
    case 2:
      return {
        data: JSON.stringify({ type: "resume", after: r.pick(["5", -1, -0.5, 1.5, 1e300, "", null, [1]]) }),
        kind: "bad-seq",
      };
    case 3:
      return {
        data: JSON.stringify(
          r.chance(0.5) ? { type: "send", text: hugeString(r) } : { ...base, pad: hugeString(r) },
        ),
        kind: "huge",
      };
    case 4:
      return { data: deep(r), kind: "deep" };
    case 5: {
      const bytes = new Uint8Array(r.pick([0, 1, 16, 1000, 70_000]));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
      if (r.chance(0.3))
        return { data: new TextEncoder().encode(JSON.stringify({ type: "ping" })), kind: "binary-json" };
      return { data: bytes, kind: "binary" };
    }
    case 6:
      return { data: JSON.stringify({ ...base, [str(r, 6)]: str(r) }), kind: "unicode-extra" };
    case 7:
      return {
        data: JSON.stringify({
          type: "send",
          text: str(r, 200),
          clientId: r.chance(0.5) ? str(r, 200) : undefined,
        }),
        kind: "unicode-send",
      };
    case 8: {
      // Broken JSON: truncated, flipped, trailing garbage, JS-isms.
      const text = JSON.stringify(base);
      const broken = r.pick([
        text.slice(0, r.int(text.length)),
        text.replace(/[{}[\]":,]/, r.pick(["", "'", "\\", "\u0000"])),
        `${text}${r.pick(["}", ",", " x", "\n{}"])}`,
        text.replace(/"/g, "'"),
        `{type: "ping"}`,
        `{"type":"resume","after":NaN}`,
        `{"type":"resume","after":Infinity}`,
        `{"type":"ping",}`,
        `/* c */ {"type":"ping"}`,
      ]);
      return { data: broken, kind: "malformed" };
    }
    case 9:
      return {
        data: r.pick([
          '{"__proto__":{"type":"ping"}}',
          '{"type":"ping","__proto__":{"type":"send"}}',
          '{"constructor":{"prototype":{"type":"ping"}}}',
          '{"type":"send","text":"x","__proto__":null}',
          '{"type":"ping","type":"nope"}',
          '{"type":"nope","type":"ping"}',
        ]),
        kind: "prototype",
      };
    case 10:
      return {
        data: r.pick(["", " ", "null", "0", "[]", '""', "{}", "true", "\u0000", "\ud800"]),
        kind: "scalar",
      };
    case 11:
      return { data: JSON.stringify(value(r)), kind: "random-json" };
    default:
      return { data: JSON.stringify(base), kind: `valid:${base.type}` };
  }
}

type Answer = "bad" | "ping" | "resume" | "send" | "interrupt" | "approve";

/** What the server must answer, by the same schema, after the wire's UTF-8 round trip. */
function predict(data: string | Uint8Array): Answer {
  if (typeof data !== "string") return "bad";
  const wire = new TextDecoder().decode(new TextEncoder().encode(data));
  if (wire.length > 200_000) return "bad";
  let raw: unknown;
  try {
    raw = JSON.parse(wire);
  } catch {
    return "bad";
  }
  const p = clientFrameSchema.safeParse(raw);
  return p.success ? p.data.type : "bad";
}

/** A valid send gets a script so the object answers cheaply; the fuzzed text still reaches the loop. */
function cheapen(data: string): string {
  const f = JSON.parse(new TextDecoder().decode(new TextEncoder().encode(data))) as { text: string };
  return JSON.stringify({ ...f, text: `${f.text.slice(0, 2000)}\n${sim([{ text: "ok" }], "")}` });
}

type Tally = { sent: Record<Answer, number>; kinds: Record<string, number> };

/** Sends a batch of frames, then waits until every one has been answered as predicted. */
async function fuzzSocket(c: WsClient, frames: Frame[], tally: Tally, where: string): Promise<void> {
  for (const f of frames) {
    tally.sent[predict(f.data)]++;
    tally.kinds[f.kind] = (tally.kinds[f.kind] ?? 0) + 1;
    c.ws.send(f.data);
  }
  c.send({ type: "ping" });
  tally.sent.ping++;
  const count = () => {
    const errors = c.frames.filter((f) => f.type === "error");
    // A resume is answered by `ready`, or refused by the per-socket resume limit (DESIGN §8).
    const resumeRefusals = errors.filter((e) => e.frame === "resume");
    return {
      bad: errors.filter((e) => e.code === "bad_frame").length,
      pong: c.frames.filter((f) => f.type === "pong").length,
      ready: c.frames.filter((f) => f.type === "ready").length + resumeRefusals.length,
      sendAnswers:
        c.frames.filter((f) => f.type === "sent").length +
        errors.filter((e) => e.code !== "bad_frame" && e.frame !== "resume").length,
      internal: errors.filter((e) => e.code === "internal_error").length,
    };
  };
  const want = {
    bad: tally.sent.bad,
    pong: tally.sent.ping,
    ready: tally.sent.resume + 1,
    sendAnswers: tally.sent.send,
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const got = count();
    if (c.closed)
      throw new Error(`${where}: the socket dropped; last frames ${frames.map((f) => f.kind).join(", ")}`);
    if (got.internal)
      throw new Error(`${where}: internal_error frame after ${frames.map((f) => f.kind).join(", ")}`);
    const { internal: _, ...seen } = got;
    if (JSON.stringify(seen) === JSON.stringify(want)) return;
    if (
      got.bad > want.bad ||
      got.pong > want.pong ||
      got.ready > want.ready ||
      got.sendAnswers > want.sendAnswers
    )
      throw new Error(
        `${where}: more answers than frames: got ${JSON.stringify(seen)}, want ${JSON.stringify(want)}`,
      );
    if (Date.now() > deadline)
      throw new Error(
        `${where}: unanswered frames: got ${JSON.stringify(seen)}, want ${JSON.stringify(want)}; batch ${frames.map((f) => f.kind).join(", ")}`,
      );
    await sleep(20);
  }
}

// ---- HTTP requests ----

type Fixture = {
  c: Account;
  cUser: TestUser;
  n: string;
  agents: { delta: string; victim: string | null };
  foreign: { orchestrator: string; agent: string };
  sacrificial: { orchestrators: string[]; tokens: string[]; accounts: Account[] };
};

const ODD_IDS = [
  "",
  "%ZZ",
  "%00",
  "%E2%82",
  "x".repeat(3000),
  "%F0%9F%98%80",
  "..%2F..%2Fetc%2Fpasswd",
  "a%2Fb",
  "%20",
  "null",
  "undefined",
  "orc_",
  "ag_000000000000000000000000",
  "1e9",
  "-1",
  "%u0000",
  "%C0%AF",
];
const ODD_FILES = [
  "notes/a.md",
  "a/b/c/d/e.txt",
  "..%2Fsecret",
  "a/%00b",
  "folder/",
  "%E0%A4%A",
  "x".repeat(600),
  "%F0%9F%A6%80.md",
  "a//b.md",
  "./a.md",
  "CON",
  "a%5Cb.md",
  ".hidden",
  "%2e%2e/x",
];

/** Percent-encodes the bytes of `s` outside printable ASCII (lone surrogates become U+FFFD's bytes). */
function rawEncode(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s))
    out +=
      b > 0x20 && b < 0x7f ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  return out;
}

async function sacrificialOrchestrator(fx: Fixture): Promise<string> {
  const id = await createOrchestrator(fx.cUser, { name: "sacrificial" });
  fx.sacrificial.orchestrators.push(id);
  return id;
}

async function sacrificialToken(fx: Fixture): Promise<string> {
  try {
    const t = await newToken(fx.c, "sacrificial");
    fx.sacrificial.tokens.push(t.id);
    return t.id;
  } catch {
    return "tok_gone"; // the token limit was reached by the fuzzer's own creations
  }
}

async function throwawayCookie(fx: Fixture): Promise<string> {
  const a = await signup();
  fx.sacrificial.accounts.push(a);
  return a.cookie;
}

function mutateBody(r: Rng, route: RouteSpec): BodyInit | null {
  const example =
    route.body?.type === "json" ? route.body.example : route.body?.type === "text" ? route.body.example : {};
  switch (r.int(9)) {
    case 0:
      return typeof example === "string" ? example : JSON.stringify(example);
    case 1: {
      if (typeof example === "string") return str(r, 400);
      const keys = Object.keys(example);
      const k = keys.length && r.chance(0.8) ? r.pick(keys) : str(r, 8);
      return JSON.stringify({ ...example, [k]: value(r) });
    }
    case 2:
      return JSON.stringify(value(r));
    case 3: {
      const bytes = new Uint8Array(r.pick([1, 7, 300]));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
      return bytes;
    }
    case 4:
      return r.chance(0.5) ? hugeString(r) : JSON.stringify({ text: hugeString(r) });
    case 5:
      return deep(r);
    case 6:
      return "";
    case 7:
      return typeof example === "string" ? example : JSON.stringify(example).slice(0, r.int(40));
    default:
      return JSON.stringify({ ...(typeof example === "string" ? {} : example), [str(r, 6)]: value(r) });
  }
}

function randomQuery(r: Rng, route: RouteSpec): string {
  if (r.chance(0.5)) return "";
  const known = route.query ? Object.keys(route.query.shape) : [];
  const parts: string[] = [];
  for (let i = r.range(1, 3); i > 0; i--) {
    const key =
      known.length && r.chance(0.7) ? r.pick(known) : r.pick(["verbose", "access_token", str(r, 5), ""]);
    const v = r.pick([
      String(r.int(100)),
      "-1",
      "1.5",
      "1e400",
      "x",
      "",
      "%ZZ",
      rawEncode(str(r, 20)),
      "2025-02-30",
      "2025-01-01",
      "day",
      "model",
      "bogus",
      "9".repeat(400),
    ]);
    parts.push(`${rawEncode(key)}=${v}`);
  }
  return `?${parts.join("&")}`;
}

type HttpCase = {
  method: string;
  path: string;
  headers: Headers;
  body: BodyInit | null;
  route: RouteSpec | null;
};

async function httpCase(r: Rng, fx: Fixture): Promise<HttpCase> {
  const route = r.chance(0.93) ? r.pick(ROUTES) : null;
  const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];
  const method = route && r.chance(0.85) ? route.method : r.pick(methods);
  let path: string;
  if (!route) {
    path = r.pick([
      `/api/${str(r, 10)}`,
      "/api/",
      "/api",
      "/api//orchestrators",
      `/api/orchestrators/${fx.n}/${str(r, 6)}`,
      `/api/orchestrators/${fx.n}/agents/${fx.agents.delta}/${str(r, 6)}`,
      "/api/_bench/stats",
      "/api/orchestrators/%2e%2e/",
    ]);
    path = rawEncode(path);
  } else {
    const values: Record<ParamKind, string> = {
      orchestrator: r.pick([fx.n, fx.n, fx.n, fx.foreign.orchestrator]),
      agent: r.pick([
        fx.agents.delta,
        fx.agents.delta,
        fx.agents.victim ?? fx.agents.delta,
        fx.foreign.agent,
      ]),
      token: "tok_none",
      file: r.pick(["notes/fuzz.md", "out/x.txt", `f/${r.int(20)}.md`]),
      approval: r.pick(["apr_none", "apr_0", "%2e%2e"]),
      run: r.pick(["run_none", "run_0", "%2e%2e"]),
      message: r.pick(["msg_none", "msg_0", "%2e%2e"]),
      template: r.pick(["tpl_none", "%2e%2e"]),
      connector: r.pick(["con_none", "con_0", "%2e%2e"]),
    };
    // Destructive requests against a fixture go to a sacrificial copy.
    if (route.operationId === "deleteOrchestrator" && values.orchestrator === fx.n)
      values.orchestrator = await sacrificialOrchestrator(fx);
    if (route.operationId === "deleteAgent" && values.agent === fx.agents.delta)
      values.agent = fx.agents.victim ?? "ag_gone";
    if (route.operationId === "revokeToken") values.token = await sacrificialToken(fx);
    path = fillPath(route, values);
    // Mutate a path parameter with odd raw bytes.
    if (route.params && r.chance(0.3)) {
      const names = Object.keys(route.params);
      const target = r.pick(names);
      path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const kind = route.params![name]!;
        if (name === target) return kind === "file" ? r.pick(ODD_FILES) : r.pick(ODD_IDS);
        return fillPath({ ...route, path: `{${name}}` }, values);
      });
    }
    if (r.chance(0.05)) path = path.replace(/\/$/, "").concat(r.pick(["/", "//", "/.", "?", "#x"]));
    path += randomQuery(r, route);
  }
  // Whatever route and method were drawn, a DELETE that resolves to a fixture hits a sacrificial copy.
  if (method === "DELETE") {
    let resolved = "";
    try {
      resolved = new URL(`${ORIGIN}${path}`).pathname.replace(/\/+$/, "");
    } catch {
      // unparseable: can't name a fixture
    }
    if (resolved === `/api/orchestrators/${fx.n}`)
      path = path.replace(fx.n, await sacrificialOrchestrator(fx));
    if (resolved === `/api/orchestrators/${fx.n}/agents/${fx.agents.delta}`)
      path = path.replace(fx.agents.delta, fx.agents.victim ?? "ag_gone");
    if (fx.agents.victim && resolved.endsWith(`/agents/${fx.agents.victim}`)) fx.agents.victim = null;
  }

  const headers = new Headers({ "CF-Connecting-IP": freshIp() });
  const authRoute = route?.path.startsWith("/api/auth/");
  const auth = r.int(10);
  if (authRoute && (route?.operationId === "logout" || route?.operationId === "changePassword")) {
    if (auth < 7) headers.set("Cookie", `__Host-baton_session=${await throwawayCookie(fx)}`);
  } else if (auth < 5) headers.set("Authorization", `Bearer ${fx.cUser.token}`);
  else if (auth < 8) headers.set("Cookie", `__Host-baton_session=${fx.c.cookie}`);
  else if (auth < 9)
    headers.set(
      "Authorization",
      r
        .pick([
          "Bearer",
          "Bearer ",
          "Basic Zm9vOmJhcg==",
          `Bearer bat_${str(r, 10)}`,
          `bearer ${"x".repeat(5000)}`,
          "Bearer a b",
        ])
        .replace(/[^\x20-\x7e]/g, "?"),
    );
  const origin = r.int(10);
  if (origin < 7) headers.set("Origin", ORIGIN);
  else if (origin < 8)
    headers.set(
      "Origin",
      r.pick(["https://evil.example", "null", "http://baton.test", ORIGIN.toUpperCase()]),
    );
  if (r.chance(0.05)) headers.set("Upgrade", "websocket");
  if (route?.kind === "sse" || r.chance(0.05)) headers.set("Accept", "text/event-stream");
  if (r.chance(0.1))
    headers.set("Last-Event-ID", r.pick(["abc", "-1", "1.5", "3", "99999999999999999999", ""]));

  let body: BodyInit | null = null;
  if (method !== "GET" && method !== "HEAD" && (route?.body || r.chance(0.3))) {
    body = route ? mutateBody(r, route) : JSON.stringify(value(r));
    const ct = r.int(10);
    if (ct < 7)
      headers.set("Content-Type", route?.body?.type === "text" ? "text/markdown" : "application/json");
    else if (ct < 9)
      headers.set(
        "Content-Type",
        r.pick([
          "text/plain",
          "application/json; charset=latin1",
          "application/x-www-form-urlencoded",
          "application/vnd.api+json",
          "multipart/form-data; boundary=x",
          "*/*",
        ]),
      );
  }
  // A message that is valid gets a script: the fuzzer tests the API, not the demo brain.
  if (
    typeof body === "string" &&
    (route?.operationId === "sendMessage" || route?.operationId === "messageAgent")
  ) {
    try {
      const parsed = JSON.parse(body) as { text?: unknown };
      if (typeof parsed.text === "string" && parsed.text.length > 0 && parsed.text.length < 90_000)
        body = JSON.stringify({ ...parsed, text: `${parsed.text}\n${sim([{ text: "ok" }], "")}` });
    } catch {
      // stays malformed
    }
  }
  if (method === "GET" || method === "HEAD") body = null;
  return { method, path, headers, body, route };
}

/** Requests the platform refuses to build: they never reach Baton, so they prove nothing either way. */
const UNBUILDABLE = /invalid url|cannot have a body|invalid header|not a valid HTTP method/i;

async function sendHttp(c: HttpCase, seen: Record<string, number>): Promise<string | null> {
  let res: Response;
  try {
    res = await SELF.fetch(`${ORIGIN}${c.path}`, {
      method: c.method,
      headers: c.headers,
      body: c.body,
      redirect: "manual",
    });
  } catch (err) {
    if (err instanceof TypeError && UNBUILDABLE.test(err.message)) {
      seen.unbuildable = (seen.unbuildable ?? 0) + 1;
      return null;
    }
    return `${c.method} ${c.path.slice(0, 120)} threw ${String(err).slice(0, 200)}`;
  }
  const where = `${c.method} ${c.path.slice(0, 120)}`;
  const cls = `${Math.floor(res.status / 100)}xx`;
  seen[cls] = (seen[cls] ?? 0) + 1;
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close(1000, "fuzz");
    if (c.route?.kind !== "websocket") return `${where} upgraded a non-socket route`;
    return null;
  }
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) {
    await res.body?.cancel();
    return res.status === 200 ? null : `${where} → SSE with status ${res.status}`;
  }
  const text = await res.text();
  if (res.status >= 500) return `${where} → ${res.status} ${text.slice(0, 200)}`;
  if (res.status >= 400 && c.method !== "HEAD" && c.path.startsWith("/api")) {
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      if (
        typeof body.error?.code !== "string" ||
        !/^[a-z_]+$/.test(body.error.code) ||
        typeof body.error.message !== "string"
      )
        return `${where} → ${res.status} without a proper error body: ${text.slice(0, 200)}`;
    } catch {
      return `${where} → ${res.status} not JSON: ${text.slice(0, 200)}`;
    }
  }
  return null;
}

// ---- the drill ----

async function agentByName(orchestratorId: string, name: string): Promise<string> {
  const agents = await orchestratorStub(orchestratorId).agents();
  const a = agents.find((x) => x.name === name);
  if (!a) throw new Error(`no agent ${name}`);
  return a.id;
}

async function withAgents(user: TestUser, names: string[]): Promise<string> {
  const id = await createOrchestrator(user);
  await api(user, "POST", `/api/orchestrators/${id}/messages`, {
    text: sim([
      { tools: names.map((name) => ({ name: "create_agent", input: { name, instructions: "Wait." } })) },
    ]),
  });
  await waitFor(orchestratorLog(id), runsIdle(1));
  return id;
}

/** Runs a send to completion on a socket: the object still works. */
async function stillWorks(c: WsClient, src: ReturnType<typeof orchestratorLog>, marker: string) {
  c.send({ type: "ping" });
  const pongs = c.frames.filter((f) => f.type === "pong").length;
  await c.until((x) => x.frames.filter((f) => f.type === "pong").length > pongs);
  c.send({ type: "send", text: sim([{ text: marker }]), clientId: marker });
  await c.until((x) => x.frames.some((f) => f.type === "sent" && f.clientId === marker), 10_000);
  const events = await waitFor(
    src,
    (ev) => {
      const at = ev.findIndex((e) => e.type === "message.user" && !!e.clientId?.endsWith(marker));
      // (Not its text: unanswered earlier turns — runs the fuzz interrupted before any call — merge
      // with this one, and the simulator obeys the first script of a merged turn.)
      return (
        at >= 0 &&
        terminalRuns(ev).length === ofType(ev, "run.started").length &&
        terminalRuns(ev.slice(at)).length > 0
      );
    },
    60_000,
  );
  const at = events.findIndex((e) => e.type === "message.user" && !!e.clientId?.endsWith(marker));
  expect(terminalRuns(events.slice(at)).at(-1)?.type, `run after ${marker}`).toBe("run.completed");
}

describe("drill: fuzz", () => {
  it(
    `${CASES} seeded cases of bad frames and bad requests: never a 5xx, never a dropped socket, objects still work`,
    async () => {
      await seeded(FILE, async (r) => {
        // Socket side: user A, orchestrator M with agent delta.
        const aAccount = await signup();
        const a: TestUser = {
          id: aAccount.userId,
          token: (await newToken(aAccount)).secret,
          email: aAccount.email,
        };
        const m = await withAgents(a, ["delta"]);
        const mDelta = await agentByName(m, "delta");
        const sockets = [
          { c: await WsClient.connect(a, `/api/orchestrators/${m}/ws`), where: "orchestrator socket" },
          {
            c: await WsClient.connect(a, `/api/orchestrators/${m}/agents/${mDelta}/ws`),
            where: "agent socket",
          },
        ];
        for (const s of sockets) await s.c.until((x) => x.frames.some((f) => f.type === "ready"));

        // HTTP side: user C, orchestrator N with agents delta and victim.
        const cAccount = await signup();
        const cUser: TestUser = {
          id: cAccount.userId,
          token: (await newToken(cAccount)).secret,
          email: cAccount.email,
        };
        const n = await withAgents(cUser, ["delta", "victim"]);
        const fx: Fixture = {
          c: cAccount,
          cUser,
          n,
          agents: { delta: await agentByName(n, "delta"), victim: await agentByName(n, "victim") },
          foreign: { orchestrator: m, agent: mDelta },
          sacrificial: { orchestrators: [], tokens: [], accounts: [] },
        };

        const tallies = sockets.map(
          (): Tally => ({
            sent: { bad: 0, ping: 0, resume: 0, send: 0, interrupt: 0, approve: 0 },
            kinds: {},
          }),
        );
        const failures: string[] = [];
        const statuses: Record<string, number> = {};
        const classes: Record<string, number> = {};
        let validSends = 0;
        let wsCases = 0;
        let httpCases = 0;
        const started = Date.now();
        const wsTarget = Math.round(CASES * WS_SHARE);
        const httpTarget = CASES - wsTarget;
        while (wsCases + httpCases < CASES) {
          const wsLeft = wsTarget - wsCases;
          const httpLeft = httpTarget - httpCases;
          // Socket cases come in batches of ~13: weigh the draw so both sides finish together.
          if (r.chance(wsLeft / (wsLeft + 13 * httpLeft))) {
            const k = r.int(sockets.length);
            const batch: Frame[] = [];
            for (let i = Math.min(wsLeft, r.range(1, 25)); i > 0; i--) {
              let f = frame(r);
              // Valid sends are capped (rate limit) and made cheap; over the cap, draw again.
              while (predict(f.data) === "send") {
                if (validSends >= MAX_VALID_SOCKET_SENDS) f = frame(r);
                else {
                  validSends++;
                  f = { data: cheapen(f.data as string), kind: f.kind };
                  break;
                }
              }
              batch.push(f);
            }
            wsCases += batch.length;
            await fuzzSocket(sockets[k]!.c, batch, tallies[k]!, sockets[k]!.where);
          } else {
            const c = await httpCase(r, fx);
            httpCases++;
            const failure = await sendHttp(c, classes);
            if (failure) failures.push(failure);
            const key = `${c.route?.operationId ?? "unrouted"}`;
            statuses[key] = (statuses[key] ?? 0) + 1;
          }
        }
        const fuzzSec = (Date.now() - started) / 1000;
        console.log(
          `[drill] fuzz: ${wsCases} frames (${JSON.stringify(tallies.map((t) => t.sent))}), ${httpCases} requests over ${
            Object.keys(statuses).length
          } routes (${JSON.stringify(classes)}), ${validSends} valid socket sends, ${fx.sacrificial.orchestrators.length} sacrificial orchestrators, ${fuzzSec.toFixed(1)}s`,
        );
        expect(failures.slice(0, 20), `${failures.length} HTTP failures`).toEqual([]);
        expect(Object.keys(statuses).length, "routes reached").toBeGreaterThanOrEqual(
          Math.min(ROUTES.length, 20),
        );

        // Afterwards: the sockets never dropped; the objects still answer and still run.
        for (const s of sockets) {
          expect(s.c.closed, `${s.where} closed`).toBe(false);
          expect(s.c.reconnects, `${s.where} reconnects`).toBe(0);
        }
        // Undo what valid fuzz requests may have changed on purpose (archive, budgets).
        await api(cUser, "PATCH", `/api/orchestrators/${n}`, { status: "active", budgetUsd: null });
        await api(cUser, "PATCH", "/api/me", { budgetUsd: null });
        await stillWorks(sockets[0]!.c, orchestratorLog(m), `still-alive-${r.seed}`);
        await stillWorks(sockets[1]!.c, agentLog(mDelta), `agent-alive-${r.seed}`);
        // N (the HTTP target) still answers and still runs (through its object: C's send quota is spent).
        const health = await api<{ ok: boolean }>(cUser, "GET", `/api/orchestrators/${n}`);
        expect(health.status).toBe(200);
        const before = terminalRuns(await waitFor(orchestratorLog(n), () => true)).length;
        await orchestratorStub(n).send(sim([{ text: "N still runs" }]), `n-alive-${r.seed}`);
        const nEvents = await waitFor(
          orchestratorLog(n),
          (ev) =>
            terminalRuns(ev).length > before && terminalRuns(ev).length === ofType(ev, "run.started").length,
          60_000,
        );
        expect(terminalRuns(nEvents).at(-1)?.type).toBe("run.completed");
        for (const s of sockets) s.c.close();
      });
    },
    90_000 * drillScale(),
  );
});
