import { describe, expect, it } from "vitest";
import { parseOpenApi, typeLabel } from "./openapi";
import { cacheHitRate, fillDays, lastDays, niceTicks } from "./usageSeries";

describe("usage series", () => {
  it("fills missing days with zeros, in order", () => {
    const rows = fillDays(
      [
        {
          key: "2026-01-02",
          calls: 2,
          inputTokens: 5,
          outputTokens: 1,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          costUsd: 1,
        },
      ],
      "2026-01-01",
      "2026-01-03",
    );
    expect(rows.map((r) => [r.key, r.costUsd])).toEqual([
      ["2026-01-01", 0],
      ["2026-01-02", 1],
      ["2026-01-03", 0],
    ]);
  });

  it("computes date ranges and nice ticks", () => {
    expect(lastDays(7, new Date("2026-03-10T15:00:00Z"))).toEqual({ from: "2026-03-04", to: "2026-03-10" });
    expect(niceTicks(0)).toEqual([0]);
    expect(niceTicks(0.023)).toEqual([0, 0.01, 0.02, 0.03]);
    expect(niceTicks(9500)).toEqual([0, 2500, 5000, 7500, 10000]);
  });

  it("computes the cache hit rate over all input", () => {
    expect(cacheHitRate({ inputTokens: 10, cacheReadTokens: 80, cacheWriteTokens: 10 })).toBe(0.8);
    expect(cacheHitRate({ inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBe(0);
  });
});

describe("openapi", () => {
  it("lists operations with params, bodies and responses", () => {
    const doc = parseOpenApi({
      info: { title: "Baton API", version: "1" },
      security: [{ bearer: [] }],
      paths: {
        "/api/orchestrators/{id}": {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          get: {
            summary: "Read one",
            tags: ["orchestrators"],
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/O" } } },
              },
            },
          },
          patch: {
            requestBody: {
              content: {
                "application/json": { schema: { type: "object", properties: { name: { type: "string" } } } },
              },
            },
            responses: {},
          },
        },
        "/api/health": { get: { security: [], responses: {} } },
      },
    });
    expect(doc.operations.map((o) => `${o.method} ${o.path}`)).toEqual([
      "GET /api/orchestrators/{id}",
      "PATCH /api/orchestrators/{id}",
      "GET /api/health",
    ]);
    expect(doc.operations[0]!.params[0]).toMatchObject({ name: "id", required: true });
    expect(doc.operations[0]!.auth).toBe(true);
    expect(doc.operations[2]!.auth).toBe(false);
    expect(typeLabel(doc.operations[0]!.responses[0]!.schema!)).toBe("O");
    expect(typeLabel({ type: "array", items: { type: "string" } })).toBe("string[]");
    expect(typeLabel({ anyOf: [{ type: "number" }, { type: "null" }] })).toBe("number | null");
  });
});
