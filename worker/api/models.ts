// GET /api/models: the models Baton can run, with prices and context windows (one source of truth).
import { Hono } from "hono";
import type { AppEnv } from "../http/context";
import { DEFAULT_AGENT_MODEL, DEFAULT_ORCHESTRATOR_MODEL, MODELS } from "../llm/prices";

export const models = new Hono<AppEnv>().get("/", (c) =>
  c.json({
    models: MODELS,
    defaults: { orchestrator: DEFAULT_ORCHESTRATOR_MODEL, agent: DEFAULT_AGENT_MODEL },
  }),
);
