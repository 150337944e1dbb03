// Benchmark-only routes, mounted when BATON_BENCH is "1" (never in production):
// a bare relay (SDK stream → ws.send, nothing persisted) measured against Baton's own relay in the
// same run, and per-object D1 statement counters.
import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { createLlmClient } from "../llm/client";
import { orchestratorStub, ownedOrchestrator } from "./access";
import type { AppEnv } from "./context";
import { notFound } from "./errors";

export const benchRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (c.env.BATON_BENCH !== "1") throw notFound("That API route");
    await next();
  })
  .use(requireAuth)
  .get("/relay", (c) => {
    const pair = new WebSocketPair();
    const ws = pair[1];
    ws.accept();
    ws.addEventListener("message", async (e) => {
      try {
        const { text, model } = JSON.parse(String(e.data)) as { text: string; model: string };
        const stream = await createLlmClient(c.env).messages.create({
          model,
          max_tokens: 8192,
          stream: true,
          messages: [{ role: "user", content: text }],
        });
        let seq = 0;
        for await (const ev of stream) {
          if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") {
            ws.send(
              JSON.stringify({
                type: "event",
                event: { seq: ++seq, type: "text.delta", text: ev.delta.text },
              }),
            );
          }
        }
        ws.send(JSON.stringify({ type: "event", event: { seq: ++seq, type: "run.completed" } }));
      } catch (err) {
        ws.send(JSON.stringify({ type: "error", code: "relay_failed", message: String(err) }));
      }
    });
    return new Response(null, { status: 101, webSocket: pair[0] });
  })
  .get("/stats", async (c) => {
    const ids = (c.req.query("ids") ?? "").split(",").filter(Boolean);
    const stats = await Promise.all(
      ids.map(async (id) => orchestratorStub(c.env, (await ownedOrchestrator(c, id)).id).stats()),
    );
    return c.json({ stats });
  });
