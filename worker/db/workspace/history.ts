// File history (D1 `file_versions`): the content each write, edit, delete, restore or rename
// replaced, plus a marker per deletion. The current version lives in `files`; history rows hold the
// earlier ones, so a file's version numbers increase without reuse (a file written again after a
// delete goes on after its marker). The statements here run inside a mutation's own D1 batch
// (exactly-once.ts applyOnce), under the same conditions as its effect: a version is archived
// exactly when the effect happens, and never by a replay. Pruning is bounded by FILE_HISTORY_LIMITS.
import { type SQL, sql } from "drizzle-orm";
import { FILE_HISTORY_LIMITS } from "../../limits";

export type VersionMeta = {
  version: number;
  size: number;
  updatedBy: string;
  updatedAt: number;
  /** A deletion marker: updatedBy deleted the file at updatedAt. */
  deleted: boolean;
  /** The file's current version (kept in `files`, not in history). */
  current: boolean;
};
export type FileHistory = { path: string; current: number | null; versions: VersionMeta[] };

/** `orchestrator_id = … AND path = …` */
export const at = (orchestratorId: string, path: string): SQL =>
  sql`orchestrator_id = ${orchestratorId} AND path = ${path}`;

/** True until the op is recorded: a replayed (or concurrently repeated) op changes nothing. */
export const fresh = (opId: string): SQL => sql`NOT EXISTS (SELECT 1 FROM file_ops WHERE op_id = ${opId})`;

/** The version a file written at `path` gets when it has no current row: after its history. */
export const nextVersion = (orchestratorId: string, path: string): SQL =>
  sql`coalesce((SELECT max(version) FROM file_versions WHERE ${at(orchestratorId, path)}), 0) + 1`;

/**
 * Copies the current version of `path` into history when `when` holds, ahead of the effect that
 * replaces it in the same batch (D1 runs a batch as one transaction: nothing changes in between).
 * `when` is the effect's cheap part (its op is fresh, its precondition); the caps, which cost a sum
 * over the workspace, are left to the effect, and `dropUnreplaced` after it removes the copy again
 * when the effect didn't apply. A leftover row with the same number is replaced: the current row is
 * the truth for its version.
 */
export const archiveCurrent = (orchestratorId: string, path: string, when: SQL): SQL => sql`
  INSERT OR REPLACE INTO file_versions
    (orchestrator_id, path, version, size, deleted, updated_by, updated_at, op_id, content)
  SELECT orchestrator_id, path, version, size, 0, updated_by, updated_at, last_op_id, content
    FROM files WHERE ${at(orchestratorId, path)} AND ${when}`;

/**
 * History holds only versions older than the current one: a copy of the current version is what
 * archiveCurrent added for an effect that then changed nothing (a cap refused it), and goes.
 */
export const dropUnreplaced = (orchestratorId: string, path: string): SQL => sql`
  DELETE FROM file_versions WHERE ${at(orchestratorId, path)}
     AND version = (SELECT version FROM files WHERE ${at(orchestratorId, path)})`;

/** The deletion marker: version `version`, by `by` at `now`, recorded by op `opId`, when `when`. */
export const deletionMarker = (
  orchestratorId: string,
  path: string,
  m: { version: number; by: string; now: number; opId: string },
  when: SQL,
): SQL => sql`
  INSERT OR REPLACE INTO file_versions
    (orchestrator_id, path, version, size, deleted, updated_by, updated_at, op_id, content)
  SELECT ${orchestratorId}, ${path}, ${m.version}, 0, 1, ${m.by}, ${m.now}, ${m.opId}, '' WHERE ${when}`;

/** Keeps the newest FILE_HISTORY_LIMITS.versionsPerFile history rows of `path`. */
export const pruneFile = (orchestratorId: string, path: string): SQL => sql`
  DELETE FROM file_versions WHERE ${at(orchestratorId, path)} AND version <= (
    SELECT version FROM file_versions WHERE ${at(orchestratorId, path)}
     ORDER BY version DESC LIMIT 1 OFFSET ${FILE_HISTORY_LIMITS.versionsPerFile})`;

/**
 * Once the workspace's history is over a limit (rows or bytes), deletes its oldest rows — in the
 * order they were archived (rowid) — until it is within `pruneTo` of both. The guard is a sum over
 * the (orchestrator_id, size) index alone; the ordered scan runs only when a prune is due.
 */
export function pruneWorkspace(orchestratorId: string): SQL {
  const L = FILE_HISTORY_LIMITS;
  const keepRows = Math.floor(L.workspaceVersions * L.pruneTo);
  const keepBytes = Math.floor(L.workspaceBytes * L.pruneTo);
  return sql`
  DELETE FROM file_versions
   WHERE (SELECT count(*) > ${L.workspaceVersions} OR coalesce(sum(size), 0) > ${L.workspaceBytes}
            FROM file_versions WHERE orchestrator_id = ${orchestratorId})
     AND rowid IN (
       SELECT rowid FROM (
         SELECT rowid, sum(size) OVER newest AS bytes, row_number() OVER newest AS n
           FROM file_versions WHERE orchestrator_id = ${orchestratorId}
         WINDOW newest AS (ORDER BY rowid DESC))
        WHERE bytes > ${keepBytes} OR n > ${keepRows})`;
}

/** A file's history, newest first, with its current version on top; null when it has neither. */
export async function listVersions(
  db: D1Database,
  orchestratorId: string,
  path: string,
): Promise<FileHistory | null> {
  const [current, past] = await db.batch<{
    version: number;
    size: number;
    deleted: number;
    updated_by: string;
    updated_at: number;
  }>([
    db
      .prepare(
        `SELECT version, octet_length(content) AS size, 0 AS deleted, updated_by, updated_at
           FROM files WHERE orchestrator_id = ? AND path = ?`,
      )
      .bind(orchestratorId, path),
    db
      .prepare(
        `SELECT version, size, deleted, updated_by, updated_at FROM file_versions
          WHERE orchestrator_id = ? AND path = ? ORDER BY version DESC`,
      )
      .bind(orchestratorId, path),
  ]);
  const live = current?.results[0];
  const rows = [...(live ? [live] : []), ...(past?.results ?? [])];
  if (!rows.length) return null;
  return {
    path,
    current: live?.version ?? null,
    versions: rows.map((r) => ({
      version: r.version,
      size: r.size,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
      deleted: Boolean(r.deleted),
      current: r === live,
    })),
  };
}

/** One earlier version with its content: null when it isn't kept; `deleted` for a deletion marker. */
export async function readPastVersion(
  db: D1Database,
  orchestratorId: string,
  path: string,
  version: number,
): Promise<{
  path: string;
  version: number;
  size: number;
  updatedBy: string;
  updatedAt: number;
  deleted: boolean;
  content: string;
} | null> {
  const row = await db
    .prepare(
      `SELECT path, version, size, deleted, updated_by, updated_at, content FROM file_versions
        WHERE orchestrator_id = ? AND path = ? AND version = ?`,
    )
    .bind(orchestratorId, path, version)
    .first<{
      path: string;
      version: number;
      size: number;
      deleted: number;
      updated_by: string;
      updated_at: number;
      content: string;
    }>();
  if (!row) return null;
  return {
    path: row.path,
    version: row.version,
    size: row.size,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    deleted: Boolean(row.deleted),
    content: row.content,
  };
}
