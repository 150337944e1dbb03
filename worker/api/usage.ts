// Spend report: the caller's usage_ledger rows summed per day, model or orchestrator.
import { and, asc, desc, eq, gte, lte, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { z } from "zod";
import { type UsageReport, usageQuery } from "../../schema/api";
import { orchestrators, usageLedger } from "../../schema/d1";
import { requireAuth } from "../auth/middleware";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { readQuery } from "../http/validate";

type Row = UsageReport["rows"][number];

const l = usageLedger;
const sums = {
  inputTokens: sql<number>`coalesce(sum(${l.inputTokens}), 0)`,
  outputTokens: sql<number>`coalesce(sum(${l.outputTokens}), 0)`,
  cacheReadTokens: sql<number>`coalesce(sum(${l.cacheReadTokens}), 0)`,
  cacheWriteTokens: sql<number>`coalesce(sum(${l.cacheWriteTokens}), 0)`,
  costUsd: sql<number>`coalesce(sum(${l.costUsd}), 0)`,
  calls: sql<number>`count(*)`,
};
const byCost = sql`sum(${l.costUsd})`;

/** Micro-dollars, like the price table: float sums must not print as 0.30000000000000004. */
const usd = (n: number) => Math.round(n * 1e6) / 1e6;

async function report(env: Env, userId: string, q: z.infer<typeof usageQuery>): Promise<UsageReport> {
  const db = drizzle(env.DB);
  const conditions: SQL[] = [eq(l.userId, userId)];
  if (q.from) conditions.push(gte(l.day, q.from));
  if (q.to) conditions.push(lte(l.day, q.to));
  const where = and(...conditions);

  let rows: Row[];
  if (q.groupBy === "day") {
    // Chronological, for charts.
    rows = await db
      .select({ key: l.day, ...sums })
      .from(l)
      .where(where)
      .groupBy(l.day)
      .orderBy(asc(l.day));
  } else if (q.groupBy === "model") {
    // Biggest spender first.
    rows = await db
      .select({ key: l.model, ...sums })
      .from(l)
      .where(where)
      .groupBy(l.model)
      .orderBy(desc(byCost), asc(l.model));
  } else {
    const found = await db
      .select({ key: l.orchestratorId, name: orchestrators.name, ...sums })
      .from(l)
      // The join is scoped to the caller too, so a foreign orchestrator's name can never leak.
      .leftJoin(
        orchestrators,
        and(eq(orchestrators.id, l.orchestratorId), eq(orchestrators.userId, l.userId)),
      )
      .where(where)
      .groupBy(l.orchestratorId, orchestrators.name)
      .orderBy(desc(byCost), asc(l.orchestratorId));
    // A deleted orchestrator keeps its spend but has no name left: no label, just its id.
    rows = found.map(({ name, ...row }) => (name === null ? row : { ...row, label: name }));
  }

  const totals = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
  for (const row of rows) {
    row.costUsd = usd(row.costUsd);
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.cacheReadTokens += row.cacheReadTokens;
    totals.cacheWriteTokens += row.cacheWriteTokens;
    totals.costUsd += row.costUsd;
  }
  totals.costUsd = usd(totals.costUsd);
  return { groupBy: q.groupBy, rows, totals };
}

export const usage = new Hono<AppEnv>().use(requireAuth).get("/", async (c) => {
  const q = readQuery(c, usageQuery);
  if (q.from && q.to && q.from > q.to) {
    const message = `must not be after to (${q.to})`;
    throw new ApiError(400, "invalid_request", `Invalid query. from: ${message}.`, {
      issues: [{ field: "from", message }],
    });
  }
  return c.json(await report(c.env, c.get("caller").userId, q));
});
