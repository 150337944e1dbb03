import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        // Worker, objects, loop and simulator: inside the Workers runtime, real D1 and DOs.
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                // Calls with a user's own key go to the real API's address: here a Node simulator
                // that records whose key arrived (test/model-endpoint). Without one: the in-Worker
                // simulator, as before (no ANTHROPIC_API_KEY).
                // (test/model-endpoint/global-setup.ts starts it before the runtime, and says where.)
                ANTHROPIC_BASE_URL: process.env.BATON_TEST_MODEL_URL ?? "http://model-endpoint.not-started",
                TEST_MIGRATIONS: await readD1Migrations("./schema/migrations"),
                SIM_TOKENS_PER_SECOND: "20000",
                SIM_FIRST_TOKEN_MS: "0",
                LLM_IDLE_TIMEOUT_MS: "1500",
                LLM_RETRY_BASE_MS: "5",
                // Streamed text waits up to 1 s for the log (100 ms in production), so tests can
                // crash or reconnect while a block's text is sent but not yet logged (DESIGN §11);
                // 3 s while no watcher reads text only from the log (1 s in production), so the
                // two windows tell apart.
                LIVE_TEXT_FLUSH_MS: "1000",
                LIVE_TEXT_RENDERED_FLUSH_MS: "3000",
                PBKDF2_ITERATIONS: "1000",
                // Connectors (DESIGN §10): a test key for secrets at rest; the MCP fixture server
                // listens on 127.0.0.1, so private addresses are allowed here (never by default).
                BATON_SECRET_KEY: "test-only-key-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e",
                ALLOW_PRIVATE_CONNECTORS: "1",
                MCP_CALL_TIMEOUT_MS: "3000",
                MCP_CONNECT_TIMEOUT_MS: "5000",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["worker/**/*.test.ts", "schema/**/*.test.ts", "test/**/*.test.ts"],
          setupFiles: ["./test/apply-migrations.ts"],
          // A real MCP server (test/mcp-fixture/server.ts) in Node; its URL reaches tests via inject.
          globalSetup: ["./test/mcp-fixture/global-setup.ts", "./test/model-endpoint/global-setup.ts"],
          testTimeout: 30_000,
          // One runtime per pool worker, reused across files, instead of a new Miniflare per file:
          // setup was most of this project's time. Tests never rely on a fresh database or fresh
          // objects (each makes its own users and objects), so sharing them is safe.
          isolate: false,
          provide: {
            DRILL_SCALE: Number(process.env.DRILL_SCALE ?? 1),
            DRILL_SEED: process.env.DRILL_SEED ?? "",
          },
        },
      },
      {
        // Outside clients (Anthropic SDK, Vercel AI SDK, LangChain) against the standalone simulator,
        // and the OpenAPI document through Redocly and swagger-parser: plain Node, not workerd.
        test: {
          name: "compat",
          include: ["compat/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./compat/global-setup.ts"],
          testTimeout: 20_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: "web",
          include: ["web/**/*.test.tsx", "web/**/*.test.ts"],
          environment: "happy-dom",
          // Each file still gets its own module graph and globals, but the DOM environment is made
          // once per worker instead of once per file: 33 s → 11 s for the web tests here.
          pool: "vmThreads",
          setupFiles: ["./web/test-setup.ts"],
        },
      },
    ],
  },
});
