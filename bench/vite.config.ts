// The bench Worker's build (bench/lib/server.ts runs it into a temporary directory): the production
// build (../vite.config.ts) with one change, the Worker's entry is bench/worker/index.ts. Every
// other setting comes from the production wrangler.toml, so bindings, migrations and vars can't drift.
import { resolve } from "node:path";
import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const repo = resolve(import.meta.dirname, "..");

export default defineConfig({
  root: resolve(repo, "web"),
  envDir: repo,
  publicDir: "public",
  logLevel: "warn",
  plugins: [
    react(),
    cloudflare({
      configPath: resolve(repo, "wrangler.toml"),
      config: { main: resolve(repo, "bench/worker/index.ts") },
      persistState: false,
    }),
  ],
  // The output directory is the caller's: `vite build --config bench/vite.config.ts --outDir DIR`.
  build: { emptyOutDir: true, sourcemap: false },
});
