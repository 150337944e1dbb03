// Route table: the orchestrator's shared workspace (DESIGN §3).
import { fileList, fileQuery, fileSchema, filesQuery, INPUT_LIMITS } from "../../../schema/api";
import { file, orch } from "./params";
import type { RouteSpec } from "./route-spec";

export const fileRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/orchestrators/{id}/files",
    operationId: "listFiles",
    summary: "The shared workspace's files (without content), a page at a time",
    description: `Files by path, at most \`limit\` (default and maximum ${INPUT_LIMITS.filesPage}) per page. While \`nextCursor\` is not null, more files follow: ask again with \`?cursor=<nextCursor>\`. A workspace holds at most ${INPUT_LIMITS.workspaceFiles} files and ${INPUT_LIMITS.workspaceBytes} bytes.`,
    tag: "Files",
    auth: "caller",
    params: orch,
    query: filesQuery,
    ok: { status: 200, description: "One page of files by path", schema: fileList },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "readFile",
    summary: "A file with its content; ?raw=1 downloads the file itself",
    tag: "Files",
    auth: "caller",
    params: file,
    query: fileQuery,
    ok: {
      status: 200,
      description:
        "The file as JSON; with ?raw=1, the file itself as an attachment (Content-Disposition), typed by its extension with charset=utf-8: .md text/markdown, .csv text/csv, .json application/json (then the body is the file's own JSON, not a File), anything else text/plain",
      schema: fileSchema,
      rawMedia: ["text/markdown", "text/csv", "text/plain"],
    },
  },
  {
    method: "PUT",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "writeFile",
    summary: "Create or replace a file; the body is the file's UTF-8 text",
    tag: "Files",
    auth: "caller",
    params: file,
    description: `The body is read only up to ${INPUT_LIMITS.fileBytes} bytes: a larger declared Content-Length is refused before reading, a longer stream as soon as it passes the limit. A workspace holds at most ${INPUT_LIMITS.workspaceFiles} files and ${INPUT_LIMITS.workspaceBytes} bytes (checked atomically, also under parallel writes); overwriting a file with one no larger is always allowed.`,
    body: {
      type: "text",
      example: "# Notes\n\nJupiter has 95 known moons.\n",
      maxBytes: INPUT_LIMITS.fileBytes,
    },
    ok: { status: 200, description: "The file as stored", schema: fileSchema },
    errors: {
      too_many_files: `the workspace already holds ${INPUT_LIMITS.workspaceFiles} files (details.limit = "workspaceFiles")`,
      workspace_too_large: `the write would take the workspace past ${INPUT_LIMITS.workspaceBytes} bytes (details.limit = "workspaceBytes")`,
    },
  },
  {
    method: "DELETE",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "deleteFile",
    summary: "Delete a file",
    tag: "Files",
    auth: "caller",
    params: file,
    ok: { status: 204, description: "Deleted" },
  },
];
