// GET /api/openapi.json: generated from the route table, and the route table can't drift from the
// routes the Hono app actually registers.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { OpenApiDocument } from "../worker/api/openapi";
import { honoPath, pathParams, ROUTES } from "../worker/api/routes";
import app from "../worker/index";
import { BASE } from "./helpers";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** "METHOD /hono/path" for every handler the app registers; middleware (ALL) and /api/_ internals left out. */
function registered(): Set<string> {
  return new Set(
    app.routes
      .filter((r) => METHODS.has(r.method) && !r.path.startsWith("/api/_"))
      .map((r) => `${r.method} ${r.path}`),
  );
}

async function fetchDoc(): Promise<OpenApiDocument> {
  const res = await SELF.fetch(`${BASE}/api/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  return res.json<OpenApiDocument>();
}

type Op = {
  operationId: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref?: string } }> }>;
  security: Record<string, string[]>[];
  "x-websocket"?: Record<string, { $ref: string }>;
};
const op = (doc: OpenApiDocument, method: string, path: string) =>
  doc.paths[path]?.[method] as Op | undefined;

describe("route table ↔ Hono app", () => {
  it("lists every route the app registers, and nothing it doesn't", () => {
    const table = new Set(ROUTES.map((r) => `${r.method} ${honoPath(r)}`));
    const app = registered();
    expect(
      [...app].filter((r) => !table.has(r)),
      "registered but missing from worker/api/routes.ts",
    ).toEqual([]);
    expect(
      [...table].filter((r) => !app.has(r)),
      "in the table but not registered",
    ).toEqual([]);
    expect(table.size).toBe(ROUTES.length);
  });

  it("every example body passes the schema the route validates with", () => {
    for (const r of ROUTES) {
      if (r.body?.type !== "json") continue;
      expect(r.body.schema.safeParse(r.body.example).success, `${r.method} ${r.path}`).toBe(true);
    }
  });
});

describe("GET /api/openapi.json", () => {
  it("needs no credentials and describes every route with params, bodies and responses", async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe("3.1.0");
    for (const r of ROUTES) {
      const o = op(doc, r.method.toLowerCase(), r.path);
      expect(o, `${r.method} ${r.path}`).toBeDefined();
      if (!o) continue;
      const where = `${r.method} ${r.path}`;
      const inPath = o.parameters.filter((p) => p.in === "path").map((p) => p.name);
      expect(inPath, where).toEqual(pathParams(r.path));
      expect(Boolean(o.requestBody), where).toBe(Boolean(r.body));
      expect(o.responses[String(r.ok.status)], where).toBeDefined();
      if (r.auth !== "none") expect(o.responses["401"], where).toBeDefined();
      if (r.params) expect(o.responses["404"], where).toBeDefined();
      if (r.body?.type === "json") {
        for (const s of ["400", "413", "415"]) expect(o.responses[s], `${where} ${s}`).toBeDefined();
      }
      // Every failure answers the one error shape.
      for (const [status, res] of Object.entries(o.responses)) {
        if (Number(status) >= 400) {
          expect(res.content?.["application/json"]?.schema.$ref, `${where} ${status}`).toBe(
            "#/components/schemas/Error",
          );
        }
      }
      expect(o.security.length === 0, where).toBe(r.auth === "none");
    }
    const ops = Object.values(doc.paths).flatMap((item) => Object.keys(item));
    expect(ops).toHaveLength(ROUTES.length);
  });

  it("generates bodies and queries from the zod input schemas", async () => {
    const doc = await fetchDoc();
    const create = op(doc, "post", "/api/orchestrators")!;
    const body = create.requestBody!.content["application/json"]!.schema;
    expect(body).toMatchObject({ type: "object", required: ["name"], additionalProperties: false });
    expect(Object.keys(body.properties as object)).toEqual([
      "name",
      "model",
      "systemPrompt",
      "budgetUsd",
      "toolPolicy",
      "thinking",
      "approvalTimeoutSec",
    ]);
    expect(op(doc, "post", "/api/orchestrators/{id}/interrupt")!.requestBody!.required).toBe(false);

    const events = op(doc, "get", "/api/orchestrators/{id}/events")!;
    expect(events.parameters.filter((p) => p.in === "query")).toEqual([
      expect.objectContaining({
        name: "after",
        required: false,
        schema: expect.objectContaining({ default: 0 }),
      }),
      expect.objectContaining({ name: "limit", required: false }),
    ]);
    const usage = op(doc, "get", "/api/usage")!;
    expect(usage.parameters.find((p) => p.name === "groupBy")).toMatchObject({
      schema: { enum: ["day", "model", "orchestrator"] },
    });
    const put = op(doc, "put", "/api/orchestrators/{id}/files/{path}")!;
    expect(Object.keys(put.requestBody!.content)).toEqual(["text/plain"]);
  });

  it("describes both credentials, the SSE and WebSocket endpoints and their frames", async () => {
    const doc = await fetchDoc();
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: "apiKey",
      in: "cookie",
      name: "__Host-baton_session",
    });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(op(doc, "post", "/api/tokens")!.security).toEqual([{ session: [] }]);

    const sse = op(doc, "get", "/api/orchestrators/{id}/stream")!;
    expect(sse.responses["200"]!.content!["text/event-stream"]!.schema.$ref).toBe(
      "#/components/schemas/StreamEvent",
    );
    expect(sse.parameters.map((p) => p.name)).toEqual([
      "id",
      "after",
      "deltas",
      "ticket",
      "access_token",
      "Last-Event-ID",
    ]);
    expect(sse.parameters.find((p) => p.name === "access_token")).toMatchObject({ deprecated: true });

    const ws = op(doc, "get", "/api/orchestrators/{id}/agents/{agentId}/ws")!;
    expect(ws.responses["101"]).toBeDefined();
    expect(ws.responses["426"]).toBeDefined();
    expect(ws["x-websocket"]).toEqual({
      clientFrames: { $ref: "#/components/schemas/ClientFrame" },
      serverFrames: { $ref: "#/components/schemas/ServerFrame" },
    });
    const client = doc.components.schemas.ClientFrame as {
      oneOf: { properties: { type: { const: string } } }[];
    };
    expect(client.oneOf.map((f) => f.properties.type.const)).toEqual([
      "resume",
      "send",
      "interrupt",
      "approve",
      "ping",
    ]);
    const server = doc.components.schemas.ServerFrame as { oneOf: unknown[] };
    expect(server.oneOf).toHaveLength(8);
    // Live text (DESIGN §11): a frame of its own, also the data of SSE `event: delta` messages.
    expect(doc.components.schemas.DeltaFrame).toMatchObject({
      required: expect.arrayContaining(["stream", "messageId", "index", "kind", "offset", "text"]),
    });
    expect(sse.parameters.find((p) => p.name === "deltas")).toMatchObject({ schema: { enum: ["0", "1"] } });
    const events = doc.components.schemas.StreamEvent as {
      oneOf: { properties: { type: { const: string } } }[];
    };
    expect(events.oneOf.map((e) => e.properties.type.const)).toContain("run.completed");
  });

  it("every $ref points at a component", async () => {
    const doc = await fetchDoc();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(ROUTES.length);
    for (const name of new Set(refs)) expect(doc.components.schemas[name], name).toBeDefined();
  });
});
