// Stream tickets (worker/auth/stream-tickets.ts): what goes in a stream URL instead of a long-lived
// token — single use, 60 s, stored hashed, only as good as the credential that minted it — and
// nothing Baton logs or forwards carries a credential.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { forwardedUpgrade } from "../worker/api/streams";
import { sha256Hex } from "../worker/auth/crypto";
import { redeemTicket, TICKET_TTL_MS, TICKETS_PER_MINUTE } from "../worker/auth/stream-tickets";
import { errorResponse } from "../worker/http/errors";
import { call, errorOf, newToken, ORIGIN, signup } from "./auth-helpers";
import { BASE, createOrchestrator, makeUser, type TestUser } from "./helpers";

type Ticket = { ticket: string; expiresAt: number };

async function mint(user: TestUser): Promise<Ticket> {
  const res = await SELF.fetch(`${BASE}/api/stream-tickets`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.token}` },
  });
  expect(res.status).toBe(201);
  return res.json<Ticket>();
}

const sse = (path: string, query: string) =>
  SELF.fetch(`${BASE}${path}?${query}`, { headers: { Accept: "text/event-stream" } });

async function opened(res: Response): Promise<boolean> {
  if (res.status !== 200) return false;
  await res.body?.cancel();
  return true;
}

describe("stream tickets", () => {
  afterEach(() => vi.useRealTimers());

  it("open one SSE stream or WebSocket each, and only once", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const before = Date.now();
    const t = await mint(user);
    expect(t.ticket).toMatch(/^bst_[A-Za-z0-9_-]{43}$/);
    expect(t.expiresAt).toBeGreaterThanOrEqual(before + TICKET_TTL_MS);
    expect(t.expiresAt).toBeLessThanOrEqual(Date.now() + TICKET_TTL_MS);
    // Stored as a hash only.
    const rows = await env.DB.prepare("SELECT key FROM rate_limits WHERE key LIKE 'ticket:%'").all<{
      key: string;
    }>();
    expect(rows.results.some((r) => r.key.includes(t.ticket))).toBe(false);
    const hash = await sha256Hex(t.ticket);
    expect(rows.results.some((r) => r.key.startsWith(`ticket:${hash}:`))).toBe(true);

    const stream = `/api/orchestrators/${id}/stream`;
    expect(await opened(await sse(stream, `after=0&ticket=${t.ticket}`))).toBe(true);
    const again = await sse(stream, `after=0&ticket=${t.ticket}`);
    expect(again.status).toBe(401);
    expect((await errorOf(again)).error.message).toMatch(/ticket.*already used/);

    const ws = (ticket: string) =>
      SELF.fetch(`${BASE}/api/orchestrators/${id}/ws?ticket=${ticket}`, {
        headers: { Upgrade: "websocket", Origin: BASE },
      });
    const w = await mint(user);
    const socket = await ws(w.ticket);
    expect(socket.status).toBe(101);
    socket.webSocket!.accept();
    socket.webSocket!.close(1000);
    expect((await ws(w.ticket)).status).toBe(401);
  });

  it("are good for stream requests only, and never alongside access_token", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const t = await mint(user);
    const plain = await SELF.fetch(`${BASE}/api/orchestrators/${id}?ticket=${t.ticket}`);
    expect(plain.status).toBe(401);
    const both = await sse(
      `/api/orchestrators/${id}/stream`,
      `ticket=${t.ticket}&access_token=${user.token}`,
    );
    expect(both.status).toBe(401);
    expect((await errorOf(both)).error.message).toMatch(/not both/);
    // Neither refusal used it up.
    expect(await opened(await sse(`/api/orchestrators/${id}/stream`, `ticket=${t.ticket}`))).toBe(true);
  });

  it("stand for the credential that minted them: expired, revoked or logged out, they fail", async () => {
    const account = await signup();
    const token = await newToken(account);
    const viaToken = await call("/api/stream-tickets", { method: "POST", token: token.secret });
    const viaSession = await call("/api/stream-tickets", { method: "POST", cookie: account.cookie });
    const late = await call("/api/stream-tickets", { method: "POST", token: token.secret });
    const [a, b, c] = await Promise.all([viaToken, viaSession, late].map((r) => r.json<Ticket>()));

    expect(await redeemTicket(env, c!.ticket, Date.now() + TICKET_TTL_MS + 1)).toBeNull();
    expect(await redeemTicket(env, `bst_${"x".repeat(43)}`)).toBeNull();
    expect(await redeemTicket(env, "not a ticket")).toBeNull();

    expect((await call(`/api/tokens/${token.id}`, { method: "DELETE", cookie: account.cookie })).status).toBe(
      204,
    );
    expect(await redeemTicket(env, a!.ticket)).toBeNull();
    expect((await call("/api/auth/logout", { method: "POST", cookie: account.cookie })).status).toBe(204);
    expect(await redeemTicket(env, b!.ticket)).toBeNull();

    // A live one is exactly its minting credential (so ending that credential ends its streams).
    const fresh = await signup();
    const live = await call("/api/stream-tickets", { method: "POST", cookie: fresh.cookie });
    const caller = await redeemTicket(env, (await live.json<Ticket>()).ticket);
    expect(caller).toEqual({
      userId: fresh.userId,
      email: fresh.email,
      via: "session",
      sessionHash: await sha256Hex(fresh.cookie),
    });
  });

  it("are used once even by concurrent requests", async () => {
    const user = await makeUser();
    const { ticket } = await mint(user);
    const results = await Promise.all(Array.from({ length: 10 }, () => redeemTicket(env, ticket)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("refuse a body with unknown fields, a cookie write without Origin, and too many a minute", async () => {
    const account = await signup();
    const bad = await call("/api/stream-tickets", { body: { stream: "x" }, cookie: account.cookie });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).error.message).toContain("stream: is not a known field");
    const noOrigin = await call("/api/stream-tickets", {
      method: "POST",
      cookie: account.cookie,
      origin: null,
    });
    expect(noOrigin.status).toBe(403);
    const user = await makeUser();
    // A fixed clock, one second into a window: a slow machine can't spread the mints over two.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2031-01-01T00:00:01Z"));
    for (let i = 0; i < TICKETS_PER_MINUTE; i++) await mint(user);
    const over = await SELF.fetch(`${BASE}/api/stream-tickets`, {
      method: "POST",
      headers: { Authorization: `Bearer ${user.token}` },
    });
    expect(over.status).toBe(429);
    expect(over.headers.get("Retry-After")).toBe("59");
  });
});

describe("credentials stay out of what Baton logs and forwards", () => {
  afterEach(() => vi.restoreAllMocks());

  it("an upgrade reaches the object without the token, ticket, cookie or Authorization", () => {
    const req = new Request(
      `${ORIGIN}/api/orchestrators/o/ws?after=3&access_token=bat_secret&ticket=bst_secret`,
      {
        headers: {
          Upgrade: "websocket",
          Authorization: "Bearer bat_secret",
          Cookie: "__Host-baton_session=secret",
          "Sec-WebSocket-Key": "k",
        },
      },
    );
    const forwarded = forwardedUpgrade(req, "usr_1");
    expect(forwarded.url).toBe(`${ORIGIN}/api/orchestrators/o/ws?after=3`);
    expect(forwarded.headers.get("Authorization")).toBeNull();
    expect(forwarded.headers.get("Cookie")).toBeNull();
    expect(forwarded.headers.get("X-Baton-User")).toBe("usr_1");
    expect(forwarded.headers.get("Upgrade")).toBe("websocket");
    expect(forwarded.headers.get("Sec-WebSocket-Key")).toBe("k");
  });

  it("an unhandled error's log line carries no credential, even when the error quotes one", async () => {
    const secret = `bat_${"A".repeat(43)}`;
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
    });
    const app = new Hono();
    app.onError(errorResponse);
    app.get("/boom", (c) => {
      throw new Error(`fetch failed for ${c.req.url} (Authorization: Bearer ${secret})`);
    });
    const res = await app.request(`/boom?access_token=${secret}&ticket=bst_${"B".repeat(43)}&after=1`);
    expect(res.status).toBe(500);
    expect(logged.join("\n")).toContain("unhandled error");
    expect(logged.join("\n")).toContain("/boom");
    expect(logged.join("\n")).not.toMatch(/AAAAAAAA|BBBBBBBB/);
  });
});
