// /api/templates: the caller's agent templates — reusable agent definitions that create_agent
// {template} and POST …/agents start from. Someone else's template answers like a missing one.
import { type Context, Hono } from "hono";
import { createTemplateBody, updateTemplateBody } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from "../db/templates";
import type { AppEnv } from "../http/context";
import { ApiError, invalidInput, notFound } from "../http/errors";
import { readJson } from "../http/validate";
import { TEMPLATE_LIMITS } from "../limits";
import { agentToolProblems } from "../tools/catalogue";

function checkTools(tools: readonly string[] | null | undefined): void {
  const issues = agentToolProblems(tools);
  if (issues.length) throw invalidInput(issues);
}

const nameTaken = (name: string) =>
  new ApiError(409, "template_exists", `You already have a template named ${name}; pick another name.`);

async function owned(c: Context<AppEnv>) {
  const t = await getTemplate(c.env.DB, c.var.caller.userId, c.req.param("id") ?? "");
  if (!t) throw notFound("That template");
  return t;
}

export const templateRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => c.json({ templates: await listTemplates(c.env.DB, c.var.caller.userId) }))
  .post("/", async (c) => {
    const body = await readJson(c, createTemplateBody);
    checkTools(body.tools);
    const made = await createTemplate(c.env.DB, c.var.caller.userId, {
      name: body.name,
      description: body.description || null,
      instructions: body.instructions,
      model: body.model ?? null,
      tools: body.tools ?? null,
    });
    if (made === "exists") throw nameTaken(body.name);
    if (made === "full") {
      throw new ApiError(
        409,
        "too_many_templates",
        `You already have ${TEMPLATE_LIMITS.maxPerUser} templates; delete one before creating another.`,
      );
    }
    return c.json(made, 201);
  })
  .get("/:id", async (c) => c.json(await owned(c)))
  .patch("/:id", async (c) => {
    const t = await owned(c);
    const body = await readJson(c, updateTemplateBody);
    checkTools(body.tools);
    const { description, ...rest } = body;
    const patch = { ...rest, ...(description !== undefined ? { description: description || null } : {}) };
    const updated = await updateTemplate(c.env.DB, c.var.caller.userId, t.id, patch);
    if (updated === "exists") throw nameTaken(body.name ?? t.name);
    if (!updated) throw notFound("That template");
    return c.json(updated);
  })
  .delete("/:id", async (c) => {
    if (!(await deleteTemplate(c.env.DB, c.var.caller.userId, c.req.param("id")))) {
      throw notFound("That template");
    }
    return c.body(null, 204);
  });
