// Bad input on every route that takes a body or a query, generated from the route table: always a
// 4xx (never a 5xx) with {"error":{"code","message"}} whose message names the field. Plus garbage
// WebSocket frames: an `error` frame each, the socket stays open and the object keeps working.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { INPUT_LIMITS } from "../schema/api";
import type { AgentSummary } from "../schema/events";
import { fillPath, type ParamKind, ROUTES, type RouteSpec } from "../worker/api/routes";
import { type Account, type ErrorBody, freshIp, ORIGIN, signup } from "./auth-helpers";
import { fixtureUrl } from "./connector-helpers";
import { allEvents, makeUser, runsIdle, sim, waitFor } from "./helpers";
import { WsClient } from "./ws-client";

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

let owner: Account;
let ids: Record<ParamKind, string>;

beforeAll(async () => {
  owner = await signup();
  const headers = { Cookie: `__Host-baton_session=${owner.cookie}`, Origin: ORIGIN };
  const made = await SELF.fetch(`${ORIGIN}/api/orchestrators`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Bad input" }),
  });
  const id = (await made.json<{ id: string }>()).id;
  // An agent to aim the agent routes at, so validation (not a 404) is what answers.
  await SELF.fetch(`${ORIGIN}/api/orchestrators/${id}/messages`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({
      text: sim([{ tools: [{ name: "create_agent", input: { name: "gamma", instructions: "Wait." } }] }]),
    }),
  });
  await waitFor(env.ORCHESTRATOR.getByName(id), runsIdle(1));
  const list = await SELF.fetch(`${ORIGIN}/api/orchestrators/${id}/agents`, { headers });
  const agent = (await list.json<{ agents: AgentSummary[] }>()).agents[0]!;
  // A template to aim the template routes at, so validation (not a 404) is what answers.
  const template = await SELF.fetch(`${ORIGIN}/api/templates`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "bad-input", instructions: "Wait." }),
  });
  // A connector of the owner's, so the connector routes answer validation, not a 404.
  const connector = await SELF.fetch(`${ORIGIN}/api/connectors`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "bad-input", url: `${fixtureUrl()}/mcp` }),
  });
  ids = {
    orchestrator: id,
    agent: agent.id,
    token: "none",
    file: "notes/bad-input.md",
    approval: "apr_none",
    run: "run_none",
    message: "msg_none",
    template: (await template.json<{ id: string }>()).id,
    connector: (await connector.json<{ id: string }>()).id,
  };
});

/** The password route counts every attempt per user before reading the body; give it a fresh user. */
const account = async (r: RouteSpec) => (r.auth === "session" && r.errors?.rate_limited ? signup() : owner);

async function send(
  r: RouteSpec,
  body: BodyInit | null,
  opts: { contentType?: string | null; query?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const who = await account(r);
  const headers = new Headers({
    Cookie: `__Host-baton_session=${who.cookie}`,
    Origin: ORIGIN,
    "CF-Connecting-IP": freshIp(),
    ...opts.headers,
  });
  const contentType = opts.contentType === undefined ? "application/json" : opts.contentType;
  if (contentType && body !== null) headers.set("Content-Type", contentType);
  if (r.kind === "sse") headers.set("Accept", "text/event-stream");
  const url = `${ORIGIN}${fillPath(r, ids)}${opts.query ? `?${opts.query}` : ""}`;
  return SELF.fetch(url, { method: r.method, headers, body, duplex: "half" } as RequestInit);
}

async function expectFieldError(res: Response, status: number, field: string, where: string) {
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) await res.body?.cancel();
  const text = await res.text();
  expect(res.status, `${where} → ${text.slice(0, 300)}`).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code, where).toMatch(/^[a-z_]+$/);
  expect(body.error.message, where).toContain(`${field}:`);
}

const jsonRoutes = ROUTES.filter((r) => r.body?.type === "json");
const queryRoutes = ROUTES.filter((r) => r.query);

const typesOf = (s: JsonSchema): string[] =>
  s.anyOf ? s.anyOf.flatMap(typesOf) : Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
/** A value of a type the field never takes. */
const wrongValue = (s: JsonSchema): unknown => (typesOf(s).includes("string") ? 12345 : "wrong");

function bodyShape(r: RouteSpec): { properties: Record<string, JsonSchema>; required: string[] } {
  if (r.body?.type !== "json") throw new Error("not a JSON body");
  const s = z.toJSONSchema(r.body.schema, { io: "input" }) as JsonSchema;
  return { properties: s.properties ?? {}, required: s.required ?? [] };
}

describe.each(jsonRoutes)("$method $path: bad JSON bodies", (r) => {
  const example = r.body?.type === "json" ? r.body.example : {};
  const where = `${r.method} ${r.path}`;
  const big = JSON.stringify({ ...example, filler: "x".repeat(INPUT_LIMITS.bodyBytes) });
  const cases: { name: string; body: () => BodyInit; contentType?: string | null; status: number }[] = [
    { name: "malformed JSON", body: () => '{"text": "unterminated', status: 400 },
    { name: "a JSON array", body: () => "[1, 2, 3]", status: 400 },
    { name: "JSON null", body: () => "null", status: 400 },
    {
      name: "bad UTF-8 bytes",
      body: () => new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
      status: 400,
    },
    { name: "text/plain", body: () => JSON.stringify(example), contentType: "text/plain", status: 415 },
    { name: "a form", body: () => "a=1", contentType: "application/x-www-form-urlencoded", status: 415 },
    { name: "no Content-Type", body: () => JSON.stringify(example), contentType: null, status: 415 },
    {
      name: "a non-UTF-8 charset",
      body: () => "{}",
      contentType: "application/json; charset=latin1",
      status: 415,
    },
    { name: `over ${INPUT_LIMITS.bodyBytes} bytes`, body: () => big, status: 413 },
    {
      name: "over the limit, streamed without Content-Length",
      body: () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < 4; i++)
              c.enqueue(new TextEncoder().encode(big.slice(i * 70_000, (i + 1) * 70_000)));
            c.close();
          },
        }),
      status: 413,
    },
  ];
  if (!(r.body?.type === "json" && r.body.optional))
    cases.push({ name: "empty", body: () => "", status: 400 });

  it.each(cases)("$name → $status naming body", async ({ body, contentType, status }) => {
    await expectFieldError(await send(r, body(), { contentType }), status, "body", where);
  });

  it("each field with a wrong type → 400 naming it", async () => {
    const { properties } = bodyShape(r);
    expect(Object.keys(properties).length).toBeGreaterThan(0);
    for (const [field, schema] of Object.entries(properties)) {
      const res = await send(r, JSON.stringify({ ...example, [field]: wrongValue(schema) }));
      await expectFieldError(res, 400, field, `${where} ${field}`);
    }
  });

  it("each required field missing → 400 '<field>: is required'", async () => {
    for (const field of bodyShape(r).required) {
      const { [field]: _, ...rest } = example;
      const res = await send(r, JSON.stringify(rest));
      expect(res.status, `${where} without ${field}`).toBe(400);
      expect((await res.json<ErrorBody>()).error.message).toContain(`${field}: is required`);
    }
  });

  it("an unknown field, and a deeply nested value → 400 naming the field", async () => {
    await expectFieldError(
      await send(r, JSON.stringify({ ...example, isAdmin: true })),
      400,
      "isAdmin",
      where,
    );
    const first = Object.keys(bodyShape(r).properties)[0]!;
    const nested = `{"${first}": ${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
    await expectFieldError(await send(r, nested), 400, first, `${where} nested`);
  });
});

describe("PUT a file: bad uploads", () => {
  const put = ROUTES.find((r) => r.method === "PUT" && r.body?.type === "text")!;
  it("over the file limit → 413, bad UTF-8 → 400, a bad path → 400 naming path", async () => {
    const max = put.body?.type === "text" ? put.body.maxBytes : 0;
    await expectFieldError(
      await send(put, "x".repeat(max + 1), { contentType: "text/plain" }),
      413,
      "body",
      "big",
    );
    await expectFieldError(await send(put, new Uint8Array([0xff, 0xfe, 0x00])), 400, "body", "utf-8");
    for (const bad of ["..%2Fsecret.md", "a/%00b.md", "folder/", "%E0%A4%A"]) {
      await expectFieldError(await putRaw(bad), 400, "path", bad);
    }
  });

  // Characters that make one name look like another, or hide: refused (never trimmed or dropped),
  // naming the character and its position.
  const spoofing: [string, string][] = [
    ["notes%E2%80%AEdm.txt", "U+202E RIGHT-TO-LEFT OVERRIDE at position 6"],
    ["a%E2%81%A6b.md", "U+2066 LEFT-TO-RIGHT ISOLATE at position 2"],
    ["%E2%80%8Fx.md", "U+200F RIGHT-TO-LEFT MARK at position 1"],
    ["x%D8%9C.md", "U+061C ARABIC LETTER MARK at position 2"],
    ["re%E2%80%8Bport.md", "U+200B ZERO WIDTH SPACE at position 3"],
    ["a%EF%BB%BF.md", "U+FEFF ZERO WIDTH NO-BREAK SPACE at position 2"],
    ["a%E2%81%A0b.md", "U+2060 WORD JOINER at position 2"],
    ["tab%09.md", "U+0009 (a control character) at position 4"],
    ["del%7F.md", "U+007F DELETE at position 4"],
    ["c1%C2%85.md", "U+0085 (a control character) at position 3"],
    ["%20notes.md", "U+0020 SPACE at position 1, at the start of a name"],
    ["notes.md%20", "U+0020 SPACE at position 9, at the end of a name"],
    ["notes%20/a.md", "U+0020 SPACE at position 6, at the end of a name"],
    ["notes/%C2%A0a.md", "U+00A0 NO-BREAK SPACE at position 7, at the start of a name"],
  ];
  it.each(spoofing)("PUT %s → 400 'path: contains %s'", async (bad, why) => {
    const res = await putRaw(bad);
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const body = JSON.parse(text) as ErrorBody & { error: { details: { issues: { field: string }[] } } };
    expect(body.error.message).toBe(
      `path: contains ${why}${why.includes("name") ? "; names may not begin or end with spaces" : ""}.`,
    );
    expect(body.error.details.issues[0]!.field).toBe("path");
  });

  it("the same paths are tool errors naming the character for the model", async () => {
    const headers = {
      Cookie: `__Host-baton_session=${owner.cookie}`,
      Origin: ORIGIN,
      "Content-Type": "application/json",
    };
    const tools = spoofing.map(([bad]) => ({ name: "read_file", input: { path: decodeURIComponent(bad) } }));
    const orchestrator = env.ORCHESTRATOR.getByName(ids.orchestrator);
    const before = (await allEvents(orchestrator)).length;
    await SELF.fetch(`${ORIGIN}/api/orchestrators/${ids.orchestrator}/messages`, {
      method: "POST",
      headers,
      body: JSON.stringify({ text: sim([{ tools }, { text: "Checked." }]) }),
    });
    const events = (await waitFor(orchestrator, runsIdle(2))).slice(before);
    const results = events.filter((e) => e.type === "tool.result");
    expect(results).toHaveLength(spoofing.length);
    results.forEach((r, i) => {
      expect(r).toMatchObject({
        isError: true,
        content: expect.stringContaining(`path: contains ${spoofing[i]![1]}`),
      });
    });
  });
});

function putRaw(rawPath: string): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/api/orchestrators/${ids.orchestrator}/files/${rawPath}`, {
    method: "PUT",
    headers: { Cookie: `__Host-baton_session=${owner.cookie}`, Origin: ORIGIN },
    body: "text",
  });
}

/** Values a query parameter never accepts, from its JSON schema. */
function badValues(s: JsonSchema): string[] {
  const out: string[] = [];
  const types = typesOf(s);
  if (types.includes("integer") || types.includes("number")) {
    out.push("x", "1.5", "1e400");
    if (s.minimum !== undefined) out.push(String(s.minimum - 1));
    if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) out.push(String(s.maximum + 1));
  }
  if (s.enum) out.push("bogus");
  if (s.format === "date") out.push("2025-02-30", "yesterday");
  if (s.maxLength !== undefined) out.push("x".repeat(s.maxLength + 1));
  return out;
}

describe.each(queryRoutes)("$method $path: bad query values", (r) => {
  const where = `${r.method} ${r.path}`;
  const shape = z.toJSONSchema(r.query!, { io: "input" }) as JsonSchema;

  it("each bad value → 400 naming the parameter", async () => {
    let tried = 0;
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      for (const value of badValues(schema)) {
        const res = await send(r, null, { query: `${name}=${encodeURIComponent(value)}` });
        await expectFieldError(res, 400, name, `${where}?${name}=${value.slice(0, 20)}`);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(0);
  });

  it("an unknown parameter, and a repeated one → 400 naming it", async () => {
    await expectFieldError(await send(r, null, { query: "verbose=1" }), 400, "verbose", where);
    const first = Object.keys(shape.properties ?? {})[0]!;
    await expectFieldError(
      await send(r, null, { query: `${first}=1&${first}=2` }),
      400,
      first,
      `${where} repeat`,
    );
  });
});

describe("bad input that isn't one field", () => {
  it("usage with from after to → 400 naming from; SSE with a bad Last-Event-ID → 400 naming it", async () => {
    const usage = ROUTES.find((r) => r.operationId === "usage")!;
    await expectFieldError(
      await send(usage, null, { query: "from=2025-03-01&to=2025-01-01" }),
      400,
      "from",
      "usage",
    );
    for (const r of ROUTES.filter((x) => x.kind === "sse")) {
      for (const bad of ["abc", "-1", "1.5"]) {
        const res = await send(r, null, { headers: { "Last-Event-ID": bad } });
        await expectFieldError(res, 400, "Last-Event-ID", `${r.path} ${bad}`);
      }
    }
  });
});

describe("odd ids and paths", () => {
  // Raw (already URL-encoded) values put straight into the path: broken escapes, NULs, huge ids.
  const odd = ["%ZZ", "%00", "%E2%82", "x".repeat(4000), "%F0%9F%98%80", "..%2F..%2Fetc", "a%2Fb", "%20"];

  it.each(ROUTES.filter((r) => r.params))("$method $path answers 4xx, never 5xx", async (r) => {
    for (const value of odd) {
      for (const target of Object.keys(r.params ?? {})) {
        const path = r.path.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === target ? value : encodeURIComponent(ids[r.params![name]!]).replace(/%2F/g, "/"),
        );
        const headers: Record<string, string> = {
          Cookie: `__Host-baton_session=${owner.cookie}`,
          Origin: ORIGIN,
        };
        if (r.kind === "websocket") headers.Upgrade = "websocket";
        if (r.body?.type === "json") headers["Content-Type"] = "application/json";
        const body = r.body
          ? r.body.type === "json"
            ? JSON.stringify(r.body.example)
            : r.body.example
          : undefined;
        const res = await SELF.fetch(`${ORIGIN}${path}`, { method: r.method, headers, body });
        const where = `${r.method} ${path.slice(0, 120)}`;
        if (res.webSocket) {
          // A file path isn't part of a socket route; an id that resolves can't happen with these values.
          throw new Error(`${where} upgraded`);
        }
        const text = await res.text();
        expect(res.status, `${where} → ${text.slice(0, 200)}`).toBeLessThan(500);
        // Some odd file paths are fine names (an emoji, a/b); ids never are.
        if (r.params?.[target] === "file" && res.status < 300) continue;
        expect(res.status, `${where} → ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect((JSON.parse(text) as ErrorBody).error.code, where).toMatch(/^[a-z_]+$/);
      }
    }
  });
});

describe("WebSocket garbage frames", () => {
  const garbage: { name: string; frame: string | Uint8Array }[] = [
    { name: "not JSON", frame: "hello there" },
    { name: "empty", frame: "" },
    { name: "truncated JSON", frame: '{"type":"send","text":"hi' },
    { name: "an array", frame: "[1,2,3]" },
    { name: "null", frame: "null" },
    { name: "a string", frame: '"ping"' },
    { name: "unknown type", frame: JSON.stringify({ type: "launch" }) },
    { name: "no type", frame: JSON.stringify({ text: "hi" }) },
    { name: "send without text", frame: JSON.stringify({ type: "send" }) },
    { name: "send with a number", frame: JSON.stringify({ type: "send", text: 42 }) },
    {
      name: "send too long",
      frame: JSON.stringify({ type: "send", text: "x".repeat(INPUT_LIMITS.messageChars + 1) }),
    },
    { name: "resume backwards", frame: JSON.stringify({ type: "resume", after: -1 }) },
    { name: "resume with a string", frame: JSON.stringify({ type: "resume", after: "10" }) },
    { name: "__proto__ smuggling", frame: '{"__proto__":{"type":"ping"}}' },
    { name: "deeply nested", frame: `${"[".repeat(40_000)}${"]".repeat(40_000)}` },
    { name: "binary", frame: new Uint8Array([0, 1, 2, 0xff, 0xfe]) },
    { name: "huge binary", frame: new Uint8Array(300_000).fill(0x7b) },
    { name: "huge text", frame: "x".repeat(300_000) },
  ];

  const streams = (orchestratorId: string, agentId: string) => [
    `/api/orchestrators/${orchestratorId}/ws`,
    `/api/orchestrators/${orchestratorId}/agents/${agentId}/ws`,
  ];

  it("each gets an error frame; the socket stays open; ping still pongs; the orchestrator still runs", async () => {
    // A bearer user (the WsClient helper's credential) with an orchestrator and an agent.
    const user = await makeUser();
    const auth = { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" };
    const made = await SELF.fetch(`${ORIGIN}/api/orchestrators`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ name: "Garbage" }),
    });
    const id = (await made.json<{ id: string }>()).id;
    await SELF.fetch(`${ORIGIN}/api/orchestrators/${id}/messages`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        text: sim([{ tools: [{ name: "create_agent", input: { name: "delta", instructions: "Wait." } }] }]),
      }),
    });
    const orchestrator = env.ORCHESTRATOR.getByName(id);
    await waitFor(orchestrator, runsIdle(1));
    const agentId = (await orchestrator.agents())[0]!.id;

    for (const path of streams(id, agentId)) {
      const c = await WsClient.connect(user, path);
      await c.until((x) => x.frames.some((f) => f.type === "ready"));
      for (const g of garbage) c.ws.send(g.frame);
      await c.until((x) => x.frames.filter((f) => f.type === "error").length >= garbage.length);
      const errors = c.frames.filter((f) => f.type === "error");
      expect(errors, path).toHaveLength(garbage.length);
      expect(
        errors.every((e) => e.code === "bad_frame"),
        path,
      ).toBe(true);
      // Frame-level messages name the field, like HTTP ones do.
      expect(String(errors[8]!.message)).toMatch(/text/);
      expect(String(errors[11]!.message)).toMatch(/after/);
      expect(c.closed, path).toBe(false);
      expect(c.reconnects, path).toBe(0);

      c.send({ type: "ping" });
      await c.until((x) => x.frames.some((f) => f.type === "pong"));
      expect(c.closed, path).toBe(false);
      c.close();
    }

    // And the orchestrator still does its job over the same protocol.
    const c = await WsClient.connect(
      user,
      `/api/orchestrators/${id}/ws`,
      (await allEvents(orchestrator)).length,
    );
    for (const g of garbage.slice(0, 4)) c.ws.send(g.frame);
    c.send({ type: "send", text: sim([{ text: "still here" }]), clientId: "after-garbage" });
    await c.until((x) => [...x.events.values()].some((e) => e.type === "run.completed"));
    expect(c.frames.find((f) => f.type === "sent")).toMatchObject({ clientId: "after-garbage" });
    expect(c.frames.filter((f) => f.type === "error")).toHaveLength(4);
    c.close();
  });
});
