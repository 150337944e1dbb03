import { defineConfig } from "drizzle-kit";

// Durable Object SQLite: each object applies these itself on start.
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./schema/do.ts",
  out: "./schema/do-migrations",
});
