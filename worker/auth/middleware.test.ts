// authenticate(): which credential a request presents, including the query-token exception.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticate } from "./middleware";
import { createSession } from "./sessions";
import { createToken } from "./tokens";

async function user(): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "INSERT INTO users (id, email, password_hash, password_salt, password_iterations, created_at, password_changed_at) VALUES (?, ?, 'h', 's', 1, 0, 0)",
  )
    .bind(id, `${id}@example.com`)
    .run();
  return id;
}

const url = (secret: string) => `https://baton.test/api/orchestrators/o/stream?access_token=${secret}`;

describe("authenticate", () => {
  it("reads the session cookie", async () => {
    const id = await user();
    const s = await createSession(env, id, null);
    const req = new Request("https://baton.test/api/me", {
      headers: { Cookie: `a=b; __Host-baton_session=${s.id}` },
    });
    expect(await authenticate(req, env)).toMatchObject({ userId: id, via: "session", sessionHash: s.idHash });
  });

  it("reads a bearer token", async () => {
    const id = await user();
    const t = await createToken(env, id, "t");
    const req = new Request("https://baton.test/api/me", {
      headers: { Authorization: `Bearer ${t.secret}` },
    });
    expect(await authenticate(req, env)).toMatchObject({ userId: id, via: "token" });
  });

  it("takes ?access_token= only on WebSocket upgrades and SSE GETs", async () => {
    const id = await user();
    const { secret } = await createToken(env, id, "t");
    const ws = new Request(url(secret), { headers: { Upgrade: "websocket" } });
    const sse = new Request(url(secret), { headers: { Accept: "text/event-stream" } });
    expect(await authenticate(ws, env)).toMatchObject({ userId: id, via: "token" });
    expect(await authenticate(sse, env)).toMatchObject({ userId: id, via: "token" });
    expect(await authenticate(new Request(url(secret)), env)).toBeNull();
    const post = new Request(url(secret), { method: "POST", headers: { Accept: "text/event-stream" } });
    expect(await authenticate(post, env)).toBeNull();
  });

  it("does not fall back to the cookie when a bad bearer is presented", async () => {
    const id = await user();
    const s = await createSession(env, id, null);
    const req = new Request("https://baton.test/api/me", {
      headers: { Cookie: `__Host-baton_session=${s.id}`, Authorization: "Bearer bat_nope" },
    });
    expect(await authenticate(req, env)).toBeNull();
  });
});
