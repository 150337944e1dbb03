// Personal API tokens: shown once, stored hashed, usable as bearer, revocable at once, per-user.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ApiToken, Me } from "../schema/api";
import { sha256Hex } from "../worker/auth/crypto";
import { call, errorOf, newToken, signup } from "./auth-helpers";

describe("API tokens", () => {
  it("shows the secret once; listings never show it; D1 holds only its hash", async () => {
    const a = await signup();
    const res = await call("/api/tokens", { cookie: a.cookie, body: { name: "  deploy bot  " } });
    expect(res.status).toBe(201);
    const created = await res.json<ApiToken & { secret: string }>();
    expect(created.secret).toMatch(/^bat_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({
      name: "deploy bot",
      prefix: created.secret.slice(0, 12),
      lastUsedAt: null,
    });

    const listRes = await call("/api/tokens", { cookie: a.cookie });
    const text = await listRes.text();
    expect(text).not.toContain(created.secret);
    const list = JSON.parse(text) as { tokens: Array<Record<string, unknown>> };
    expect(list.tokens).toEqual([
      {
        id: created.id,
        name: "deploy bot",
        prefix: created.prefix,
        createdAt: created.createdAt,
        lastUsedAt: null,
      },
    ]);

    const row = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?")
      .bind(created.id)
      .first<Record<string, unknown>>();
    expect(row?.secret_hash).toBe(await sha256Hex(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);
  });

  it("authenticates as bearer, records last_used_at, and works without Origin for writes", async () => {
    const a = await signup();
    const tok = await newToken(a);
    const me = await call("/api/me", { token: tok.secret });
    expect(me.status).toBe(200);
    expect(await me.json<Me>()).toMatchObject({ via: "token", user: { id: a.userId } });
    const used = await env.DB.prepare("SELECT last_used_at AS t FROM api_tokens WHERE id = ?")
      .bind(tok.id)
      .first<number>("t");
    expect(used).toBeGreaterThan(Date.now() - 60_000);
    const patch = await call("/api/me", {
      method: "PATCH",
      token: tok.secret,
      origin: null,
      body: { budgetUsd: 3 },
    });
    expect(patch.status).toBe(200);
  });

  it("touches last_used_at at most once a minute", async () => {
    const a = await signup();
    const tok = await newToken(a);
    const thirtySecondsAgo = Date.now() - 30_000;
    await env.DB.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
      .bind(thirtySecondsAgo, tok.id)
      .run();
    await call("/api/me", { token: tok.secret });
    const t1 = await env.DB.prepare("SELECT last_used_at AS t FROM api_tokens WHERE id = ?")
      .bind(tok.id)
      .first("t");
    expect(t1).toBe(thirtySecondsAgo);
    await env.DB.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
      .bind(Date.now() - 61_000, tok.id)
      .run();
    await call("/api/me", { token: tok.secret });
    const t2 = await env.DB.prepare("SELECT last_used_at AS t FROM api_tokens WHERE id = ?")
      .bind(tok.id)
      .first<number>("t");
    expect(t2).toBeGreaterThan(Date.now() - 10_000);
  });

  it("stops working the moment it is revoked, and vanishes from the list", async () => {
    const a = await signup();
    const tok = await newToken(a);
    expect((await call("/api/me", { token: tok.secret })).status).toBe(200);
    const del = await call(`/api/tokens/${tok.id}`, { method: "DELETE", cookie: a.cookie });
    expect(del.status).toBe(204);
    const after = await call("/api/me", { token: tok.secret });
    expect(after.status).toBe(401);
    expect((await errorOf(after)).error.code).toBe("unauthenticated");
    const list = await (await call("/api/tokens", { cookie: a.cookie })).json<{ tokens: ApiToken[] }>();
    expect(list.tokens).toEqual([]);
    // Revoking twice is a 404: there is no live token with that id.
    expect((await call(`/api/tokens/${tok.id}`, { method: "DELETE", cookie: a.cookie })).status).toBe(404);
  });

  it("a token can revoke itself", async () => {
    const a = await signup();
    const tok = await newToken(a);
    expect(
      (await call(`/api/tokens/${tok.id}`, { method: "DELETE", token: tok.secret, origin: null })).status,
    ).toBe(204);
    expect((await call("/api/me", { token: tok.secret })).status).toBe(401);
  });

  it("keeps users apart: B can neither list nor delete A's tokens (404)", async () => {
    const a = await signup();
    const b = await signup();
    const tokA = await newToken(a, "a's");
    await newToken(b, "b's");
    const listB = await (await call("/api/tokens", { cookie: b.cookie })).json<{ tokens: ApiToken[] }>();
    expect(listB.tokens.map((t) => t.name)).toEqual(["b's"]);
    const del = await call(`/api/tokens/${tokA.id}`, { method: "DELETE", cookie: b.cookie });
    expect(del.status).toBe(404);
    expect((await errorOf(del)).error.code).toBe("not_found");
    expect(
      (await call(`/api/tokens/${tokA.id}`, { method: "DELETE", token: (await newToken(b)).secret })).status,
    ).toBe(404);
    expect((await call("/api/me", { token: tokA.secret })).status).toBe(200);
    expect((await call("/api/tokens/no-such-id", { method: "DELETE", cookie: a.cookie })).status).toBe(404);
  });

  it("can only be created from a browser session, not by another token", async () => {
    const a = await signup();
    const tok = await newToken(a);
    const res = await call("/api/tokens", { token: tok.secret, body: { name: "child" } });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).error.code).toBe("session_required");
  });

  it("refuses garbage bearer credentials with 401, and never falls back to the cookie", async () => {
    const a = await signup();
    for (const auth of [
      "Bearer nope",
      "Bearer bat_short",
      "Basic abc",
      "Bearer",
      `Bearer bat_${"A".repeat(43)}`,
    ]) {
      const res = await call("/api/me", { cookie: a.cookie, headers: { Authorization: auth } });
      expect(res.status, auth).toBe(401);
    }
  });

  it("lists newest first and caps live tokens per user", async () => {
    const a = await signup();
    const first = await newToken(a, "first");
    const second = await newToken(a, "second");
    // Two creations can share a millisecond; age the first so the order is defined.
    await env.DB.prepare("UPDATE api_tokens SET created_at = created_at - 1000 WHERE id = ?")
      .bind(first.id)
      .run();
    const list = await (await call("/api/tokens", { cookie: a.cookie })).json<{ tokens: ApiToken[] }>();
    expect(list.tokens.map((t) => t.id)).toEqual([second.id, first.id]);
    for (let i = 2; i < 50; i++) await newToken(a, `t${i}`);
    const over = await call("/api/tokens", { cookie: a.cookie, body: { name: "one too many" } });
    expect(over.status).toBe(409);
    expect((await errorOf(over)).error.code).toBe("too_many_tokens");
  });
});
