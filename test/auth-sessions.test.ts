// Accounts and browser sessions end to end through the Worker, against real local D1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Me } from "../schema/api";
import { sha256Hex } from "../worker/auth/crypto";
import { hashPassword } from "../worker/auth/password";
import { call, errorOf, PASSWORD, sessionFrom, signup, uniqueEmail } from "./auth-helpers";

const DAY = 86_400_000;
const sessionRow = async (cookie: string) =>
  env.DB.prepare("SELECT * FROM sessions WHERE id_hash = ?")
    .bind(await sha256Hex(cookie))
    .first<{ created_at: number; last_seen_at: number; expires_at: number; user_agent: string | null }>();
/** Moves a session in time. Moving its birth moves the password's too, or it would die for that reason. */
const setSession = async (cookie: string, cols: { created_at?: number; last_seen_at?: number }) => {
  const row = await sessionRow(cookie);
  if (cols.created_at !== undefined) {
    await env.DB.prepare(
      "UPDATE users SET password_changed_at = ?1 WHERE id = (SELECT user_id FROM sessions WHERE id_hash = ?2)",
    )
      .bind(cols.created_at, await sha256Hex(cookie))
      .run();
  }
  await env.DB.prepare("UPDATE sessions SET created_at = ?, last_seen_at = ? WHERE id_hash = ?")
    .bind(cols.created_at ?? row!.created_at, cols.last_seen_at ?? row!.last_seen_at, await sha256Hex(cookie))
    .run();
};
const meStatus = async (cookie: string) => (await call("/api/me", { cookie })).status;

describe("sign-up", () => {
  it("creates the account, answers 201 with me, and sets an exact __Host- session cookie", async () => {
    const email = uniqueEmail("Signup").toUpperCase();
    const res = await call("/api/auth/signup", {
      body: { email, password: PASSWORD },
      headers: { "User-Agent": "vitest-browser" },
    });
    expect(res.status).toBe(201);
    const me = await res.json<Me>();
    expect(me.user.email).toBe(email.toLowerCase());
    expect(me).toMatchObject({
      via: "session",
      llm: "simulator",
      user: { budgetUsd: null, defaultModel: null },
    });
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(
      /^__Host-baton_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const cookie = sessionFrom(res)!;
    // Stored hashed, never raw.
    const row = await sessionRow(cookie);
    expect(row?.user_agent).toBe("vitest-browser");
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE id_hash = ?").bind(cookie).first("n"),
    ).toBe(0);
    const user = await env.DB.prepare("SELECT * FROM users WHERE id = ?")
      .bind(me.user.id)
      .first<Record<string, unknown>>();
    expect(user?.password_hash).not.toContain(PASSWORD);
    expect(user?.password_iterations).toBe(1000);
    expect(row!.expires_at - row!.created_at).toBe(14 * DAY);
  });

  it("refuses a second account for the same email (any case) without saying the email has one", async () => {
    const a = await signup();
    const b = await signup();
    const answers = await Promise.all(
      [a.email.toUpperCase(), b.email].map((email) =>
        call("/api/auth/signup", { body: { email, password: "another password!" } }),
      ),
    );
    const bodies = await Promise.all(answers.map((res) => res.text()));
    for (const res of answers) {
      expect(res.status).toBe(409);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    // The same words for any taken email: nothing that echoes or confirms the account.
    expect(bodies[0]).toBe(bodies[1]);
    const body = JSON.parse(bodies[0]!) as { error: { code: string; message: string; details?: unknown } };
    expect(body.error.code).toBe("signup_refused");
    expect(body.error.message).not.toMatch(/exists|taken|registered|in use/i);
    expect(body.error.message).toMatch(/sign in/);
    expect(body.error.details).toBeUndefined();
    // The existing account is untouched: its password still works.
    const login = await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } });
    expect(login.status).toBe(200);
  });

  it("rejects a short password, naming the field", async () => {
    const res = await call("/api/auth/signup", { body: { email: uniqueEmail(), password: "short" } });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error.message).toContain("password: must be at least 10 characters");
  });
});

describe("me", () => {
  it("needs a credential", async () => {
    const res = await call("/api/me");
    expect(res.status).toBe(401);
    expect((await errorOf(res)).error.code).toBe("unauthenticated");
  });

  it("returns the account for its session and updates budget and default model", async () => {
    const a = await signup();
    const got = await (await call("/api/me", { cookie: a.cookie })).json<Me>();
    expect(got.user).toMatchObject({ id: a.userId, email: a.email });
    const res = await call("/api/me", {
      method: "PATCH",
      cookie: a.cookie,
      body: { budgetUsd: 12.5, defaultModel: "claude-haiku-4-5" },
    });
    expect(res.status).toBe(200);
    expect((await res.json<Me>()).user).toMatchObject({ budgetUsd: 12.5, defaultModel: "claude-haiku-4-5" });
    const cleared = await call("/api/me", { method: "PATCH", cookie: a.cookie, body: { budgetUsd: null } });
    expect((await cleared.json<Me>()).user).toMatchObject({
      budgetUsd: null,
      defaultModel: "claude-haiku-4-5",
    });
  });

  it("refuses an unknown default model and a negative budget, naming the field", async () => {
    const a = await signup();
    const model = await call("/api/me", {
      method: "PATCH",
      cookie: a.cookie,
      body: { defaultModel: "gpt-9" },
    });
    expect(model.status).toBe(400);
    expect((await errorOf(model)).error.message).toContain("defaultModel: must be one of");
    const budget = await call("/api/me", { method: "PATCH", cookie: a.cookie, body: { budgetUsd: -1 } });
    expect(budget.status).toBe(400);
    expect((await errorOf(budget)).error.message).toContain("budgetUsd:");
  });
});

describe("login and logout", () => {
  it("gives the same 401 for an unknown email and a wrong password", async () => {
    const a = await signup();
    const wrongPw = await call("/api/auth/login", { body: { email: a.email, password: "not the password" } });
    const noUser = await call("/api/auth/login", {
      body: { email: uniqueEmail("ghost"), password: PASSWORD },
    });
    expect(wrongPw.status).toBe(401);
    expect(noUser.status).toBe(401);
    const [x, y] = [await errorOf(wrongPw), await errorOf(noUser)];
    expect(x).toEqual(y);
    expect(x.error.code).toBe("invalid_credentials");
    expect(sessionFrom(wrongPw)).toBeNull();
  });

  it("rotates: a login issues a new id and kills the session the request came with", async () => {
    const a = await signup();
    const res = await call("/api/auth/login", {
      body: { email: a.email, password: PASSWORD },
      cookie: a.cookie,
    });
    expect(res.status).toBe(200);
    expect((await res.json<Me>()).user.id).toBe(a.userId);
    const fresh = sessionFrom(res)!;
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(a.cookie);
    expect(await meStatus(fresh)).toBe(200);
    expect(await meStatus(a.cookie)).toBe(401);
    expect(await sessionRow(a.cookie)).toBeNull();
  });

  it("keeps other devices signed in on a login elsewhere", async () => {
    const a = await signup();
    const res = await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } });
    expect(await meStatus(sessionFrom(res)!)).toBe(200);
    expect(await meStatus(a.cookie)).toBe(200);
  });

  it("logout kills the session and clears the cookie exactly", async () => {
    const a = await signup();
    const res = await call("/api/auth/logout", { cookie: a.cookie, method: "POST" });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual([
      "__Host-baton_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
    ]);
    expect(await sessionRow(a.cookie)).toBeNull();
    const after = await call("/api/me", { cookie: a.cookie });
    expect(after.status).toBe(401);
    expect((await errorOf(after)).error.message).toContain("session has ended");
    // Logging out again is harmless.
    expect((await call("/api/auth/logout", { cookie: a.cookie, method: "POST" })).status).toBe(204);
  });

  it("upgrades a hash made with a different iteration count on the next login", async () => {
    const a = await signup();
    const old = await hashPassword(PASSWORD, 500);
    await env.DB.prepare(
      "UPDATE users SET password_hash = ?, password_salt = ?, password_iterations = ? WHERE id = ?",
    )
      .bind(old.hash, old.salt, 500, a.userId)
      .run();
    expect((await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } })).status).toBe(
      200,
    );
    const row = await env.DB.prepare("SELECT password_iterations AS n FROM users WHERE id = ?")
      .bind(a.userId)
      .first("n");
    expect(row).toBe(1000);
    expect((await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } })).status).toBe(
      200,
    );
  });

  it("rate-limits login per IP", async () => {
    const ip = "192.0.2.77";
    for (let i = 0; i < 30; i++) {
      const res = await call("/api/auth/login", {
        ip,
        body: { email: uniqueEmail(), password: "whatever it is" },
      });
      expect(res.status).toBe(401);
    }
    const res = await call("/api/auth/login", {
      ip,
      body: { email: uniqueEmail(), password: "whatever it is" },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
  });

  it("rate-limits sign-up per IP", async () => {
    const ip = "192.0.2.78";
    for (let i = 0; i < 10; i++) {
      const res = await call("/api/auth/signup", { ip, body: { email: uniqueEmail(), password: PASSWORD } });
      expect(res.status).toBe(201);
    }
    const res = await call("/api/auth/signup", { ip, body: { email: uniqueEmail(), password: PASSWORD } });
    expect(res.status).toBe(429);
  });
});

describe("session expiry", () => {
  it("ends a session idle for more than 14 days", async () => {
    const a = await signup();
    await setSession(a.cookie, { last_seen_at: Date.now() - 14 * DAY - 60_000 });
    expect(await meStatus(a.cookie)).toBe(401);
    expect(await sessionRow(a.cookie)).toBeNull();
  });

  it("keeps a session idle for 13 days, and slides it forward", async () => {
    const a = await signup();
    await setSession(a.cookie, { last_seen_at: Date.now() - 13 * DAY });
    // expires_at was set at creation; only last_seen_at matters for idleness, and it moves.
    const before = Date.now();
    expect(await meStatus(a.cookie)).toBe(200);
    const row = await sessionRow(a.cookie);
    expect(row!.last_seen_at).toBeGreaterThanOrEqual(before);
    expect(row!.expires_at).toBeGreaterThanOrEqual(before + 14 * DAY);
  });

  it("writes last_seen_at at most once an hour", async () => {
    const a = await signup();
    const tenMinutesAgo = Date.now() - 10 * 60_000;
    await setSession(a.cookie, { last_seen_at: tenMinutesAgo });
    expect(await meStatus(a.cookie)).toBe(200);
    expect((await sessionRow(a.cookie))!.last_seen_at).toBe(tenMinutesAgo);
    await setSession(a.cookie, { last_seen_at: Date.now() - 61 * 60_000 });
    expect(await meStatus(a.cookie)).toBe(200);
    expect((await sessionRow(a.cookie))!.last_seen_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("ends a session 30 days after creation however active it is", async () => {
    const a = await signup();
    await setSession(a.cookie, {
      created_at: Date.now() - 30 * DAY - 60_000,
      last_seen_at: Date.now() - 60_000,
    });
    expect(await meStatus(a.cookie)).toBe(401);
  });

  it("never slides past the absolute expiry", async () => {
    const a = await signup();
    const created = Date.now() - 29 * DAY;
    await setSession(a.cookie, { created_at: created, last_seen_at: Date.now() - 2 * 3_600_000 });
    expect(await meStatus(a.cookie)).toBe(200);
    expect((await sessionRow(a.cookie))!.expires_at).toBe(created + 30 * DAY);
  });

  it("refuses malformed and unknown cookies without a 5xx", async () => {
    for (const cookie of ["x", "a".repeat(43), "%%%", "a".repeat(5000)]) {
      expect(await meStatus(cookie)).toBe(401);
    }
  });
});

describe("password change", () => {
  it("kills every other session, issues a fresh one, and the new password works", async () => {
    const a = await signup();
    const other = sessionFrom(
      await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } }),
    )!;
    const res = await call("/api/auth/password", {
      cookie: a.cookie,
      body: { currentPassword: PASSWORD, newPassword: "a brand new secret" },
    });
    expect(res.status).toBe(200);
    const fresh = sessionFrom(res)!;
    expect(fresh).toBeTruthy();
    expect(await meStatus(fresh)).toBe(200);
    expect(await meStatus(a.cookie)).toBe(401);
    expect(await meStatus(other)).toBe(401);
    const oldPw = await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } });
    expect(oldPw.status).toBe(401);
    const newPw = await call("/api/auth/login", { body: { email: a.email, password: "a brand new secret" } });
    expect(newPw.status).toBe(200);
  });

  it("refuses sessions created before the password changed, even if a row survived", async () => {
    const a = await signup();
    await env.DB.prepare("UPDATE users SET password_changed_at = ? WHERE id = ?")
      .bind(Date.now() + 1000, a.userId)
      .run();
    expect(await meStatus(a.cookie)).toBe(401);
  });

  it("refuses a wrong current password, naming currentPassword, and keeps sessions", async () => {
    const a = await signup();
    const res = await call("/api/auth/password", {
      cookie: a.cookie,
      body: { currentPassword: "nope nope nope", newPassword: "a brand new secret" },
    });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.error.code).toBe("wrong_password");
    expect(body.error.message).toMatch(/^currentPassword: /);
    expect(await meStatus(a.cookie)).toBe(200);
  });

  it("needs a session, not an API token", async () => {
    const a = await signup();
    const tok = await (await call("/api/tokens", { cookie: a.cookie, body: { name: "x" } })).json<{
      secret: string;
    }>();
    const res = await call("/api/auth/password", {
      token: tok.secret,
      body: { currentPassword: PASSWORD, newPassword: "a brand new secret" },
    });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).error.code).toBe("session_required");
  });
});

describe("GET /api/auth/session (what the web app asks first)", () => {
  it("answers who is signed in, or me: null, never a 401", async () => {
    const a = await signup();
    const signedIn = await call("/api/auth/session", { cookie: a.cookie });
    expect(signedIn.status).toBe(200);
    const body = await signedIn.json<{ me: Me | null }>();
    expect(body.me?.user.email).toBe(a.email);
    expect(body.me?.via).toBe("session");

    const nobody = await call("/api/auth/session");
    expect(nobody.status).toBe(200);
    expect(await nobody.json()).toEqual({ me: null });
    expect(nobody.headers.getSetCookie()).toEqual([]);
  });

  it("drops a dead session cookie, as a 401 would", async () => {
    const dead = await call("/api/auth/session", { cookie: "A".repeat(43) });
    expect(dead.status).toBe(200);
    expect(await dead.json()).toEqual({ me: null });
    expect(dead.headers.getSetCookie()[0]).toMatch(/^__Host-baton_session=; Max-Age=0;/);
  });
});
