// The orchestrator's shared workspace of files in D1. Every mutation carries an op id (the
// tool_use_id): the effect and its op record commit in one batch, and a repeated op id returns the
// stored result instead of applying again — tool effects happen exactly once.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { INPUT_LIMITS } from "../../../schema/api";
import { fileOps, files } from "../../../schema/d1";
import { CallerError } from "../../http/errors";
import { normalisePath } from "./paths";
import { fits, type Limit, refusal } from "./quota";
import { type SearchOptions, type SearchResult, searchFiles } from "./search";

export { normalisePath } from "./paths";

export type FileMeta = { path: string; size: number; version: number; updatedBy: string; updatedAt: number };
export type FileChange = { path: string; size: number; by: string; deleted?: boolean };
export type OpResult = {
  content: string;
  isError: boolean;
  change: FileChange | null;
  /** Set when a workspace cap refused the write. */
  limit?: Limit;
};

const encoder = new TextEncoder();
const byteSize = (s: string) => encoder.encode(s).byteLength;

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

  /** One page of file metadata by path, after `cursor` (a path); nextCursor is null on the last page. */
  async list(
    opts: { cursor?: string; limit?: number } = {},
  ): Promise<{ files: FileMeta[]; nextCursor: string | null }> {
    const limit = opts.limit ?? INPUT_LIMITS.filesPage;
    const rows = await this.db
      .select({
        path: files.path,
        size: files.size,
        version: files.version,
        updatedBy: files.updatedBy,
        updatedAt: files.updatedAt,
      })
      .from(files)
      .where(and(eq(files.orchestratorId, this.orchestratorId), gt(files.path, opts.cursor ?? "")))
      .orderBy(asc(files.path))
      .limit(limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { files: page, nextCursor: more ? page[page.length - 1]!.path : null };
  }

  async read(path: string): Promise<(FileMeta & { content: string }) | null> {
    const [row] = await this.db
      .select()
      .from(files)
      .where(and(eq(files.orchestratorId, this.orchestratorId), eq(files.path, normalisePath(path))));
    return row ?? null;
  }

  /** Case-insensitive pattern (or literal text) over paths and lines, with bounded work (search.ts). */
  search(pattern: string, opts?: SearchOptions): Promise<SearchResult> {
    return searchFiles(this.env.DB, this.orchestratorId, pattern, opts);
  }

  write(opId: string, rawPath: string, content: string, by: string): Promise<OpResult> {
    return this.apply(opId, async () => {
      const path = normalisePath(rawPath);
      const size = byteSize(content);
      if (size > INPUT_LIMITS.fileBytes)
        throw new CallerError(`file is ${size} bytes; the limit is ${INPUT_LIMITS.fileBytes}`);
      const now = Date.now();
      // INSERT … SELECT … WHERE fits: the caps are checked by the statement that writes.
      const row = this.db
        .select({
          orchestratorId: sql<string>`${this.orchestratorId}`.as("orchestrator_id"),
          path: sql<string>`${path}`.as("path"),
          content: sql<string>`${content}`.as("content"),
          size: sql<number>`${size}`.as("size"),
          version: sql<number>`1`.as("version"),
          updatedBy: sql<string>`${by}`.as("updated_by"),
          updatedAt: sql<number>`${now}`.as("updated_at"),
          lastOpId: sql<string>`${opId}`.as("last_op_id"),
        })
        .from(sql`(SELECT 1)`)
        .where(fits(this.orchestratorId, path, size));
      const effect = this.db
        .insert(files)
        .select(row)
        .onConflictDoUpdate({
          target: [files.orchestratorId, files.path],
          set: {
            content: sql`excluded.content`,
            size,
            updatedBy: by,
            updatedAt: now,
            lastOpId: opId,
            version: sql`${files.version} + 1`,
          },
        });
      const grows = { path, size };
      return { effect, path, result: `Wrote ${path} (${size} bytes).`, change: { path, size, by }, grows };
    });
  }

  edit(opId: string, rawPath: string, oldText: string, newText: string, by: string): Promise<OpResult> {
    return this.apply(opId, async () => {
      const current = await this.read(rawPath);
      if (!current) throw new CallerError(`${rawPath} does not exist; use write_file to create it`);
      if (!oldText) throw new CallerError("old must not be empty");
      const first = current.content.indexOf(oldText);
      if (first < 0) throw new CallerError(`old text was not found in ${current.path}`);
      if (current.content.indexOf(oldText, first + 1) >= 0) {
        throw new CallerError(
          `old text occurs more than once in ${current.path}; include more context to make it unique`,
        );
      }
      const content =
        current.content.slice(0, first) + newText + current.content.slice(first + oldText.length);
      const size = byteSize(content);
      if (size > INPUT_LIMITS.fileBytes)
        throw new CallerError(
          `the edit makes the file ${size} bytes; the limit is ${INPUT_LIMITS.fileBytes}`,
        );
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
            fits(this.orchestratorId, current.path, size),
          ),
        );
      return {
        effect,
        path: current.path,
        result: `Edited ${current.path}.`,
        change: { path: current.path, size, by },
        grows: { path: current.path, size },
      };
    });
  }

  delete(opId: string, rawPath: string, by: string): Promise<OpResult> {
    return this.apply(opId, async () => {
      const path = normalisePath(rawPath);
      const current = await this.read(path);
      if (!current) throw new CallerError(`${path} does not exist`);
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
      /** A write's resulting file, to explain a refusal by the workspace caps. */
      grows?: { path: string; size: number };
    }>,
  ): Promise<OpResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [done] = await this.db.select().from(fileOps).where(eq(fileOps.opId, opId));
      if (done) return { content: done.result, isError: done.isError, change: null };
      let plan: Awaited<ReturnType<typeof prepare>>;
      try {
        plan = await prepare();
      } catch (err) {
        if (err instanceof CallerError) return { content: err.message, isError: true, change: null };
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
      // Refused by a cap, or lost a race with another writer (or a replay): look again.
      const full =
        plan.grows && (await refusal(this.env.DB, this.orchestratorId, plan.grows.path, plan.grows.size));
      if (full) return { content: full.message, isError: true, change: null, limit: full.limit };
    }
    return {
      content: "The file changed while editing it; read it again and retry.",
      isError: true,
      change: null,
    };
  }
}
