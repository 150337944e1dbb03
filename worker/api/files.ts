// /api/orchestrators/:id/files: the shared workspace. PUT takes the raw file text as its body;
// GET returns JSON with the content, or the raw file with ?raw=1 (for download), of the current
// version or of an earlier one (?version=). PATCH renames, DELETE deletes (the history stays: see
// file-versions.ts). Writes take If-Match: "<version>" (every file answer's ETag), and PUT also
// If-None-Match: * — a stale one is a 412 version_conflict, never an overwrite.
import { Hono } from "hono";
import { fileQuery, filesQuery, INPUT_LIMITS, renameFileBody } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import { Workspace } from "../db/workspace/workspace";
import type { AppEnv } from "../http/context";
import { ApiError, notFound } from "../http/errors";
import { readBody, readJson, readQuery } from "../http/validate";
import { ownedOrchestrator } from "./access";
import { fileAnswer, filePath, precondition, settle, validPath } from "./file-access";

const fileTooLarge = () =>
  new ApiError(
    413,
    "too_large",
    `body: the file is over ${INPUT_LIMITS.fileBytes} bytes, the limit for one file.`,
    {
      issues: [{ field: "body", message: `must be at most ${INPUT_LIMITS.fileBytes} bytes` }],
    },
  );

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
    const { raw, version } = readQuery(c, fileQuery);
    const ws = new Workspace(c.env, orch.id);
    const found = version === undefined ? await ws.read(path) : await ws.readVersion(path, version);
    if (found && "deleted" in found) {
      throw new ApiError(
        404,
        "not_found",
        `Version ${version} of ${path} is its deletion: it has no content.`,
      );
    }
    if (!found) throw notFound(version === undefined ? `File ${path}` : `Version ${version} of ${path}`);
    if (raw !== undefined) {
      const ext = path.split(".").pop() ?? "";
      // Served as text, never as HTML: workspace files are untrusted model output.
      return new Response(found.content, {
        headers: {
          "Content-Type": `${CONTENT_TYPES[ext] ?? "text/plain"}; charset=utf-8`,
          "Content-Disposition": `attachment; filename="${encodeURIComponent(path.split("/").pop() ?? "file")}"`,
          "X-Content-Type-Options": "nosniff",
          ETag: `"${found.version}"`,
        },
      });
    }
    return fileAnswer(c, found);
  })
  .put("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const path = filePath(c.req.url);
    const expect = precondition(c, { noneMatch: true });
    const buf = await readBody(c.req.raw, INPUT_LIMITS.fileBytes, fileTooLarge);
    let content: string;
    try {
      content = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
    } catch {
      throw new ApiError(400, "invalid_encoding", "body: files must be UTF-8 text.");
    }
    const ws = new Workspace(c.env, orch.id);
    const r = await ws.write(`put_${crypto.randomUUID()}`, path, content, "user", { expect });
    await settle(c, orch.id, r);
    const stored = await ws.read(path);
    if (!stored) throw notFound(`File ${path}`);
    return fileAnswer(c, stored);
  })
  .patch("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const from = filePath(c.req.url);
    const expect = precondition(c);
    const body = await readJson(c, renameFileBody);
    const to = validPath(body.path);
    if (to === from) {
      throw new ApiError(400, "invalid_request", "path: is already the file's path.", {
        issues: [{ field: "path", message: "is already the file's path" }],
      });
    }
    const ws = new Workspace(c.env, orch.id);
    await settle(c, orch.id, await ws.rename(`mv_${crypto.randomUUID()}`, from, to, "user", { expect }));
    const moved = await ws.read(to);
    if (!moved) throw notFound(`File ${to}`);
    return fileAnswer(c, moved);
  })
  .delete("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const path = filePath(c.req.url);
    const expect = precondition(c);
    const ws = new Workspace(c.env, orch.id);
    await settle(c, orch.id, await ws.delete(`del_${crypto.randomUUID()}`, path, "user", { expect }));
    return c.body(null, 204);
  });
