// CSRF: cookie-authenticated writes (and login/sign-up, which set cookies) need a same-origin
// Origin; bearer-token writes don't; every WebSocket upgrade does. Plus the API's security headers.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API_CSP } from "../worker/auth/headers";
import { call, errorOf, newToken, ORIGIN, PASSWORD, signup, uniqueEmail } from "./auth-helpers";

const patchMe = { method: "PATCH", body: { budgetUsd: 5 } } as const;

describe("CSRF guard", () => {
  it("refuses a cookie write with no Origin (403 bad_origin)", async () => {
    const a = await signup();
    const res = await call("/api/me", { ...patchMe, cookie: a.cookie, origin: null });
    expect(res.status).toBe(403);
    const body = await errorOf(res);
    expect(body.error.code).toBe("bad_origin");
    expect(body.error.message).toContain("Origin");
  });

  it("refuses a cookie write from a foreign or opaque Origin", async () => {
    const a = await signup();
    for (const origin of [
      "https://evil.example",
      "https://baton.test.evil.example",
      "http://baton.test",
      "null",
      "not a url",
    ]) {
      const res = await call("/api/me", { ...patchMe, cookie: a.cookie, origin });
      expect(res.status, origin).toBe(403);
      expect((await errorOf(res)).error.code).toBe("bad_origin");
    }
    for (const path of ["/api/tokens", "/api/auth/password", "/api/auth/logout"]) {
      const res = await call(path, { cookie: a.cookie, origin: "https://evil.example", body: {} });
      expect(res.status, path).toBe(403);
    }
  });

  it("allows a same-origin cookie write", async () => {
    const a = await signup();
    expect((await call("/api/me", { ...patchMe, cookie: a.cookie, origin: ORIGIN })).status).toBe(200);
  });

  it("allows a bearer write with no Origin, or any Origin", async () => {
    const a = await signup();
    const tok = await newToken(a);
    expect((await call("/api/me", { ...patchMe, token: tok.secret, origin: null })).status).toBe(200);
    expect(
      (await call("/api/me", { ...patchMe, token: tok.secret, origin: "https://elsewhere.example" })).status,
    ).toBe(200);
  });

  it("leaves reads alone", async () => {
    const a = await signup();
    expect((await call("/api/me", { cookie: a.cookie, origin: "https://evil.example" })).status).toBe(200);
  });

  it("guards login and sign-up too, since they set cookies", async () => {
    const a = await signup();
    const login = await call("/api/auth/login", {
      body: { email: a.email, password: PASSWORD },
      origin: null,
    });
    expect(login.status).toBe(403);
    expect(login.headers.getSetCookie()).toEqual([]);
    const signupRes = await call("/api/auth/signup", {
      body: { email: uniqueEmail(), password: PASSWORD },
      origin: "https://evil.example",
    });
    expect(signupRes.status).toBe(403);
  });

  it("checks Origin on cookie upgrades only: a token upgrade needs none (scripts send no Origin)", async () => {
    const a = await signup();
    const tok = await newToken(a);
    const path = `${ORIGIN}/api/orchestrators/x/ws`;
    const upgrade = (url: string, headers: Record<string, string>) =>
      SELF.fetch(url, { headers: { Upgrade: "websocket", ...headers } });
    // The session cookie is ambient: a page on another site could make the browser send it.
    expect((await upgrade(path, { Cookie: a.cookie })).status).toBe(403);
    expect((await upgrade(path, { Cookie: a.cookie, Origin: "https://evil.example" })).status).toBe(403);
    expect((await upgrade(path, { Cookie: a.cookie, Origin: ORIGIN })).status).not.toBe(403);
    // A token the client names itself borrows nothing: past the guard (404: no such orchestrator).
    for (const headers of [{}, { Origin: "https://elsewhere.example" }] as Record<string, string>[]) {
      expect((await upgrade(`${path}?access_token=${tok.secret}`, headers)).status).toBe(404);
      expect((await upgrade(path, { ...headers, Authorization: `Bearer ${tok.secret}` })).status).toBe(404);
    }
  });
});

describe("security headers on API responses", () => {
  it("are set on success and on errors", async () => {
    for (const res of [await SELF.fetch(`${ORIGIN}/api/health`), await SELF.fetch(`${ORIGIN}/api/nope`)]) {
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      expect(res.headers.get("Content-Security-Policy")).toBe(API_CSP);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
    }
  });

  it("are set on 401s and 403s from the auth layer", async () => {
    const res = await call("/api/me", { ...patchMe, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });
});
