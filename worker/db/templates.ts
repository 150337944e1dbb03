// Agent templates (GET/POST /api/templates, create_agent {template}): reusable agent definitions,
// per user, in D1. Every query is scoped to the user; a name is unique per user (an index), and a
// user holds at most TEMPLATE_LIMITS.maxPerUser (checked in the same statement as the insert).
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { AgentTemplate } from "../../schema/api";
import { agentTemplates } from "../../schema/d1";
import { TEMPLATE_LIMITS } from "../limits";

type Row = typeof agentTemplates.$inferSelect;

const toTemplate = (r: Row): AgentTemplate => ({
  id: r.id,
  name: r.name,
  description: r.description,
  instructions: r.instructions,
  model: r.model,
  tools: r.tools,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** What the orchestrator's system prompt says about a template: no instructions, a short gist. */
export type TemplateDigest = {
  name: string;
  /** The description, or the start of the instructions when there is none. */
  about: string;
  model: string | null;
  tools: string[] | null;
};

export type TemplateFields = Omit<AgentTemplate, "id" | "createdAt" | "updatedAt">;

const scoped = (userId: string, ...more: Parameters<typeof and>) =>
  and(eq(agentTemplates.userId, userId), ...more);

export async function listTemplates(db: D1Database, userId: string): Promise<AgentTemplate[]> {
  const rows = await drizzle(db)
    .select()
    .from(agentTemplates)
    .where(scoped(userId))
    .orderBy(asc(agentTemplates.name));
  return rows.map(toTemplate);
}

export async function getTemplate(db: D1Database, userId: string, id: string): Promise<AgentTemplate | null> {
  const [row] = await drizzle(db)
    .select()
    .from(agentTemplates)
    .where(scoped(userId, eq(agentTemplates.id, id)));
  return row ? toTemplate(row) : null;
}

export async function findTemplate(
  db: D1Database,
  userId: string,
  name: string,
): Promise<AgentTemplate | null> {
  const [row] = await drizzle(db)
    .select()
    .from(agentTemplates)
    .where(scoped(userId, eq(agentTemplates.name, name)));
  return row ? toTemplate(row) : null;
}

const GIST_CHARS = 200;

/**
 * Names and gists of the user's templates, by name: one small read for a system prompt, as a plain
 * statement so an orchestrator can batch it with the other reads its run starts with.
 */
export function templateDigestsStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT name, description, substr(instructions, 1, ?2) AS start, model, tools
       FROM agent_templates WHERE user_id = ?1 ORDER BY name`,
    )
    .bind(userId, GIST_CHARS);
}

/** A row of `templateDigestsStatement`. */
export type DigestRow = {
  name: string;
  description: string | null;
  start: string;
  model: string | null;
  tools: string | null;
};

/** The statement's rows as digests. */
export function toDigests(rows: DigestRow[]): TemplateDigest[] {
  return rows.map((r) => ({
    name: r.name,
    about: oneLine(r.description || r.start, GIST_CHARS),
    model: r.model,
    tools: r.tools === null ? null : (JSON.parse(r.tools) as string[]),
  }));
}

export async function templateDigests(db: D1Database, userId: string): Promise<TemplateDigest[]> {
  const { results } = await templateDigestsStatement(db, userId).all<DigestRow>();
  return toDigests(results);
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const isUniqueViolation = (err: unknown): boolean => {
  const texts: string[] = [];
  for (let e: unknown = err; e instanceof Error && texts.length < 4; e = e.cause) texts.push(e.message);
  return texts.some((t) => /UNIQUE constraint failed/i.test(t));
};

/**
 * A new template, or why not: the name is taken, or the user has the most templates allowed. The
 * cap and the insert are one statement, so parallel creates can't pass it together.
 */
export async function createTemplate(
  db: D1Database,
  userId: string,
  fields: TemplateFields,
  now = Date.now(),
): Promise<AgentTemplate | "exists" | "full"> {
  const id = `tpl_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
  const inserted = await db
    .prepare(
      `INSERT INTO agent_templates (id, user_id, name, description, instructions, model, tools, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8
       WHERE (SELECT count(*) FROM agent_templates WHERE user_id = ?2) < ?9
       ON CONFLICT (user_id, name) DO NOTHING
       RETURNING id`,
    )
    .bind(
      id,
      userId,
      fields.name,
      fields.description,
      fields.instructions,
      fields.model,
      fields.tools === null ? null : JSON.stringify(fields.tools),
      now,
      TEMPLATE_LIMITS.maxPerUser,
    )
    .first<{ id: string }>();
  if (inserted) return { id, ...fields, createdAt: now, updatedAt: now };
  return (await findTemplate(db, userId, fields.name)) ? "exists" : "full";
}

/** The template as changed; null when it isn't the user's; "exists" when the new name is taken. */
export async function updateTemplate(
  db: D1Database,
  userId: string,
  id: string,
  patch: Partial<TemplateFields>,
  now = Date.now(),
): Promise<AgentTemplate | null | "exists"> {
  try {
    const [row] = await drizzle(db)
      .update(agentTemplates)
      .set({ ...patch, updatedAt: now })
      .where(scoped(userId, eq(agentTemplates.id, id)))
      .returning();
    return row ? toTemplate(row) : null;
  } catch (err) {
    if (isUniqueViolation(err)) return "exists";
    throw err;
  }
}

/** False when the id is unknown or someone else's: callers answer 404 either way. */
export async function deleteTemplate(db: D1Database, userId: string, id: string): Promise<boolean> {
  const gone = await drizzle(db)
    .delete(agentTemplates)
    .where(scoped(userId, eq(agentTemplates.id, id)))
    .returning({ id: agentTemplates.id });
  return gone.length > 0;
}
