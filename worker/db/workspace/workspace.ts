// The orchestrator's shared workspace of files in D1: reads, and what each mutation (write, edit,
// delete, rename, restore) does. Every mutation carries an op id (the tool_use_id, or a request id)
// and runs through exactly-once.ts: the effect, the history it keeps (history.ts) and its op record
// commit in one batch, and a repeated op id returns the stored result instead of applying again —
// tool effects happen exactly once, and so does each version they archive.
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { INPUT_LIMITS } from "../../../schema/api";
import { files } from "../../../schema/d1";
import { CallerError } from "../../http/errors";
import { applyOnce, type MutationPlan, type OpResult, Refused } from "./exactly-once";
import {
  archiveCurrent,
  at,
  deletionMarker,
  dropUnreplaced,
  type FileHistory,
  fresh,
  listVersions,
  nextVersion,
  readPastVersion,
} from "./history";
import { normalisePath } from "./paths";
import { fits } from "./quota";
import { type SearchOptions, type SearchResult, searchFiles } from "./search";

export type { FileChange, OpResult, Refusal } from "./exactly-once";
export type { FileHistory, VersionMeta } from "./history";
export { normalisePath } from "./paths";

export type FileMeta = { path: string; size: number; version: number; updatedBy: string; updatedAt: number };
/**
 * A precondition on the file's current version: a number (it must be at that version), null (there
 * must be no file), undefined (none). Agents' tools write without one; the API takes If-Match.
 */
export type Expect = number | null | undefined;

const encoder = new TextEncoder();
const byteSize = (s: string) => encoder.encode(s).byteLength;

const conflict = (path: string, current: number | null, expected: Expect) =>
  new Refused(
    { kind: "conflict", current },
    current === null
      ? `${path} does not exist (expected version ${expected})`
      : expected === null
        ? `${path} already exists (version ${current})`
        : `${path} is at version ${current}, not ${expected}: it changed since you read it`,
  );

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

  /** The file's current version, or null when there is no such file. */
  private async currentVersion(path: string): Promise<number | null> {
    const row = await this.env.DB.prepare("SELECT version FROM files WHERE orchestrator_id = ? AND path = ?")
      .bind(this.orchestratorId, path)
      .first<{ version: number }>();
    return row?.version ?? null;
  }

  /** A file's versions, newest first (the current one on top); null when it has none at all. */
  history(rawPath: string): Promise<FileHistory | null> {
    return listVersions(this.env.DB, this.orchestratorId, normalisePath(rawPath));
  }

  /**
   * One version of a file with its content, current or earlier; null when it isn't kept, and
   * `deleted` (no content) when that version is the file's deletion.
   */
  async readVersion(
    rawPath: string,
    version: number,
  ): Promise<(FileMeta & { content: string }) | { deleted: true } | null> {
    const path = normalisePath(rawPath);
    const current = await this.read(path);
    if (current?.version === version) return current;
    const past = await readPastVersion(this.env.DB, this.orchestratorId, path, version);
    if (!past) return null;
    if (past.deleted) return { deleted: true };
    const { deleted: _, ...file } = past;
    return file;
  }

  /** Case-insensitive pattern (or literal text) over paths and lines, with bounded work (search.ts). */
  search(pattern: string, opts?: SearchOptions): Promise<SearchResult> {
    return searchFiles(this.env.DB, this.orchestratorId, pattern, opts);
  }

  /** Creates or replaces a file; the version it replaces goes to its history. */
  write(
    opId: string,
    rawPath: string,
    content: string,
    by: string,
    opts: { expect?: Expect } = {},
  ): Promise<OpResult> {
    return this.apply(opId, async () => {
      const path = normalisePath(rawPath);
      const size = byteSize(content);
      if (size > INPUT_LIMITS.fileBytes)
        throw new CallerError(`file is ${size} bytes; the limit is ${INPUT_LIMITS.fileBytes}`);
      await this.check(path, opts.expect);
      return this.writePlan(opId, path, content, by, opts.expect, `Wrote ${path} (${size} bytes).`);
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
      const path = current.path;
      const now = Date.now();
      // Optimistic: only applies if nobody wrote the file since we read it.
      const o = this.orchestratorId;
      const same = sql`version = ${current.version} AND ${fresh(opId)}`;
      return {
        statements: [
          archiveCurrent(o, path, same),
          sql`UPDATE files SET content = ${content}, size = ${size}, updated_by = ${by}, updated_at = ${now},
                last_op_id = ${opId}, version = ${current.version + 1}
              WHERE ${at(o, path)} AND ${same} AND ${fits(o, path, size)}`,
          dropUnreplaced(o, path),
        ],
        took: this.wrote(path, opId),
        result: `Edited ${path}.`,
        changes: [{ path, size, by }],
        paths: [path],
        grows: { path, size },
      };
    });
  }

  /** Deletes a file; its content and a deletion marker stay in its history (restore() undoes it). */
  delete(opId: string, rawPath: string, by: string, opts: { expect?: Expect } = {}): Promise<OpResult> {
    return this.apply(opId, async () => {
      const path = normalisePath(rawPath);
      const version = await this.currentVersion(path);
      if (version === null) throw new Refused({ kind: "missing" }, `${path} does not exist`);
      if (opts.expect !== undefined && opts.expect !== version) throw conflict(path, version, opts.expect);
      const o = this.orchestratorId;
      const same = sql`version = ${version} AND ${fresh(opId)}`;
      const marker = { version: version + 1, by, now: Date.now(), opId };
      return {
        statements: [
          archiveCurrent(o, path, same),
          deletionMarker(o, path, marker, sql`EXISTS (SELECT 1 FROM files WHERE ${at(o, path)} AND ${same})`),
          sql`DELETE FROM files WHERE ${at(o, path)} AND ${same}`,
        ],
        took: sql`EXISTS (SELECT 1 FROM file_versions WHERE ${at(o, path)} AND version = ${version + 1}
                    AND deleted = 1 AND op_id = ${opId})`,
        result: `Deleted ${path}.`,
        changes: [{ path, size: 0, by, deleted: true }],
        paths: [path],
      };
    });
  }

  /**
   * Moves a file and its history to `rawTo` (refused when a file is there). The content and its
   * author stay as they were; history left at `rawTo` by a file deleted there stays below it, the
   * moved versions renumbered after it so that numbers keep increasing.
   */
  rename(
    opId: string,
    rawFrom: string,
    rawTo: string,
    by: string,
    opts: { expect?: Expect } = {},
  ): Promise<OpResult> {
    return this.apply(opId, async () => {
      const from = normalisePath(rawFrom);
      const to = normalisePath(rawTo);
      if (from === to) throw new CallerError(`path: ${to} is already the file's path`);
      const o = this.orchestratorId;
      const [current, target, left] = await Promise.all([
        this.read(from),
        this.currentVersion(to),
        this.env.DB.prepare(
          "SELECT max(version) AS v FROM file_versions WHERE orchestrator_id = ? AND path = ?",
        )
          .bind(o, to)
          .first<{ v: number | null }>(),
      ]);
      if (!current) throw new Refused({ kind: "missing" }, `${from} does not exist`);
      if (opts.expect !== undefined && opts.expect !== current.version)
        throw conflict(from, current.version, opts.expect);
      if (target !== null) throw new Refused({ kind: "exists" }, `${to} already exists`);
      const off = left?.v ?? 0;
      const moved = sql`EXISTS (SELECT 1 FROM files WHERE ${at(o, to)} AND last_op_id = ${opId})`;
      return {
        statements: [
          sql`UPDATE files SET path = ${to}, version = version + ${off}, last_op_id = ${opId}
              WHERE ${at(o, from)} AND version = ${current.version} AND ${fresh(opId)}
                AND NOT EXISTS (SELECT 1 FROM files WHERE ${at(o, to)})
                AND coalesce((SELECT max(version) FROM file_versions WHERE ${at(o, to)}), 0) = ${off}`,
          sql`UPDATE file_versions SET path = ${to}, version = version + ${off}
              WHERE ${at(o, from)} AND ${moved} AND ${fresh(opId)}`,
        ],
        took: moved,
        result: `Renamed ${from} to ${to}.`,
        changes: [
          { path: from, size: 0, by, deleted: true },
          { path: to, size: current.size, by },
        ],
        paths: [to],
      };
    });
  }

  /**
   * Makes an earlier version the current one again (a new version with its content, by `by`); also
   * brings back a deleted file. `expect` as for write: null restores only if no file is there.
   */
  restore(
    opId: string,
    rawPath: string,
    version: number,
    by: string,
    opts: { expect?: Expect } = {},
  ): Promise<OpResult> {
    return this.apply(opId, async () => {
      const path = normalisePath(rawPath);
      const old = await this.readVersion(path, version);
      if (!old || "deleted" in old) {
        throw new Refused(
          { kind: "missing" },
          old ? `version ${version} of ${path} is its deletion` : `version ${version} of ${path} is not kept`,
        );
      }
      await this.check(path, opts.expect);
      const result = `Restored ${path} to the content of version ${version}.`;
      return this.writePlan(opId, path, old.content, by, opts.expect, result);
    });
  }

  /** Refuses when the file's version isn't what `expect` says. */
  private async check(path: string, expect: Expect): Promise<void> {
    if (expect === undefined) return;
    const current = await this.currentVersion(path);
    if (current !== expect) throw conflict(path, current, expect);
  }

  /** `expect` as SQL over `files`, for statements that must not apply once it stops holding. */
  private holds(path: string, expect: Expect): SQL {
    const here = at(this.orchestratorId, path);
    if (expect === undefined) return sql`1`;
    if (expect === null) return sql`NOT EXISTS (SELECT 1 FROM files WHERE ${here})`;
    return sql`EXISTS (SELECT 1 FROM files WHERE ${here} AND version = ${expect})`;
  }

  /** The file's row is the one op `opId` wrote. */
  private wrote(path: string, opId: string): SQL {
    return sql`EXISTS (SELECT 1 FROM files WHERE ${at(this.orchestratorId, path)} AND last_op_id = ${opId})`;
  }

  private writePlan(
    opId: string,
    path: string,
    content: string,
    by: string,
    expect: Expect,
    result: string,
  ): MutationPlan {
    const o = this.orchestratorId;
    const size = byteSize(content);
    const now = Date.now();
    // The caps are checked by the statement that writes (quota.ts): parallel writers can't overshoot.
    const when = sql`${fresh(opId)} AND ${this.holds(path, expect)}`;
    return {
      statements: [
        archiveCurrent(o, path, when),
        sql`INSERT INTO files (orchestrator_id, path, content, size, version, updated_by, updated_at, last_op_id)
            SELECT ${o}, ${path}, ${content}, ${size}, ${nextVersion(o, path)}, ${by}, ${now}, ${opId}
             WHERE ${when} AND ${fits(o, path, size)}
            ON CONFLICT (orchestrator_id, path) DO UPDATE SET content = excluded.content,
              size = excluded.size, updated_by = excluded.updated_by, updated_at = excluded.updated_at,
              last_op_id = excluded.last_op_id, version = files.version + 1`,
        dropUnreplaced(o, path),
      ],
      took: this.wrote(path, opId),
      result,
      changes: [{ path, size, by }],
      paths: [path],
      grows: { path, size },
    };
  }

  /** Runs one planned mutation exactly once per op id (exactly-once.ts). */
  private apply(opId: string, prepare: () => Promise<MutationPlan>): Promise<OpResult> {
    return applyOnce(this.env.DB, this.orchestratorId, opId, prepare);
  }
}
