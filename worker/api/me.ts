// The signed-in account: who am I, and my account-wide settings (budget, default model, my own
// Anthropic API key).
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { anthropicKeyBody, type Me, updateMeBody } from "../../schema/api";
import { orchestrators, users } from "../../schema/d1";
import { requireAuth } from "../auth/middleware";
import { SecretKeyMissing } from "../auth/secrets";
import { dropModelKey, setModelKey } from "../db/model-keys";
import type { AppEnv, Caller } from "../http/context";
import { ApiError } from "../http/errors";
import { readJson } from "../http/validate";
import { isSimulated } from "../llm/client";
import { isKnownModel, MODELS } from "../llm/prices";
import { orchestratorStub } from "../objects/stubs";

export async function loadMe(env: Env, userId: string, via: Caller["via"]): Promise<Me> {
  const [row] = await drizzle(env.DB)
    .select({
      id: users.id,
      email: users.email,
      createdAt: users.createdAt,
      budgetUsd: users.budgetUsd,
      defaultModel: users.defaultModel,
      keyLast4: users.anthropicKeyLast4,
      keySetAt: users.anthropicKeySetAt,
    })
    .from(users)
    .where(eq(users.id, userId));
  // A valid credential whose user is gone (deleted mid-request) is no credential.
  if (!row) throw new ApiError(401, "unauthenticated", "This account no longer exists.");
  const { keyLast4, keySetAt, ...user } = row;
  const anthropicKey = keyLast4 && keySetAt ? { last4: keyLast4, setAt: keySetAt } : null;
  return {
    user,
    via,
    llm: isSimulated(env, anthropicKey !== null) ? "simulator" : "anthropic",
    anthropicKey,
  };
}

/**
 * Orchestrators hold each model call against the account budget only when there is one: tell
 * them it changed, so a budget set mid-run binds the run's next call. (Sends refresh it too.)
 */
async function tellOrchestrators(env: Env, userId: string, has: boolean): Promise<void> {
  const rows = await drizzle(env.DB)
    .select({ id: orchestrators.id })
    .from(orchestrators)
    .where(eq(orchestrators.userId, userId));
  const results = await Promise.allSettled(
    rows.map((r) => orchestratorStub(env, r.id).setAccountBudget(has)),
  );
  for (const r of results)
    if (r.status === "rejected") console.error("account budget not passed on", r.reason);
}

export const me = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => {
    const caller = c.get("caller");
    return c.json(await loadMe(c.env, caller.userId, caller.via));
  })
  .patch("/", async (c) => {
    const caller = c.get("caller");
    const body = await readJson(c, updateMeBody);
    if (typeof body.defaultModel === "string" && !isKnownModel(body.defaultModel)) {
      const known = MODELS.map((m) => m.id).join(", ");
      const message = `must be one of ${known}, or null`;
      throw new ApiError(400, "invalid_request", `Invalid body. defaultModel: ${message}.`, {
        issues: [{ field: "defaultModel", message }],
      });
    }
    const changes: Partial<typeof users.$inferInsert> = {};
    if (body.budgetUsd !== undefined) changes.budgetUsd = body.budgetUsd;
    if (body.defaultModel !== undefined) changes.defaultModel = body.defaultModel;
    if (Object.keys(changes).length > 0) {
      await drizzle(c.env.DB).update(users).set(changes).where(eq(users.id, caller.userId));
    }
    if (body.budgetUsd !== undefined) await tellOrchestrators(c.env, caller.userId, body.budgetUsd !== null);
    return c.json(await loadMe(c.env, caller.userId, caller.via));
  })
  // Bring your own key: stored sealed, never answered (only its last 4 characters, in `anthropicKey`);
  // the objects read it for each model call, so it applies from the next call.
  .put("/anthropic-key", async (c) => {
    const caller = c.get("caller");
    const { key } = await readJson(c, anthropicKeyBody);
    try {
      await setModelKey(c.env, caller.userId, key);
    } catch (err) {
      if (err instanceof SecretKeyMissing) {
        throw new ApiError(
          503,
          "not_configured",
          "This server can't keep API keys: its operator must set BATON_SECRET_KEY.",
        );
      }
      throw err;
    }
    return c.json(await loadMe(c.env, caller.userId, caller.via));
  })
  .delete("/anthropic-key", async (c) => {
    const caller = c.get("caller");
    await dropModelKey(c.env, caller.userId);
    return c.json(await loadMe(c.env, caller.userId, caller.via));
  });
