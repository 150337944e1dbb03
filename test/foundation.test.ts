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
    const o = env.ORCHESTRATOR.getByName("o1");
    const state = await o.init({
      id: "o1",
      userId: "u",
      name: "O",
      model: "claude-sonnet-5-5",
      system: null,
      budgetUsd: null,
      simulated: true,
    });
    expect(state).toMatchObject({ stream: "orchestrator:o1", kind: "orchestrator", activeRunId: null });
    const a = env.AGENT.getByName("a1");
    await a.init({
      id: "a1",
      userId: "u",
      orchestratorId: "o1",
      name: "a",
      instructions: "x",
      model: "claude-haiku-5-5",
      tools: null,
      simulated: true,
    });
    expect(await a.output()).toEqual({ result: null, lastText: null });
  });

  it("keeps a WebSocket across hibernation of its object", async () => {
    const stub = env.ORCHESTRATOR.getByName("ws-1");
    await stub.init({
      id: "ws-1",
      userId: "u",
      name: "O",
      model: "claude-sonnet-5-5",
      system: null,
      budgetUsd: null,
      simulated: true,
    });
    const res = await stub.fetch("https://baton.test/ws", {
      headers: { Upgrade: "websocket", "X-Baton-User": "u" },
    });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    ws.accept();
    const next = () =>
      new Promise<string>((resolve) =>
        ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }),
      );
    let reply = next();
    ws.send(JSON.stringify({ type: "ping" }));
    expect(JSON.parse(await reply)).toEqual({ type: "pong" });
    await evictDurableObject(stub);
    reply = next();
    ws.send(JSON.stringify({ type: "ping" }));
    expect(JSON.parse(await reply)).toEqual({ type: "pong" });
    ws.close();
  });
});
