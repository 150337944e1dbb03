// Worker entry: composes the API and re-exports the Durable Object classes.
import { Hono } from "hono";
import type { AppEnv } from "./api/context";
import { errorResponse, notFound } from "./api/errors";
import { health } from "./api/health";

const app = new Hono<AppEnv>();
app.onError(errorResponse);
app.route("/api/health", health);
app.all("/api/*", () => {
  throw notFound("That API route");
});

export default app satisfies ExportedHandler<Env>;
export { Agent } from "./objects/agent";
export { Orchestrator } from "./objects/orchestrator";
