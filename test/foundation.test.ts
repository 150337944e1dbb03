import { evictDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { users } from "../schema/d1";

describe("foundation", () => {
  it("answers /api/health with ok and the LLM mode", async () => {
    const res = await SELF.fetch("https://baton.test/api/health");
    expect(res.status).toBe(200);
    const body = await res.json<{ ok: boolean; llm: string }>();
    expect(body.ok).toBe(true);
    expect(body.llm).toBe("simulator");
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const res = await SELF.fetch("https://baton.test/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "not_found", message: expect.stringContaining("route") },
    });
  });

  it("round-trips a row through D1 with drizzle", async () => {
    const db = drizzle(env.DB);
    await db.insert(users).values({
      id: "u1",
      email: "a@example.com",
      passwordHash: "h",
      passwordSalt: "s",
      passwordIterations: 1,
    });
    const [row] = await db.select().from(users).where(eq(users.id, "u1"));
    expect(row?.email).toBe("a@example.com");
    expect(row?.createdAt).toBeGreaterThan(1_700_000_000_000);
  });

  it("reaches both object kinds over RPC", async () => {
    expect(await env.ORCHESTRATOR.getByName("o1").hello()).toBe("orchestrator");
    expect(await env.AGENT.getByName("a1").hello()).toBe("agent");
  });

  it("keeps a WebSocket across hibernation of its object", async () => {
    const stub = env.ORCHESTRATOR.getByName("ws-1");
    const res = await stub.fetch("https://baton.test/ws", { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    ws.accept();
    const next = () =>
      new Promise<string>((resolve) =>
        ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }),
      );
    let reply = next();
    ws.send("one");
    expect(JSON.parse(await reply)).toEqual({ type: "pong", echo: "one" });
    await evictDurableObject(stub);
    reply = next();
    ws.send("two");
    expect(JSON.parse(await reply)).toEqual({ type: "pong", echo: "two" });
    ws.close();
  });
});
