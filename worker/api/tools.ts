// GET /api/tools: the catalogue of tools a user can grant in an orchestrator's tool policy.
import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import type { AppEnv } from "../http/context";
import { toolCatalogue } from "../tools/catalogue";

export const tools = new Hono<AppEnv>().use(requireAuth).get("/", (c) => c.json({ tools: toolCatalogue() }));
