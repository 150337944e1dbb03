// The workspace caps (DESIGN §8): files per workspace and bytes per workspace. The check is part
// of the write's own SQL statement, so parallel writers can't each see room and together overshoot:
// D1 runs one statement at a time, and a write that no longer fits simply changes nothing. Only
// then is the workspace looked at again, to tell the writer which cap refused it.
import { type SQL, sql } from "drizzle-orm";
import { INPUT_LIMITS } from "../../../schema/api";
import { CallerError } from "../../http/errors";

export type Limit = "workspaceFiles" | "workspaceBytes";

/** A write refused by a workspace cap; `limit` names which (the API answers 409 or 413). */
export class LimitError extends CallerError {
  constructor(
    readonly limit: Limit,
    message: string,
  ) {
    super(message);
  }
}

/**
 * True when writing `size` bytes to `path` keeps the workspace within both caps. Overwriting an
 * existing file never counts as a new file, and shrinking a file is always allowed (so a workspace
 * that is over a cap, e.g. one filled before the caps, can still be cleaned up).
 */
export function fits(orchestratorId: string, path: string, size: number): SQL {
  const existing = sql`SELECT size FROM files WHERE orchestrator_id = ${orchestratorId} AND path = ${path}`;
  const count = sql`SELECT count(*) FROM files WHERE orchestrator_id = ${orchestratorId}`;
  // octet_length(content) is read from the row header; `size`, stored after the content, would
  // make SQLite walk every file's overflow pages (57 ms vs 3 ms per write at 99 MiB, measured).
  const others = sql`SELECT coalesce(sum(octet_length(content)), 0) FROM files
    WHERE orchestrator_id = ${orchestratorId} AND path <> ${path}`;
  // OR evaluates left to right: few files can't hold the bytes limit (count × fileBytes) and skip the sum.
  return sql`((${existing}) IS NOT NULL OR (${count}) < ${INPUT_LIMITS.workspaceFiles})
    AND (${size} <= coalesce((${existing}), -1)
      OR (${count}) * ${INPUT_LIMITS.fileBytes} + ${size} <= ${INPUT_LIMITS.workspaceBytes}
      OR (${others}) + ${size} <= ${INPUT_LIMITS.workspaceBytes})`;
}

const mib = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;

/** After a write changed nothing: the cap that refuses it now, if any (else it lost a race). */
export async function refusal(
  db: D1Database,
  orchestratorId: string,
  path: string,
  size: number,
): Promise<LimitError | null> {
  const usage = await db
    .prepare(
      `SELECT count(*) AS files, coalesce(sum(octet_length(content)), 0) AS bytes,
              coalesce(sum(CASE WHEN path = ?2 THEN size END), -1) AS existing
         FROM files WHERE orchestrator_id = ?1`,
    )
    .bind(orchestratorId, path)
    .first<{ files: number; bytes: number; existing: number }>();
  if (!usage) return null;
  if (usage.existing < 0 && usage.files >= INPUT_LIMITS.workspaceFiles) {
    return new LimitError(
      "workspaceFiles",
      `The workspace already holds ${usage.files} files; the limit is ${INPUT_LIMITS.workspaceFiles} files per workspace. Delete files you no longer need, or write to an existing one.`,
    );
  }
  const after = usage.bytes - Math.max(usage.existing, 0) + size;
  if (size > usage.existing && after > INPUT_LIMITS.workspaceBytes) {
    return new LimitError(
      "workspaceBytes",
      `Writing ${path} (${size} bytes) would bring the workspace to ${after} bytes; the limit is ${INPUT_LIMITS.workspaceBytes} bytes (${mib(INPUT_LIMITS.workspaceBytes)}) per workspace. Delete or shrink files first.`,
    );
  }
  return null;
}
