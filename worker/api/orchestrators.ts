// /api/orchestrators: create, list, read, update and delete orchestrators; talk to them; read
// their streams. Every route checks ownership in D1 before touching an object.
import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Context, Hono } from "hono";
import {
  createOrchestratorBody,
  editMessageBody,
  exportQuery,
  interruptBody,
  type OrchestratorInfo,
  resendBody,
  type SendMessageResult,
  searchQuery,
  sendMessageBody,
  updateOrchestratorBody,
} from "../../schema/api";
import { messages, orchestrators, toolCalls, users } from "../../schema/d1";
import type { ToolPolicyInput } from "../../schema/settings";
import { requireAuth } from "../auth/middleware";
import { modelKeyInfo } from "../db/model-keys";
import type { AppEnv } from "../http/context";
import { ApiError, notFound, refuse } from "../http/errors";
import { readJson, readQuery } from "../http/validate";
import { isSimulated } from "../llm/client";
import { DEFAULT_ORCHESTRATOR_MODEL, isKnownModel, MODELS } from "../llm/prices";
import type { Refused } from "../objects/rpc";
import { orchestratorStub } from "../objects/stubs";
import { admitSend } from "../policy/admission";
import { policyProblems } from "../policy/tool-policy";
import { grantableTools } from "../tools/catalogue";
import { type OrchestratorRow, ownedOrchestrator, refuseIfArchived } from "./access";
import { checkEnabled, snapshotsFor } from "./connector-sync";
import { eventsPage, sseStream, webSocket } from "./streams";

/** Whether the caller's calls go to the simulator now (no key of their own, none on the server). */
async function simulatedFor(env: Env, userId: string): Promise<boolean> {
  return isSimulated(env, (await modelKeyInfo(env, userId)) !== null);
}

/** `simulated` is who answers now: a key set (or removed) later changes it for every orchestrator. */
function toInfo(r: OrchestratorRow, simulated: boolean): OrchestratorInfo {
  return {
    id: r.id,
    name: r.name,
    model: r.model,
    systemPrompt: r.systemPrompt,
    budgetUsd: r.budgetUsd,
    status: r.status,
    simulated,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    lastActivityAt: r.lastActivityAt,
    totals: {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      cacheReadTokens: r.cacheReadTokens,
      cacheWriteTokens: r.cacheWriteTokens,
      costUsd: r.costUsd,
    },
    toolPolicy: r.toolPolicy ?? {},
    thinking: r.thinking ?? null,
    approvalTimeoutSec: r.approvalTimeoutSec,
    connectors: r.connectors ?? [],
  };
}

/** A tool policy as sent: 400 naming each bad key (unknown tools, `ask` on a server tool). */
function checkPolicy(policy: ToolPolicyInput | undefined): void {
  if (!policy) return;
  const issues = policyProblems(policy, grantableTools());
  if (issues.length) {
    throw new ApiError(
      400,
      "invalid_request",
      `Invalid body. ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}.`,
      { issues },
    );
  }
}

function checkModel(model: string): void {
  if (!isKnownModel(model)) {
    throw new ApiError(
      400,
      "invalid_request",
      `Invalid body. model: must be one of ${MODELS.map((m) => m.id).join(", ")}.`,
      {
        issues: [{ field: "model", message: `unknown model ${model}` }],
      },
    );
  }
}

/** Edits, regenerates, retries and resumes start runs: the same checks as a send. */
async function admitResend(c: Context<AppEnv>, orch: OrchestratorRow): Promise<boolean> {
  refuseIfArchived(orch);
  const { refusal, accountBudget } = await admitSend(c.env, c.var.caller.userId);
  refuse(refusal);
  return accountBudget;
}

function resent(r: SendMessageResult | Refused, what: string): SendMessageResult {
  if (!("refused" in r)) return r;
  if (r.refused === "not_found") throw notFound(what);
  throw new ApiError(409, "not_retryable", r.message);
}

export const orchestratorRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => {
    const rows = await drizzle(c.env.DB)
      .select()
      .from(orchestrators)
      .where(eq(orchestrators.userId, c.var.caller.userId))
      .orderBy(desc(orchestrators.createdAt));
    const simulated = await simulatedFor(c.env, c.var.caller.userId);
    return c.json({ orchestrators: rows.map((r) => toInfo(r, simulated)) });
  })
  .post("/", async (c) => {
    const body = await readJson(c, createOrchestratorBody);
    const db = drizzle(c.env.DB);
    const [user] = await db
      .select({ defaultModel: users.defaultModel, budgetUsd: users.budgetUsd })
      .from(users)
      .where(eq(users.id, c.var.caller.userId));
    const model = body.model ?? user?.defaultModel ?? DEFAULT_ORCHESTRATOR_MODEL;
    checkModel(model);
    checkPolicy(body.toolPolicy);
    const simulated = await simulatedFor(c.env, c.var.caller.userId);
    const id = `orc_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const [row] = await db
      .insert(orchestrators)
      .values({
        id,
        userId: c.var.caller.userId,
        name: body.name,
        model,
        systemPrompt: body.systemPrompt ?? null,
        budgetUsd: body.budgetUsd ?? null,
        simulated,
        toolPolicy: body.toolPolicy ?? {},
        thinking: body.thinking ?? null,
        ...(body.approvalTimeoutSec !== undefined ? { approvalTimeoutSec: body.approvalTimeoutSec } : {}),
      })
      .returning();
    await orchestratorStub(c.env, id).init({
      id,
      userId: c.var.caller.userId,
      name: body.name,
      model,
      system: body.systemPrompt ?? null,
      budgetUsd: body.budgetUsd ?? null,
      simulated,
      accountBudget: user?.budgetUsd !== null && user?.budgetUsd !== undefined,
      toolPolicy: row!.toolPolicy ?? {},
      thinking: row!.thinking ?? null,
      approvalTimeoutSec: row!.approvalTimeoutSec,
    });
    return c.json(toInfo(row!, simulated), 201);
  })
  .get("/:id", async (c) => {
    const row = await ownedOrchestrator(c, c.req.param("id"));
    return c.json(toInfo(row, await simulatedFor(c.env, c.var.caller.userId)));
  })
  .patch("/:id", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const body = await readJson(c, updateOrchestratorBody);
    if (body.model) checkModel(body.model);
    checkPolicy(body.toolPolicy);
    const { connectors: asked, ...fields } = body;
    const enabled = asked === undefined ? undefined : await checkEnabled(c.env, c.var.caller.userId, asked);
    const [row] = await drizzle(c.env.DB)
      .update(orchestrators)
      .set({ ...fields, ...(enabled ? { connectors: enabled } : {}), updatedAt: Date.now() })
      .where(and(eq(orchestrators.id, orch.id), eq(orchestrators.userId, c.var.caller.userId)))
      .returning();
    await orchestratorStub(c.env, orch.id).update({
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.model !== undefined ? { model: body.model } : {}),
      ...(body.systemPrompt !== undefined ? { system: body.systemPrompt } : {}),
      ...(body.budgetUsd !== undefined ? { budgetUsd: body.budgetUsd } : {}),
      ...(body.status !== undefined ? { archived: body.status === "archived" } : {}),
      ...(body.toolPolicy !== undefined ? { toolPolicy: body.toolPolicy } : {}),
      ...(body.thinking !== undefined ? { thinking: body.thinking } : {}),
      ...(body.approvalTimeoutSec !== undefined ? { approvalTimeoutSec: body.approvalTimeoutSec } : {}),
      ...(enabled ? { connectors: await snapshotsFor(c.env, c.var.caller.userId, enabled) } : {}),
    });
    return c.json(toInfo(row!, await simulatedFor(c.env, c.var.caller.userId)));
  })
  .delete("/:id", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    await orchestratorStub(c.env, orch.id).destroy();
    const db = drizzle(c.env.DB);
    // Agents and files go with the orchestrator (foreign keys); the usage ledger stays for billing.
    await db.batch([
      db.delete(messages).where(eq(messages.orchestratorId, orch.id)),
      db.delete(toolCalls).where(eq(toolCalls.orchestratorId, orch.id)),
      db.delete(orchestrators).where(eq(orchestrators.id, orch.id)),
    ]);
    return c.body(null, 204);
  })
  .post("/:id/messages", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const body = await readJson(c, sendMessageBody);
    refuseIfArchived(orch);
    const { refusal, accountBudget } = await admitSend(c.env, c.var.caller.userId);
    refuse(refusal);
    const r = await orchestratorStub(c.env, orch.id).sendMessage(body.text, body.clientId, accountBudget);
    return c.json(r, 202);
  })
  .post("/:id/interrupt", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const body = await readJson(c, interruptBody, { allowEmpty: true });
    return c.json(await orchestratorStub(c.env, orch.id).interrupt({ agents: body.agents ?? false }));
  })
  .delete("/:id/messages/:messageId", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const r = await orchestratorStub(c.env, orch.id).cancelMessage(c.req.param("messageId"));
    if (!r) throw notFound("That message");
    if (r === "started") {
      throw new ApiError(
        409,
        "already_started",
        "That message was already taken in by a run, so it can't be cancelled; stop the run instead.",
      );
    }
    return c.json(r);
  })
  .post("/:id/messages/:messageId/edit", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const body = await readJson(c, editMessageBody);
    const accountBudget = await admitResend(c, orch);
    const r = await orchestratorStub(c.env, orch.id).editMessage(
      c.req.param("messageId"),
      body.text,
      body.clientId,
      accountBudget,
    );
    return c.json(resent(r, "That message"), 202);
  })
  .post("/:id/messages/:messageId/regenerate", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const body = await readJson(c, resendBody, { allowEmpty: true });
    const accountBudget = await admitResend(c, orch);
    const r = await orchestratorStub(c.env, orch.id).regenerate(
      c.req.param("messageId"),
      body.clientId,
      accountBudget,
    );
    return c.json(resent(r, "That message"), 202);
  })
  .post("/:id/runs/:runId/retry", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const body = await readJson(c, resendBody, { allowEmpty: true });
    const accountBudget = await admitResend(c, orch);
    const r = await orchestratorStub(c.env, orch.id).retryRun(
      c.req.param("runId"),
      body.clientId,
      accountBudget,
    );
    return c.json(resent(r, "That run"), 202);
  })
  .post("/:id/resume", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const accountBudget = await admitResend(c, orch);
    return c.json(await orchestratorStub(c.env, orch.id).resume(accountBudget));
  })
  .get("/:id/export", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const { format } = readQuery(c, exportQuery);
    const body = await orchestratorStub(c.env, orch.id).exportConversation(format);
    const file = `${
      orch.name
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 60) || "conversation"
    }.${format}`;
    return new Response(body, {
      headers: {
        "Content-Type": format === "md" ? "text/markdown; charset=utf-8" : "application/json; charset=UTF-8",
        "Content-Disposition": `attachment; filename="${file}"`,
        "Cache-Control": "no-store",
      },
    });
  })
  .get("/:id/search", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const { q, limit } = readQuery(c, searchQuery);
    return c.json(await orchestratorStub(c.env, orch.id).search(q, limit));
  })
  .get("/:id/messages/:messageId", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const messageId = c.req.param("messageId");
    const state = await orchestratorStub(c.env, orch.id).runOfMessage(messageId);
    if (!state) throw notFound("That message");
    return c.json(state);
  })
  .get("/:id/runs/:runId", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id"));
    const info = await orchestratorStub(c.env, orch.id).runInfo(c.req.param("runId"));
    if (!info) throw notFound("That run");
    return c.json(info);
  })
  .get("/:id/events", async (c) =>
    eventsPage(c, orchestratorStub(c.env, (await ownedOrchestrator(c, c.req.param("id"))).id)),
  )
  .get("/:id/stream", async (c) =>
    sseStream(c, orchestratorStub(c.env, (await ownedOrchestrator(c, c.req.param("id"))).id)),
  )
  .get("/:id/ws", async (c) =>
    webSocket(c, orchestratorStub(c.env, (await ownedOrchestrator(c, c.req.param("id"))).id)),
  );
