import { cloudflare } from "@cloudflare/vite-plugin";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The SPA lives in web/; the Worker (wrangler.toml's main) serves it as static assets.
export default defineConfig({
  root: "web",
  envDir: "..",
  publicDir: "public",
  plugins: [
    react(),
    cloudflare({ configPath: "../wrangler.toml", persistState: { path: "../.wrangler/state" } }),
  ],
  build: { outDir: "../dist", emptyOutDir: true, sourcemap: false },
  server: { port: Number(process.env.PORT ?? 5173) },
  preview: { port: Number(process.env.PORT ?? 8787), strictPort: true },
});
