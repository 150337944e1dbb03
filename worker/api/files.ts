// /api/orchestrators/:id/files: the shared workspace. PUT takes the raw file text as its body;
// GET returns JSON with the content, or the raw file with ?raw=1 (for download).
import { Hono } from "hono";
import { type FileInfo, fileQuery, filesQuery, INPUT_LIMITS } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import { PathError } from "../db/workspace/paths";
import type { Limit } from "../db/workspace/quota";
import { normalisePath, Workspace } from "../db/workspace/workspace";
import type { AppEnv } from "../http/context";
import { ApiError, notFound } from "../http/errors";
import { readBody, readQuery } from "../http/validate";
import { orchestratorStub } from "../objects/stubs";
import { ownedOrchestrator } from "./access";

/** The file path after /files/, decoded and normalised; 400 naming `path` when it's not valid. */
function filePath(url: string): string {
  const raw = new URL(url).pathname.split("/files/").slice(1).join("/files/");
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, "invalid_request", "path: is not valid percent-encoding.");
  }
  try {
    return normalisePath(decoded);
  } catch (err) {
    if (err instanceof PathError) {
      throw new ApiError(400, "invalid_request", `${err.message}.`, {
        issues: [{ field: "path", message: err.reason }],
      });
    }
    throw err;
  }
}

const fileTooLarge = () =>
  new ApiError(
    413,
    "too_large",
    `body: the file is over ${INPUT_LIMITS.fileBytes} bytes, the limit for one file.`,
    {
      issues: [{ field: "body", message: `must be at most ${INPUT_LIMITS.fileBytes} bytes` }],
    },
  );

/** A write refused by a workspace cap: 409 when it's full of files, 413 when it's out of bytes. */
function capRefusal(limit: Limit, message: string): ApiError {
  const max = INPUT_LIMITS[limit];
  return limit === "workspaceFiles"
    ? new ApiError(409, "too_many_files", message, { limit, max })
    : new ApiError(413, "workspace_too_large", message, { limit, max });
}

/** The documented file shape: internal columns (owner id, last op id) stay server-side. */
const toFile = (f: FileInfo & { content: string }) => ({
  path: f.path,
  size: f.size,
  version: f.version,
  updatedBy: f.updatedBy,
  updatedAt: f.updatedAt,
  content: f.content,
});

const CONTENT_TYPES: Record<string, string> = {
  md: "text/markdown",
  json: "application/json",
  html: "text/plain",
  svg: "text/plain",
  csv: "text/csv",
};

export const fileRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const { cursor, limit } = readQuery(c, filesQuery);
    return c.json(await new Workspace(c.env, orch.id).list({ cursor, limit }));
  })
  .get("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const path = filePath(c.req.url);
    const { raw } = readQuery(c, fileQuery);
    const file = await new Workspace(c.env, orch.id).read(path);
    if (!file) throw notFound(`File ${path}`);
    if (raw !== undefined) {
      const ext = path.split(".").pop() ?? "";
      // Served as text, never as HTML: workspace files are untrusted model output.
      return new Response(file.content, {
        headers: {
          "Content-Type": `${CONTENT_TYPES[ext] ?? "text/plain"}; charset=utf-8`,
          "Content-Disposition": `attachment; filename="${encodeURIComponent(path.split("/").pop() ?? "file")}"`,
          "X-Content-Type-Options": "nosniff",
        },
      });
    }
    return c.json(toFile(file));
  })
  .put("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const path = filePath(c.req.url);
    const buf = await readBody(c.req.raw, INPUT_LIMITS.fileBytes, fileTooLarge);
    let content: string;
    try {
      content = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
    } catch {
      throw new ApiError(400, "invalid_encoding", "body: files must be UTF-8 text.");
    }
    const r = await new Workspace(c.env, orch.id).write(`put_${crypto.randomUUID()}`, path, content, "user");
    if (r.limit) throw capRefusal(r.limit, r.content);
    if (r.isError) throw new ApiError(400, "invalid_request", r.content);
    if (r.change) await orchestratorStub(c.env, orch.id).fileChanged(r.change);
    const stored = await new Workspace(c.env, orch.id).read(path);
    if (!stored) throw notFound(`File ${path}`);
    return c.json(toFile(stored));
  })
  .delete("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const path = filePath(c.req.url);
    const r = await new Workspace(c.env, orch.id).delete(`del_${crypto.randomUUID()}`, path, "user");
    if (r.isError) throw notFound(`File ${path}`);
    if (r.change) await orchestratorStub(c.env, orch.id).fileChanged(r.change);
    return c.body(null, 204);
  });
