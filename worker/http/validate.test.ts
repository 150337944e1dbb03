// readJson/readQuery in isolation: every malformed input is a 4xx naming the field, never a 5xx.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { INPUT_LIMITS } from "../../schema/api";
import { errorResponse } from "./errors";
import { readJson, readQuery } from "./validate";

const body = z.strictObject({
  name: z.string().min(1),
  count: z.number().int().optional(),
  nested: z.strictObject({ on: z.boolean() }).optional(),
});
const query = z.strictObject({
  after: z.coerce.number().int().nonnegative().default(0),
  kind: z.enum(["a", "b"]).optional(),
});

const app = new Hono()
  .post("/body", async (c) => c.json(await readJson(c, body)))
  .post("/optional", async (c) =>
    c.json(await readJson(c, z.strictObject({ agents: z.boolean().optional() }), { allowEmpty: true })),
  )
  .get("/query", (c) => c.json(readQuery(c, query)));
app.onError(errorResponse);

type Err = {
  error: { code: string; message: string; details?: { issues: Array<{ field: string; message: string }> } };
};

const post = (
  payload: BodyInit | null,
  headers: Record<string, string> = { "Content-Type": "application/json" },
) => app.request("/body", { method: "POST", body: payload, headers });

async function expectError(res: Response, status: number, code: string, field: string) {
  expect(res.status).toBe(status);
  const e = await res.json<Err>();
  expect(e.error.code).toBe(code);
  expect(e.error.details?.issues.map((i) => i.field)).toContain(field);
  expect(e.error.message).toContain(`${field}:`);
  return e;
}

describe("readJson", () => {
  it("passes a valid body through, typed", async () => {
    const res = await post(JSON.stringify({ name: "x", count: 2 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "x", count: 2 });
  });

  it("accepts a charset and a UTF-8 BOM", async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"name":"é"}')]);
    const res = await post(bom, { "Content-Type": "application/json; charset=UTF-8" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "é" });
  });

  it("malformed JSON → 400 invalid_json", async () => {
    await expectError(await post('{"name": "x",'), 400, "invalid_json", "body");
  });

  it("empty body → 400 naming body", async () => {
    await expectError(await post(""), 400, "invalid_request", "body");
  });

  it("non-object JSON → 400 naming body", async () => {
    for (const json of ["[]", "null", '"name"', "42"]) {
      await expectError(await post(json), 400, "invalid_request", "body");
    }
  });

  it("missing field → 'is required'", async () => {
    const e = await expectError(await post("{}"), 400, "invalid_request", "name");
    expect(e.error.message).toContain("name: is required");
  });

  it("wrong type → names the field and the expected type", async () => {
    const e = await expectError(await post('{"name": 5}'), 400, "invalid_request", "name");
    expect(e.error.message).toMatch(/expected string/);
    await expectError(await post('{"name":"x","count":1.5}'), 400, "invalid_request", "count");
    await expectError(await post('{"name":"x","nested":{"on":"yes"}}'), 400, "invalid_request", "nested.on");
  });

  it("unknown fields → each named, at any depth", async () => {
    const e = await expectError(
      await post('{"name":"x","admin":true,"__proto__":{"x":1}}'),
      400,
      "invalid_request",
      "admin",
    );
    expect(e.error.message).toContain("admin: is not a known field");
    expect(e.error.details?.issues.map((i) => i.field)).toContain("__proto__");
    await expectError(
      await post('{"name":"x","nested":{"on":true,"off":1}}'),
      400,
      "invalid_request",
      "nested.off",
    );
  });

  it("bad UTF-8 → 400 invalid_encoding", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    await expectError(await post(bytes), 400, "invalid_encoding", "body");
  });

  it("wrong or missing content type → 415", async () => {
    const json = JSON.stringify({ name: "x" });
    const wrong: Record<string, string>[] = [
      { "Content-Type": "text/plain" },
      { "Content-Type": "application/x-www-form-urlencoded" },
      {},
      { "Content-Type": "application/json; charset=latin1" },
    ];
    for (const headers of wrong) {
      await expectError(await post(json, headers), 415, "unsupported_media_type", "body");
    }
    expect((await post(json, { "Content-Type": "application/merge-patch+json" })).status).toBe(200);
  });

  it("oversized body → 413, whether declared or streamed", async () => {
    const big = JSON.stringify({ name: "x".repeat(INPUT_LIMITS.bodyBytes) });
    await expectError(await post(big), 413, "payload_too_large", "body");
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent++ > 8) ctl.close();
        else ctl.enqueue(chunk);
      },
    });
    const res = await app.request("/body", {
      method: "POST",
      body: stream,
      headers: { "Content-Type": "application/json" },
      // @ts-expect-error -- duplex is required for streamed request bodies but missing from the types
      duplex: "half",
    });
    await expectError(res, 413, "payload_too_large", "body");
  });

  it("allowEmpty treats no body as {}", async () => {
    const empty = await app.request("/optional", { method: "POST" });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({});
    const given = await app.request("/optional", {
      method: "POST",
      body: '{"agents":true}',
      headers: { "Content-Type": "application/json" },
    });
    expect(await given.json()).toEqual({ agents: true });
    expect(
      (
        await app.request("/optional", {
          method: "POST",
          body: '{"x":1}',
          headers: { "Content-Type": "application/json" },
        })
      ).status,
    ).toBe(400);
  });
});

describe("readQuery", () => {
  it("coerces and defaults", async () => {
    expect(await (await app.request("/query?after=5&kind=a")).json()).toEqual({ after: 5, kind: "a" });
    expect(await (await app.request("/query")).json()).toEqual({ after: 0 });
  });

  it("drops access_token, ticket and empty values", async () => {
    expect(await (await app.request("/query?access_token=bat_x&ticket=bst_y&after=&kind=b")).json()).toEqual({
      after: 0,
      kind: "b",
    });
  });

  it("names bad, unknown and repeated parameters", async () => {
    await expectError(await app.request("/query?after=-1"), 400, "invalid_request", "after");
    await expectError(await app.request("/query?after=abc"), 400, "invalid_request", "after");
    await expectError(await app.request("/query?kind=c"), 400, "invalid_request", "kind");
    const e = await expectError(await app.request("/query?sort=asc"), 400, "invalid_request", "sort");
    expect(e.error.message).toContain("Invalid query");
    await expectError(await app.request("/query?after=1&after=2"), 400, "invalid_request", "after");
    await expectError(await app.request("/query?constructor=1"), 400, "invalid_request", "constructor");
  });
});
