// /api/stream-tickets: a single-use, one-minute credential for the URL of one SSE or WebSocket
// request, so clients that can't set headers never put a long-lived token in a URL.
import { Hono } from "hono";
import { streamTicketBody } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import { mintTicket } from "../auth/stream-tickets";
import type { AppEnv } from "../http/context";
import { readJson } from "../http/validate";

export const streamTickets = new Hono<AppEnv>().use(requireAuth).post("/", async (c) => {
  // No options (yet): an empty body or `{}`; anything else is named and refused.
  await readJson(c, streamTicketBody, { allowEmpty: true });
  return c.json(await mintTicket(c.env, c.var.caller), 201);
});
