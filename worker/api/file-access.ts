// What the workspace routes (files.ts, file-versions.ts) share: the file path from the URL, the
// version preconditions (If-Match / If-None-Match), the documented file shape, and how a refused
// mutation answers.
import type { Context } from "hono";
import { type FileContent, INPUT_LIMITS } from "../../schema/api";
import { PathError } from "../db/workspace/paths";
import type { Limit } from "../db/workspace/quota";
import { type Expect, normalisePath, type OpResult } from "../db/workspace/workspace";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { orchestratorStub } from "../objects/stubs";

/** `value` as a workspace path; 400 naming `field` when it's not valid. */
export function validPath(value: string, field = "path"): string {
  try {
    return normalisePath(value);
  } catch (err) {
    if (err instanceof PathError) {
      throw new ApiError(400, "invalid_request", `${field}: ${err.reason}.`, {
        issues: [{ field, message: err.reason }],
      });
    }
    throw err;
  }
}

/** The file path after `/<segment>/` in the URL, decoded and normalised; 400 naming `path`. */
export function filePath(url: string, segment = "files"): string {
  const marker = `/${segment}/`;
  const raw = new URL(url).pathname.split(marker).slice(1).join(marker);
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, "invalid_request", "path: is not valid percent-encoding.");
  }
  return validPath(decoded);
}

const ETAG = /^"(\d{1,15})"$/;

/**
 * The request's precondition on the file's version: `If-Match: "3"` (the file's ETag, its version)
 * → 3; `If-None-Match: *` (only where creating makes sense) → null, "there must be no file"; none →
 * undefined. Anything else is a 400 naming the header.
 */
export function precondition(c: Context<AppEnv>, opts: { noneMatch?: boolean } = {}): Expect {
  const match = c.req.header("If-Match");
  const none = c.req.header("If-None-Match");
  if (match !== undefined && none !== undefined) {
    throw new ApiError(400, "invalid_request", "If-None-Match: can't be sent with If-Match.", {
      issues: [{ field: "If-None-Match", message: "can't be sent with If-Match" }],
    });
  }
  if (match !== undefined) {
    const m = ETAG.exec(match.trim());
    if (!m) {
      const why = 'must be one version in quotes, the ETag of a file answer (like "3")';
      throw new ApiError(400, "invalid_request", `If-Match: ${why}.`, {
        issues: [{ field: "If-Match", message: why }],
      });
    }
    return Number(m[1]);
  }
  if (none !== undefined) {
    if (!opts.noneMatch || none.trim() !== "*") {
      const why = opts.noneMatch ? 'must be "*" (create only if there is no file)' : "is not used here";
      throw new ApiError(400, "invalid_request", `If-None-Match: ${why}.`, {
        issues: [{ field: "If-None-Match", message: why }],
      });
    }
    return null;
  }
  return undefined;
}

/** The documented file shape (internal columns stay server-side), with its version as the ETag. */
export function fileAnswer(c: Context<AppEnv>, f: FileContent) {
  c.header("ETag", `"${f.version}"`);
  return c.json({
    path: f.path,
    size: f.size,
    version: f.version,
    updatedBy: f.updatedBy,
    updatedAt: f.updatedAt,
    content: f.content,
  });
}

/** A write refused by a workspace cap: 409 when it's full of files, 413 when it's out of bytes. */
function capRefusal(limit: Limit, message: string): ApiError {
  const max = INPUT_LIMITS[limit];
  return limit === "workspaceFiles"
    ? new ApiError(409, "too_many_files", message, { limit, max })
    : new ApiError(413, "workspace_too_large", message, { limit, max });
}

/** The workspace's refusals start with a path ("a.md does not exist") or "version N of …". */
const sentence = (s: string) => (s.startsWith("version ") ? `V${s.slice(1)}.` : `File ${s}.`);

/**
 * Answers a mutation's refusal as its status (throws), or tells the orchestrator's stream what
 * changed: `file.changed` per change (a rename is the old path deleted, then the new one).
 */
export async function settle(c: Context<AppEnv>, orchestratorId: string, r: OpResult): Promise<void> {
  const refused = r.refused;
  if (refused?.kind === "limit") throw capRefusal(refused.limit, r.content);
  if (refused?.kind === "conflict") {
    throw new ApiError(412, "version_conflict", sentence(r.content), { currentVersion: refused.current });
  }
  if (refused?.kind === "missing") throw new ApiError(404, "not_found", sentence(r.content));
  if (refused?.kind === "exists") {
    throw new ApiError(409, "file_exists", `path: ${r.content}; delete or rename it first.`, {
      issues: [{ field: "path", message: "already holds a file" }],
    });
  }
  if (r.isError) throw new ApiError(400, "invalid_request", r.content);
  for (const change of r.changes) await orchestratorStub(c.env, orchestratorId).fileChanged(change);
}
