// How a workspace mutation runs exactly once per op id (the tool_use_id, or a request id). The
// mutation is planned first (workspace.ts): its statements, the condition that says its effect took,
// its result. Then the statements, its op record and history pruning go in one D1 batch; every effect
// statement is guarded by the op not being recorded yet, and the record is only inserted when the
// effect took. So a repeated op id — a replay after a crash, or a concurrent repeat — returns the
// stored result instead of applying again, and so does each version the effect archives.
import { eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { fileOps } from "../../../schema/d1";
import { CallerError } from "../../http/errors";
import { pruneFile, pruneWorkspace } from "./history";
import { type Limit, refusal } from "./quota";

export type FileChange = { path: string; size: number; by: string; deleted?: boolean };
/**
 * Why a mutation was refused, for callers that answer with a status: a workspace cap; a
 * precondition (`expect`) that no longer holds, with the file's version now (null: no file); no
 * such file or version; a rename onto a file that exists.
 */
export type Refusal =
  | { kind: "limit"; limit: Limit }
  | { kind: "conflict"; current: number | null }
  | { kind: "missing" }
  | { kind: "exists" };
export type OpResult = {
  content: string;
  isError: boolean;
  /** What changed, for file.changed events: empty for refusals and replays; a rename has two. */
  changes: FileChange[];
  refused?: Refusal;
};

/** Thrown while planning: the mutation is refused for a reason callers answer with a status. */
export class Refused extends CallerError {
  constructor(
    readonly refusal: Refusal,
    message: string,
  ) {
    super(message);
  }
}

/** What one mutation does: statements run in order in one batch, then its op record when `took`. */
export type MutationPlan = {
  statements: SQL[];
  took: SQL;
  result: string;
  changes: FileChange[];
  /** Paths whose history the op may have grown: pruned after the record. */
  paths: string[];
  /** A write's resulting file, to explain a refusal by the workspace caps. */
  grows?: { path: string; size: number };
};

const dialect = new SQLiteAsyncDialect();

function toStatement(db: D1Database, query: SQL | { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql: text, params } = "toSQL" in query ? query.toSQL() : dialect.sqlToQuery(query);
  return db.prepare(text).bind(...params);
}

/**
 * Runs one mutation exactly once per op id. Its statements and the op row go in one batch; the op
 * row is only inserted if the effect took (`took`), and every effect statement is guarded by the
 * op not being recorded yet, so even a concurrent repeat of the op changes nothing. History is
 * pruned after the record (pruning is safe at any time). `prepare` is planned again, up to three
 * times, when the effect lost a race with another writer.
 */
export async function applyOnce(
  db: D1Database,
  orchestratorId: string,
  opId: string,
  prepare: () => Promise<MutationPlan>,
): Promise<OpResult> {
  const orm = drizzle(db);
  for (let attempt = 0; attempt < 3; attempt++) {
    const [done] = await orm.select().from(fileOps).where(eq(fileOps.opId, opId));
    if (done) return { content: done.result, isError: done.isError, changes: [] };
    let plan: MutationPlan;
    try {
      plan = await prepare();
    } catch (err) {
      // Refused because a concurrent repeat of this op just applied it? Then that is the answer.
      if (err instanceof CallerError && attempt === 0) {
        const [raced] = await orm.select().from(fileOps).where(eq(fileOps.opId, opId));
        if (raced) return { content: raced.result, isError: raced.isError, changes: [] };
      }
      if (err instanceof Refused)
        return { content: err.message, isError: true, changes: [], refused: err.refusal };
      if (err instanceof CallerError) return { content: err.message, isError: true, changes: [] };
      throw err;
    }
    const record = sql`INSERT INTO file_ops (op_id, orchestrator_id, result, is_error, created_at)
      SELECT ${opId}, ${orchestratorId}, ${plan.result}, 0, ${Date.now()} WHERE ${plan.took}
      ON CONFLICT DO NOTHING`;
    const results = await db.batch([
      ...plan.statements.map((s) => toStatement(db, s)),
      toStatement(db, record),
      ...plan.paths.map((p) => toStatement(db, pruneFile(orchestratorId, p))),
      toStatement(db, pruneWorkspace(orchestratorId)),
    ]);
    if (results[plan.statements.length]?.meta.changes === 1)
      return { content: plan.result, isError: false, changes: plan.changes };
    // Refused by a cap, or lost a race with another writer (or a replay): look again.
    const full = plan.grows && (await refusal(db, orchestratorId, plan.grows.path, plan.grows.size));
    if (full) {
      return {
        content: full.message,
        isError: true,
        changes: [],
        refused: { kind: "limit", limit: full.limit },
      };
    }
  }
  return {
    content: "The file changed while editing it; read it again and retry.",
    isError: true,
    changes: [],
  };
}
