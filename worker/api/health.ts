import { Hono } from "hono";
import type { AppEnv } from "../http/context";

export const health = new Hono<AppEnv>().get("/", async (c) => {
  const started = Date.now();
  const row = await c.env.DB.prepare("SELECT 1 AS ok").first<{ ok: number }>();
  return c.json({
    ok: row?.ok === 1,
    service: "baton",
    llm: c.env.ANTHROPIC_API_KEY ? "anthropic" : "simulator",
    dbMs: Date.now() - started,
    time: new Date().toISOString(),
  });
});
