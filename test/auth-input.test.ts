// Bad input against the real account routes: always a 4xx whose message names the field.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INPUT_LIMITS } from "../schema/api";
import { type Account, call, type ErrorBody, freshIp, ORIGIN, PASSWORD, signup } from "./auth-helpers";

type Case = { name: string; body: BodyInit; contentType?: string | null; status: number; field: string };

const cases: Case[] = [
  { name: "malformed JSON", body: '{"email": "a@b.co", ', status: 400, field: "body" },
  { name: "empty body", body: "", status: 400, field: "body" },
  { name: "array body", body: "[1,2]", status: 400, field: "body" },
  {
    name: "bad UTF-8",
    body: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    status: 400,
    field: "body",
  },
  {
    name: "wrong content-type",
    body: "email=a@b.co",
    contentType: "application/x-www-form-urlencoded",
    status: 415,
    field: "body",
  },
  { name: "no content-type", body: "{}", contentType: null, status: 415, field: "body" },
  {
    name: "oversized body",
    body: JSON.stringify({ email: "x".repeat(INPUT_LIMITS.bodyBytes + 1) }),
    status: 413,
    field: "body",
  },
];

type Route = {
  path: string;
  method: string;
  auth: boolean;
  fields: Record<string, unknown>;
  wrongType: [string, unknown];
  missing: string;
};
const routes: Route[] = [
  {
    path: "/api/auth/signup",
    method: "POST",
    auth: false,
    fields: { email: "new@example.com", password: PASSWORD },
    wrongType: ["password", 1234567890123],
    missing: "email",
  },
  {
    path: "/api/auth/login",
    method: "POST",
    auth: false,
    fields: { email: "x@example.com", password: PASSWORD },
    wrongType: ["email", ["x@example.com"]],
    missing: "password",
  },
  {
    path: "/api/auth/password",
    method: "POST",
    auth: true,
    fields: { currentPassword: PASSWORD, newPassword: "another password" },
    wrongType: ["newPassword", null],
    missing: "currentPassword",
  },
  {
    path: "/api/me",
    method: "PATCH",
    auth: true,
    fields: { budgetUsd: 1 },
    wrongType: ["budgetUsd", "10"],
    missing: "",
  },
  {
    path: "/api/tokens",
    method: "POST",
    auth: true,
    fields: { name: "ci" },
    wrongType: ["name", { text: "ci" }],
    missing: "name",
  },
];

function send(
  route: Route,
  account: Account,
  body: BodyInit,
  contentType: string | null = "application/json",
) {
  const headers: Record<string, string> = { Origin: ORIGIN, "CF-Connecting-IP": freshIp() };
  if (contentType) headers["Content-Type"] = contentType;
  if (route.auth) headers.Cookie = `__Host-baton_session=${account.cookie}`;
  return SELF.fetch(`${ORIGIN}${route.path}`, { method: route.method, headers, body });
}

async function expectFieldError(res: Response, status: number, field: string) {
  expect(res.status).toBe(status);
  const e = await res.json<ErrorBody>();
  expect(e.error.code).toMatch(/^[a-z_]+$/);
  expect(e.error.message).toContain(`${field}:`);
}

describe.each(routes)("$method $path rejects bad input", (route) => {
  it.each(cases)("$name → $status", async ({ body, contentType, status, field }) => {
    const account = await signup();
    await expectFieldError(await send(route, account, body, contentType), status, field);
  });

  it("unknown field → 400 naming it", async () => {
    const account = await signup();
    const res = await send(route, account, JSON.stringify({ ...route.fields, isAdmin: true }));
    await expectFieldError(res, 400, "isAdmin");
  });

  it("wrong type → 400 naming the field", async () => {
    const account = await signup();
    const [field, value] = route.wrongType;
    await expectFieldError(
      await send(route, account, JSON.stringify({ ...route.fields, [field]: value })),
      400,
      field,
    );
  });
});

// PATCH /api/me has no required fields, so it sits this one out.
describe.each(routes.filter((r) => r.missing))("$method $path names missing fields", (route) => {
  it("missing field → 400 '<field>: is required'", async () => {
    const account = await signup();
    const { [route.missing]: _, ...rest } = route.fields;
    const res = await send(route, account, JSON.stringify(rest));
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.message).toContain(`${route.missing}: is required`);
  });
});

describe("bad input elsewhere", () => {
  it("usage query: bad dates, unknown groupBy, from after to, unknown parameter", async () => {
    const a = await signup();
    for (const [q, field] of [
      ["from=yesterday", "from"],
      ["to=2025-13-01", "to"],
      ["groupBy=week", "groupBy"],
      ["from=2025-02-01&to=2025-01-01", "from"],
      ["limit=5", "limit"],
    ] as const) {
      const res = await call(`/api/usage?${q}`, { cookie: a.cookie });
      expect(res.status, q).toBe(400);
      expect((await res.json<ErrorBody>()).error.message, q).toContain(`${field}:`);
    }
  });

  it("email that isn't one and a token name that's blank", async () => {
    const a = await signup();
    const bad = await call("/api/auth/signup", { body: { email: "not-an-email", password: PASSWORD } });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.message).toContain("email: must be an email address");
    const blank = await call("/api/tokens", { cookie: a.cookie, body: { name: "   " } });
    expect(blank.status).toBe(400);
    expect((await blank.json<ErrorBody>()).error.message).toContain("name: must not be empty");
  });
});
