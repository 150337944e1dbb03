import { defineConfig } from "drizzle-kit";

// D1: wrangler applies these (`wrangler d1 migrations apply DB`).
export default defineConfig({
  dialect: "sqlite",
  schema: "./schema/d1.ts",
  out: "./schema/migrations",
});
