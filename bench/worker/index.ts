// The bench Worker: production Baton with the benchmark routes in front of it. Only bench/lib/server.ts
// builds and runs it (bench/vite.config.ts: the production wrangler.toml with this file as `main`);
// `npm run build` and `wrangler deploy` never see it, and CI checks the deploy bundle for its markers
// (scripts/check-bundle.mjs).
import { Hono } from "hono";
import { securityHeaders } from "../../worker/auth/headers";
import { csrfGuard } from "../../worker/auth/origin";
import type { AppEnv } from "../../worker/http/context";
import { errorResponse, notFound } from "../../worker/http/errors";
import app from "../../worker/index";
import { benchRoutes } from "./routes";

const bench = new Hono<AppEnv>();
bench.onError(errorResponse);
bench.use("*", securityHeaders);
bench.use("*", csrfGuard);
bench.route("/api/_bench", benchRoutes);
bench.all("*", () => {
  throw notFound("That API route");
});

export default {
  // Everything else is the production app, untouched (its own middleware, its 404s, its assets).
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    return pathname === "/api/_bench" || pathname.startsWith("/api/_bench/")
      ? bench.fetch(request, env, ctx)
      : app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;

// The names wrangler.toml binds, so storage and migrations are production's.
export { BenchAgent as Agent, BenchOrchestrator as Orchestrator } from "./objects";
