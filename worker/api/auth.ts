// Accounts and browser sessions: sign up, sign in, sign out, change password.
// Each of these sets or clears the session cookie; csrfGuard has already checked Origin.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Context, Hono } from "hono";
import { changePasswordBody, loginBody, signupBody } from "../../schema/api";
import { sessions, users } from "../../schema/d1";
import type { ApiErrorCode, ApiErrorStatus } from "../../schema/errors";
import { admitLogin, admitLoginFrom, networkOf, trustNetwork } from "../auth/login-throttle";
import { authenticate, requireAuth, requireSession } from "../auth/middleware";
import { fakeVerify, hashPassword, passwordIterations, verifyPassword } from "../auth/password";
import {
  clearedSessionCookie,
  createSession,
  readSessionCookie,
  revokeSession,
  sessionCookie,
  sessionHashOf,
} from "../auth/sessions";
import { revokeAllTokens } from "../auth/tokens";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { readJson } from "../http/validate";
import { clientIp, rateLimit } from "../policy/rate-limit";
import { endStreams, inBackground } from "./end-streams";
import { loadMe } from "./me";

/** Per window of `sec` seconds. Every attempt counts, successful or not. Login: LOGIN_LIMITS. */
export const AUTH_LIMITS = {
  signupPerIp: { limit: 10, sec: 3600 },
  passwordPerUser: { limit: 10, sec: 900 },
} as const;

const fieldError = <C extends ApiErrorCode>(
  status: ApiErrorStatus<C>,
  code: C,
  field: string,
  message: string,
) => new ApiError(status, code, `${field}: ${message}.`, { issues: [{ field, message }] });

/** Ends whatever session the request came with, and its streams; signing in always yields a fresh id. */
async function dropPresentedSession(c: Context<AppEnv>): Promise<void> {
  const raw = readSessionCookie(c.req.raw);
  if (!raw) return;
  const idHash = await sessionHashOf(raw);
  const owner = await revokeSession(c.env, idHash);
  if (owner) await endStreams(c.env, owner, { sessions: [idHash] }, inBackground(c));
}

async function startSession(c: Context<AppEnv>, userId: string, now?: number): Promise<void> {
  const session = await createSession(c.env, userId, c.req.header("User-Agent") ?? null, now);
  c.header("Set-Cookie", sessionCookie(session.id), { append: true });
}

export const auth = new Hono<AppEnv>()
  .post("/signup", async (c) => {
    const { signupPerIp } = AUTH_LIMITS;
    const network = networkOf(clientIp(c.req.raw));
    await rateLimit(c.env, `signup:ip:${network}`, signupPerIp.limit, signupPerIp.sec);
    const { email, password } = await readJson(c, signupBody);
    const hashed = await hashPassword(password, passwordIterations(c.env));
    // JS time for both stamps: the session check compares password_changed_at <= session created_at.
    const now = Date.now();
    const created = await drizzle(c.env.DB)
      .insert(users)
      .values({
        id: crypto.randomUUID(),
        email,
        passwordHash: hashed.hash,
        passwordSalt: hashed.salt,
        passwordIterations: hashed.iterations,
        createdAt: now,
        passwordChangedAt: now,
      })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    const user = created[0];
    // Worded so it doesn't confirm that the email has an account, yet tells its owner what to do.
    // A refusal still differs from a new account's 201, unavoidably without an email round trip;
    // the per-network sign-up limit above is what bounds probing.
    if (!user) {
      throw new ApiError(
        409,
        "signup_refused",
        "Couldn't create an account with that email. If you already have one, sign in instead.",
      );
    }
    await trustNetwork(c.env, email, network, now).run();
    await dropPresentedSession(c);
    await startSession(c, user.id, now);
    return c.json(await loadMe(c.env, user.id, "session"), 201);
  })

  .post("/login", async (c) => {
    const network = networkOf(clientIp(c.req.raw));
    await admitLoginFrom(c.env, network);
    const { email, password } = await readJson(c, loginBody);
    await admitLogin(c.env, email, network);
    const db = drizzle(c.env.DB);
    const [user] = await db.select().from(users).where(eq(users.email, email));
    const iterations = passwordIterations(c.env);
    const stored = user && {
      hash: user.passwordHash,
      salt: user.passwordSalt,
      iterations: user.passwordIterations,
    };
    const ok = stored ? await verifyPassword(password, stored) : await fakeVerify(password, iterations);
    // One answer for an unknown email and a wrong password: no account enumeration here.
    if (!user || !ok) throw new ApiError(401, "invalid_credentials", "Email or password is incorrect.");
    if (user.passwordIterations !== iterations) {
      // The work factor changed since this hash was made: upgrade it now that we know the password.
      const fresh = await hashPassword(password, iterations);
      await db
        .update(users)
        .set({ passwordHash: fresh.hash, passwordSalt: fresh.salt, passwordIterations: fresh.iterations })
        .where(eq(users.id, user.id));
    }
    await trustNetwork(c.env, email, network).run();
    await dropPresentedSession(c);
    await startSession(c, user.id);
    return c.json(await loadMe(c.env, user.id, "session"));
  })

  .get("/session", async (c) => {
    const caller = await authenticate(c.req.raw, c.env);
    if (!caller) {
      // A dead session cookie is dropped, as a 401 elsewhere would.
      if (readSessionCookie(c.req.raw)) c.header("Set-Cookie", clearedSessionCookie(), { append: true });
      return c.json({ me: null });
    }
    try {
      return c.json({ me: await loadMe(c.env, caller.userId, caller.via) });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return c.json({ me: null });
      throw e;
    }
  })

  .post("/logout", async (c) => {
    // Idempotent and credential-free: whatever session the cookie names is ended.
    await dropPresentedSession(c);
    c.header("Set-Cookie", clearedSessionCookie(), { append: true });
    return c.body(null, 204);
  })

  .post("/password", requireAuth, async (c) => {
    const caller = c.get("caller");
    requireSession(caller, "Changing the password");
    const { passwordPerUser } = AUTH_LIMITS;
    await rateLimit(c.env, `password:user:${caller.userId}`, passwordPerUser.limit, passwordPerUser.sec);
    const { currentPassword, newPassword, keepTokens } = await readJson(c, changePasswordBody);
    const db = drizzle(c.env.DB);
    const [user] = await db.select().from(users).where(eq(users.id, caller.userId));
    if (!user) throw new ApiError(401, "unauthenticated", "This account no longer exists.");
    const stored = { hash: user.passwordHash, salt: user.passwordSalt, iterations: user.passwordIterations };
    if (!(await verifyPassword(currentPassword, stored))) {
      throw fieldError(400, "wrong_password", "currentPassword", "is not your current password");
    }
    if (newPassword === currentPassword) {
      throw fieldError(400, "invalid_request", "newPassword", "must differ from currentPassword");
    }
    const fresh = await hashPassword(newPassword, passwordIterations(c.env));
    const now = Date.now();
    // Every session, this one included, dies; sessions created before `now` would be refused anyway.
    // So do the API tokens unless the request keeps them: a leaked password may have minted them.
    const stamp = db
      .update(users)
      .set({
        passwordHash: fresh.hash,
        passwordSalt: fresh.salt,
        passwordIterations: fresh.iterations,
        passwordChangedAt: now,
      })
      .where(eq(users.id, user.id));
    const kill = db
      .delete(sessions)
      .where(eq(sessions.userId, user.id))
      .returning({ idHash: sessions.idHash });
    const revoke = revokeAllTokens(db, user.id, now);
    const done = keepTokens ? await db.batch([stamp, kill]) : await db.batch([stamp, kill, revoke]);
    const ended = {
      sessions: done[1].map((s) => s.idHash),
      tokens: done.length === 3 ? done[2].map((t) => t.id) : [],
    };
    // Before the new session exists: the push names exactly the credentials that just died.
    await endStreams(c.env, user.id, ended, inBackground(c));
    await startSession(c, user.id, now);
    return c.json(await loadMe(c.env, user.id, "session"));
  });
