// Request limits shared by the HTTP routes and the objects' socket handlers.
import { rateHit, rateSweep } from "../auth/rate-limit";
import { userBudget } from "./access";

export const SEND_LIMIT = { perMinute: 30 };

/**
 * The checks before a message is accepted, in one D1 round trip: the user's send rate (this send
 * counts), then their own budget. Throws the first refusal (429, then 402). Returns whether the
 * user has an account budget, which the orchestrator then holds per model call.
 */
export async function admitSend(env: Env, userId: string): Promise<{ accountBudget: boolean }> {
  const hit = rateHit(env, `send:${userId}`, SEND_LIMIT.perMinute, 60);
  const budget = userBudget(env, userId);
  const sweep = rateSweep(env);
  const [hitRes, budgetRes] = await env.DB.batch([
    hit.statement,
    budget.statement,
    ...(sweep ? [sweep] : []),
  ]);
  hit.check(hitRes?.results[0] as Parameters<typeof hit.check>[0]);
  const { hasBudget } = budget.check(budgetRes?.results[0] as Parameters<typeof budget.check>[0]);
  return { accountBudget: hasBudget };
}
