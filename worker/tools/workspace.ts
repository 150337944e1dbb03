// The orchestrator's shared workspace of files in D1. Every mutation carries an op id (the
// tool_use_id): the effect and its op record commit in one batch, and a repeated op id returns the
// stored result instead of applying again — tool effects happen exactly once.
import { and, asc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { LIMITS } from "../../schema/api";
import { fileOps, files } from "../../schema/d1";
import { ToolError } from "./types";

export type FileMeta = { path: string; size: number; version: number; updatedBy: string; updatedAt: number };
export type FileChange = { path: string; size: number; by: string; deleted?: boolean };
export type OpResult = { content: string; isError: boolean; change: FileChange | null };

const encoder = new TextEncoder();
const byteSize = (s: string) => encoder.encode(s).byteLength;

/** Workspace paths are relative, slash-separated, without `.`/`..` segments. */
export function normalisePath(raw: string): string {
  const path = raw.trim().replace(/\\/g, "/").replace(/^\/+/, "").replace(/\/+/g, "/");
  if (!path) throw new ToolError("path must not be empty");
  if (path.length > LIMITS.pathChars)
    throw new ToolError(`path is longer than ${LIMITS.pathChars} characters`);
  if (path.endsWith("/")) throw new ToolError("path must name a file, not a folder");
  for (const seg of path.split("/")) {
    if (seg === "." || seg === "..") throw new ToolError("path must not contain . or .. segments");
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f]/.test(path)) throw new ToolError("path must not contain control characters");
  return path;
}

function toStatement(
  db: D1Database,
  query: { toSQL(): { sql: string; params: unknown[] } },
): D1PreparedStatement {
  const { sql: text, params } = query.toSQL();
  return db.prepare(text).bind(...params);
}

export class Workspace {
  private readonly db;

  constructor(
    private readonly env: Env,
    private readonly orchestratorId: string,
  ) {
    this.db = drizzle(env.DB);
  }

  async list(): Promise<FileMeta[]> {
    return this.db
      .select({
        path: files.path,
        size: files.size,
        version: files.version,
        updatedBy: files.updatedBy,
        updatedAt: files.updatedAt,
      })
      .from(files)
      .where(eq(files.orchestratorId, this.orchestratorId))
      .orderBy(asc(files.path));
  }

  async read(path: string): Promise<(FileMeta & { content: string }) | null> {
    const [row] = await this.db
      .select()
      .from(files)
      .where(and(eq(files.orchestratorId, this.orchestratorId), eq(files.path, normalisePath(path))));
    return row ?? null;
  }

  /** Case-insensitive regex (or literal text if the pattern isn't a valid regex) over every file. */
  async search(pattern: string, maxMatches = 50): Promise<string[]> {
    let re: RegExp;
    try {
      re = new RegExp(pattern, "i");
    } catch {
      re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
    }
    const rows = await this.db
      .select({ path: files.path, content: files.content })
      .from(files)
      .where(eq(files.orchestratorId, this.orchestratorId))
      .orderBy(asc(files.path));
    const hits: string[] = [];
    for (const row of rows) {
      if (re.test(row.path)) hits.push(`${row.path}: (path matches)`);
      const lines = row.content.split("\n");
      for (let i = 0; i < lines.length && hits.length < maxMatches; i++) {
        if (re.test(lines[i]!)) hits.push(`${row.path}:${i + 1}: ${lines[i]!.slice(0, 200)}`);
      }
      if (hits.length >= maxMatches) break;
    }
    return hits;
  }

  write(opId: string, rawPath: string, content: string, by: string): Promise<OpResult> {
    return this.apply(opId, async () => {
      const path = normalisePath(rawPath);
      const size = byteSize(content);
      if (size > LIMITS.fileBytes)
        throw new ToolError(`file is ${size} bytes; the limit is ${LIMITS.fileBytes}`);
      const now = Date.now();
      const effect = this.db
        .insert(files)
        .values({
          orchestratorId: this.orchestratorId,
          path,
          content,
          size,
          updatedBy: by,
          updatedAt: now,
          lastOpId: opId,
        })
        .onConflictDoUpdate({
          target: [files.orchestratorId, files.path],
          set: {
            content,
            size,
            updatedBy: by,
            updatedAt: now,
            lastOpId: opId,
            version: sql`${files.version} + 1`,
          },
        });
      return { effect, path, result: `Wrote ${path} (${size} bytes).`, change: { path, size, by } };
    });
  }

  edit(opId: string, rawPath: string, oldText: string, newText: string, by: string): Promise<OpResult> {
    return this.apply(opId, async () => {
      const current = await this.read(rawPath);
      if (!current) throw new ToolError(`${rawPath} does not exist; use write_file to create it`);
      if (!oldText) throw new ToolError("old must not be empty");
      const first = current.content.indexOf(oldText);
      if (first < 0) throw new ToolError(`old text was not found in ${current.path}`);
      if (current.content.indexOf(oldText, first + 1) >= 0) {
        throw new ToolError(
          `old text occurs more than once in ${current.path}; include more context to make it unique`,
        );
      }
      const content =
        current.content.slice(0, first) + newText + current.content.slice(first + oldText.length);
      const size = byteSize(content);
      if (size > LIMITS.fileBytes)
        throw new ToolError(`the edit makes the file ${size} bytes; the limit is ${LIMITS.fileBytes}`);
      const now = Date.now();
      // Optimistic: only applies if nobody wrote the file since we read it.
      const effect = this.db
        .update(files)
        .set({ content, size, updatedBy: by, updatedAt: now, lastOpId: opId, version: current.version + 1 })
        .where(
          and(
            eq(files.orchestratorId, this.orchestratorId),
            eq(files.path, current.path),
            eq(files.version, current.version),
          ),
        );
      return {
        effect,
        path: current.path,
        result: `Edited ${current.path}.`,
        change: { path: current.path, size, by },
      };
    });
  }

  delete(opId: string, rawPath: string, by: string): Promise<OpResult> {
    return this.apply(opId, async () => {
      const path = normalisePath(rawPath);
      const current = await this.read(path);
      if (!current) throw new ToolError(`${path} does not exist`);
      const effect = this.db
        .delete(files)
        .where(
          and(
            eq(files.orchestratorId, this.orchestratorId),
            eq(files.path, path),
            eq(files.version, current.version),
          ),
        );
      return {
        effect,
        path,
        result: `Deleted ${path}.`,
        change: { path, size: 0, by, deleted: true },
        deletes: true,
      };
    });
  }

  /**
   * Runs one mutation exactly once per op id. The effect and the op row go in one batch; the op row
   * is only inserted if the effect took (its last_op_id is ours, or for deletes the file is gone).
   */
  private async apply(
    opId: string,
    prepare: () => Promise<{
      effect: { toSQL(): { sql: string; params: unknown[] } };
      path: string;
      result: string;
      change: FileChange;
      deletes?: boolean;
    }>,
  ): Promise<OpResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [done] = await this.db.select().from(fileOps).where(eq(fileOps.opId, opId));
      if (done) return { content: done.result, isError: done.isError, change: null };
      let plan: Awaited<ReturnType<typeof prepare>>;
      try {
        plan = await prepare();
      } catch (err) {
        if (err instanceof ToolError) return { content: err.message, isError: true, change: null };
        throw err;
      }
      const took = plan.deletes
        ? sql`NOT EXISTS (SELECT 1 FROM files WHERE orchestrator_id = ${this.orchestratorId} AND path = ${plan.path})`
        : sql`EXISTS (SELECT 1 FROM files WHERE orchestrator_id = ${this.orchestratorId} AND path = ${plan.path} AND last_op_id = ${opId})`;
      const record = this.db
        .insert(fileOps)
        .select(
          this.db
            .select({
              opId: sql<string>`${opId}`.as("op_id"),
              orchestratorId: sql<string>`${this.orchestratorId}`.as("orchestrator_id"),
              result: sql<string>`${plan.result}`.as("result"),
              isError: sql<boolean>`0`.as("is_error"),
              createdAt: sql<number>`${Date.now()}`.as("created_at"),
            })
            .from(sql`(SELECT 1)`)
            .where(took),
        )
        .onConflictDoNothing();
      // Compiled by drizzle, sent as one D1 batch: the effect and its op record commit together.
      const [, recorded] = await this.env.DB.batch([
        toStatement(this.env.DB, plan.effect),
        toStatement(this.env.DB, record),
      ]);
      if (recorded?.meta.changes === 1) return { content: plan.result, isError: false, change: plan.change };
      // Lost a race with another writer (or a replay); look again.
    }
    return {
      content: "The file changed while editing it; read it again and retry.",
      isError: true,
      change: null,
    };
  }
}
