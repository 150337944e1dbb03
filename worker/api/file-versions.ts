// /api/orchestrators/:id/file-versions/{path}: a file's history — every earlier version kept, each
// with who wrote it and when, and the deletions — and restoring one (which also undoes a delete).
// /api/orchestrators/:id/file-search: the user's search across the workspace, with the same
// linear-time matcher and bounds as the agents' search_files.
import { Hono } from "hono";
import { fileSearchQuery, restoreFileBody } from "../../schema/api";
import { requireAuth } from "../auth/middleware";
import { Workspace } from "../db/workspace/workspace";
import type { AppEnv } from "../http/context";
import { ApiError, CallerError, notFound } from "../http/errors";
import { readJson, readQuery } from "../http/validate";
import { ownedOrchestrator } from "./access";
import { fileAnswer, filePath, precondition, settle } from "./file-access";

const SEGMENT = "file-versions";

export const fileVersionRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const path = filePath(c.req.url, SEGMENT);
    const history = await new Workspace(c.env, orch.id).history(path);
    if (!history) throw notFound(`File ${path}`);
    return c.json(history);
  })
  .post("/*", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
    const path = filePath(c.req.url, SEGMENT);
    const expect = precondition(c, { noneMatch: true });
    const { version } = await readJson(c, restoreFileBody);
    const ws = new Workspace(c.env, orch.id);
    await settle(
      c,
      orch.id,
      await ws.restore(`rs_${crypto.randomUUID()}`, path, version, "user", { expect }),
    );
    const restored = await ws.read(path);
    if (!restored) throw notFound(`File ${path}`);
    return fileAnswer(c, restored);
  });

export const fileSearchRoutes = new Hono<AppEnv>().use(requireAuth).get("/", async (c) => {
  const orch = await ownedOrchestrator(c, c.req.param("id") ?? "");
  const { q, path, after } = readQuery(c, fileSearchQuery);
  try {
    const found = await new Workspace(c.env, orch.id).search(q, { path, after });
    return c.json({ matches: found.hits, note: found.note, after: found.after });
  } catch (err) {
    if (!(err instanceof CallerError)) throw err;
    throw new ApiError(400, "invalid_request", `q: ${err.message}`, {
      issues: [{ field: "q", message: err.message }],
    });
  }
});
