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
                TEST_MIGRATIONS: await readD1Migrations("./schema/migrations"),
                SIM_TOKENS_PER_SECOND: "20000",
                SIM_FIRST_TOKEN_MS: "0",
                LLM_IDLE_TIMEOUT_MS: "1500",
                LLM_RETRY_BASE_MS: "5",
                PBKDF2_ITERATIONS: "1000",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["worker/**/*.test.ts", "schema/**/*.test.ts", "test/**/*.test.ts"],
          setupFiles: ["./test/apply-migrations.ts"],
          testTimeout: 30_000,
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
        },
      },
    ],
  },
});
