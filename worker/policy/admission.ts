// Admission: the checks before a message is accepted, shared by the HTTP routes and the objects'
// socket handlers. It answers with a refusal (data), and each caller decides its form: a 4xx, or
// an error frame on the socket.
import { formatBudget, formatUsd } from "../../schema/money";
import type { Refusal } from "../http/errors";
import { SEND_LIMIT } from "../limits";
import { rateHit, rateSweep } from "./rate-limit";

// The user's budget and what they have spent (kept on the row by a trigger on the ledger).
const BUDGET = "SELECT budget_usd AS budget, spent_usd AS spent FROM users WHERE id = ?1";
type BudgetRow = { budget: number | null; spent: number | null };

function budgetRefusal(row: BudgetRow | undefined): Refusal | null {
  if (row?.budget === null || row?.budget === undefined) return null;
  const spent = Number(row.spent ?? 0);
  if (spent < row.budget) return null;
  return {
    status: 402,
    code: "budget_exceeded",
    message: `Your account budget of ${formatBudget(row.budget)} is used up (${formatUsd(spent)} spent). Raise it in Settings.`,
  };
}

/**
 * One D1 round trip: the user's send rate (this send counts), then their own budget. The first
 * refusal wins (429, then 402). `accountBudget`: whether the user has one, which the orchestrator
 * then holds per model call. `along`: the caller's own reads, in the same batch (a socket send's
 * credential check, a run's first reads); their results come back in `alongResults`, in order.
 */
export async function admitSend(
  env: Env,
  userId: string,
  along: D1PreparedStatement[] = [],
): Promise<{ refusal: Refusal | null; accountBudget: boolean; alongResults: D1Result[] }> {
  const hit = rateHit(env, `send:${userId}`, SEND_LIMIT.perMinute, 60);
  const sweep = rateSweep(env);
  const [hitRes, budgetRes, ...rest] = await env.DB.batch([
    hit.statement,
    env.DB.prepare(BUDGET).bind(userId),
    ...along,
    ...(sweep ? [sweep] : []),
  ]);
  const budget = budgetRes?.results[0] as BudgetRow | undefined;
  const refusal = hit.check(hitRes?.results[0] as Parameters<typeof hit.check>[0]) ?? budgetRefusal(budget);
  return {
    refusal,
    accountBudget: budget?.budget !== null && budget?.budget !== undefined,
    alongResults: rest.slice(0, along.length),
  };
}
