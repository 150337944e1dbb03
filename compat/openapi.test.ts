// The OpenAPI document (GET /api/openapi.json) through outside tools: Redocly's recommended lint
// (0 errors, 0 warnings) and swagger-parser's validation. The document is built by the same
// function the route serves (worker/api/openapi.ts buildOpenApi), imported here in Node.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Doc = {
  info: { title: string; license?: unknown };
  paths: Record<string, Record<string, unknown>>;
};
// Imported at run time so the Worker's own types (Env, workerd globals) stay out of this Node
// program's typecheck; the module itself runs fine in Node.
const builder = "../worker/api/openapi.ts";
const { buildOpenApi } = (await import(/* @vite-ignore */ builder)) as { buildOpenApi: () => Doc };

/**
 * What the recommended rules flag that the document says on purpose; each entry is a fact about
 * the API, not a gap in its description:
 * - operation-4xx-response: these public GETs take no input, credential or body, so no 4xx
 *   exists for them (only 200, or 500); /api/auth/session answers `{me: null}` where another route
 *   would answer 401, which is what it is for;
 * - operation-2xx-response: a WebSocket upgrade succeeds with 101 Switching Protocols, never 2xx;
 *   the OAuth redirect URI succeeds with 302 back to Settings (a browser lands there, not a client);
 * - no-unused-components: the frame schemas are what travels on those sockets, referenced from
 *   the upgrade operations' `x-websocket` (OpenAPI has no way to describe WebSocket messages, and
 *   Redocly doesn't follow references inside extensions).
 */
const INTENDED = {
  "operation-4xx-response": [
    "#/paths/~1api~1health/get/responses",
    "#/paths/~1api~1models/get/responses",
    "#/paths/~1api~1openapi.json/get/responses",
    "#/paths/~1api~1auth~1session/get/responses",
  ],
  "operation-2xx-response": [
    "#/paths/~1api~1orchestrators~1{id}~1ws/get/responses",
    "#/paths/~1api~1orchestrators~1{id}~1agents~1{agentId}~1ws/get/responses",
    "#/paths/~1api~1connectors~1oauth~1callback/get/responses",
  ],
  "no-unused-components": ["#/components/schemas/ServerFrame", "#/components/schemas/ClientFrame"],
};

const ignoreFile = () =>
  [
    "openapi.json:",
    ...Object.entries(INTENDED).flatMap(([rule, where]) => [
      `  ${rule}:`,
      ...where.map((w) => `    - '${w}'`),
    ]),
    "",
  ].join("\n");

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-openapi-"));
  await writeFile(join(dir, "openapi.json"), JSON.stringify(buildOpenApi(), null, 2));
  await writeFile(join(dir, "redocly.yaml"), "extends:\n  - recommended\n");
  await writeFile(join(dir, ".redocly.lint-ignore.yaml"), ignoreFile());
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Lint = { totals: { errors: number; warnings: number; ignored: number }; problems: unknown[] };

describe("the OpenAPI document, checked by outside tools", () => {
  it("passes Redocly's recommended lint with 0 errors and 0 warnings", async () => {
    const cli = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
    const run = await promisify(execFile)(process.execPath, [cli, "lint", "openapi.json", "--format=json"], {
      cwd: dir,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? "" }));
    const lint = JSON.parse(run.stdout) as Lint;
    expect(lint.problems).toEqual([]);
    expect(lint.totals).toEqual({ errors: 0, warnings: 0, ignored: Object.values(INTENDED).flat().length });
  });

  it("is a valid OpenAPI 3.1 document to swagger-parser", async () => {
    const doc = buildOpenApi();
    const api = await SwaggerParser.validate(structuredClone(doc) as never);
    expect(api.info.title).toBe("Baton API");
    expect(Object.keys(api.paths ?? {})).toEqual(Object.keys(doc.paths));
  });

  it("says what the document, file downloads and the licence are", () => {
    const doc = buildOpenApi();
    type Get = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
    const ok = (path: string) => (doc.paths[path]?.get as Get | undefined)?.responses["200"]?.content;
    expect(ok("/api/openapi.json")?.["application/json"]?.schema).toMatchObject({
      required: ["openapi", "info", "paths", "components"],
    });
    expect(Object.keys(ok("/api/orchestrators/{id}/files/{path}") ?? {})).toEqual([
      "application/json",
      "text/markdown",
      "text/csv",
      "text/plain",
    ]);
    expect(doc.info.license).toEqual({ name: "Proprietary", identifier: "LicenseRef-Proprietary" });
  });
});
