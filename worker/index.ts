// Worker entry: composes the API and re-exports the Durable Object classes.
import { Hono } from "hono";
import { agentRoutes } from "./api/agents";
import { approvalRoutes } from "./api/approvals";
import { auth } from "./api/auth";
import { connectorRoutes } from "./api/connectors";
import { fileSearchRoutes, fileVersionRoutes } from "./api/file-versions";
import { fileRoutes } from "./api/files";
import { health } from "./api/health";
import { mcpRoutes } from "./api/mcp";
import { me } from "./api/me";
import { models } from "./api/models";
import { openapi } from "./api/openapi";
import { orchestratorRoutes } from "./api/orchestrators";
import { streamTickets } from "./api/stream-tickets";
import { templateRoutes } from "./api/templates";
import { tokens } from "./api/tokens";
import { tools } from "./api/tools";
import { usage } from "./api/usage";
import { securityHeaders } from "./auth/headers";
import { csrfGuard } from "./auth/origin";
import type { AppEnv } from "./http/context";
import { errorResponse, notFound } from "./http/errors";

const app = new Hono<AppEnv>();
app.onError(errorResponse);
app.use("*", securityHeaders);
app.use("/api/*", csrfGuard);
app.route("/api/health", health);
app.route("/api/models", models);
app.route("/api/openapi.json", openapi);
app.route("/api/auth", auth);
app.route("/api/me", me);
app.route("/api/tokens", tokens);
app.route("/api/stream-tickets", streamTickets);
app.route("/api/usage", usage);
app.route("/api/orchestrators", orchestratorRoutes);
app.route("/api/orchestrators/:id/agents", agentRoutes);
app.route("/api/orchestrators/:id/files", fileRoutes);
app.route("/api/orchestrators/:id/file-versions", fileVersionRoutes);
app.route("/api/orchestrators/:id/file-search", fileSearchRoutes);
app.route("/api/orchestrators/:id/approvals", approvalRoutes);
app.route("/api/tools", tools);
app.route("/api/templates", templateRoutes);
app.route("/api/connectors", connectorRoutes);
// Baton as an MCP server: its tools call this app's own routes with the caller's credential.
app.route(
  "/mcp",
  mcpRoutes((req, env, ctx) => Promise.resolve(app.fetch(req, env, ctx))),
);
app.all("/api/*", () => {
  throw notFound("That API route");
});

export default app satisfies ExportedHandler<Env>;
export { Agent } from "./objects/agent";
export { Orchestrator } from "./objects/orchestrator";
