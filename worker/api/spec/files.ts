// Route table: the orchestrator's shared workspace (DESIGN §3): files, their history, search.
import {
  fileHistorySchema,
  fileList,
  fileQuery,
  fileSchema,
  fileSearchQuery,
  fileSearchResponse,
  filesQuery,
  INPUT_LIMITS,
  renameFileBody,
  restoreFileBody,
} from "../../../schema/api";
import { FILE_HISTORY_LIMITS } from "../../limits";
import { file, orch } from "./params";
import type { RouteSpec } from "./route-spec";

const CAPS = {
  too_many_files: `the workspace already holds ${INPUT_LIMITS.workspaceFiles} files (details.limit = "workspaceFiles")`,
  workspace_too_large: `the write would take the workspace past ${INPUT_LIMITS.workspaceBytes} bytes (details.limit = "workspaceBytes")`,
} as const;

const HISTORY = `Every write, edit, delete and restore — by agents or through this API — keeps the version it replaces: at most ${FILE_HISTORY_LIMITS.versionsPerFile} earlier versions per file (deletions included), and per workspace ${FILE_HISTORY_LIMITS.workspaceVersions} versions and ${FILE_HISTORY_LIMITS.workspaceBytes} bytes, the oldest going first. History doesn't count against the workspace's own limits and never refuses a write.`;

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
    summary: "A file with its content; ?raw=1 downloads the file itself; ?version= an earlier version",
    description:
      "`?version=N` answers a version listed by GET …/file-versions/{path} (also of a deleted file); a deletion has no content (404). The ETag header is the version.",
    tag: "Files",
    auth: "caller",
    params: file,
    query: fileQuery,
    ok: {
      status: 200,
      description:
        "The file as JSON (the ETag header is its version); with ?raw=1, the file itself as an attachment (Content-Disposition), typed by its extension with charset=utf-8: .md text/markdown, .csv text/csv, .json application/json (then the body is the file's own JSON, not a File), anything else text/plain",
      schema: fileSchema,
      rawMedia: ["text/markdown", "text/csv", "text/plain"],
      etag: true,
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
    preconditions: "match-or-none",
    description: `The body is read only up to ${INPUT_LIMITS.fileBytes} bytes: a larger declared Content-Length is refused before reading, a longer stream as soon as it passes the limit. A workspace holds at most ${INPUT_LIMITS.workspaceFiles} files and ${INPUT_LIMITS.workspaceBytes} bytes (checked atomically, also under parallel writes); overwriting a file with one no larger is always allowed. Send \`If-Match: "<version>"\` to replace only the version you read (else 412), \`If-None-Match: *\` to create only. ${HISTORY}`,
    body: {
      type: "text",
      example: "# Notes\n\nJupiter has 95 known moons.\n",
      maxBytes: INPUT_LIMITS.fileBytes,
    },
    ok: { status: 200, description: "The file as stored", schema: fileSchema, etag: true },
    errors: CAPS,
  },
  {
    method: "PATCH",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "renameFile",
    summary: "Rename (move) a file, with its history",
    description:
      "The file keeps its content, author and history; a file deleted earlier at the new path keeps its history there too, below the moved versions (renumbered after it). Answers `file.changed` events: the old path deleted, then the new one.",
    tag: "Files",
    auth: "caller",
    params: file,
    preconditions: "match",
    body: { type: "json", schema: renameFileBody, example: { path: "notes/renamed.md" } },
    ok: { status: 200, description: "The file at its new path", schema: fileSchema, etag: true },
    errors: { file_exists: "a file already exists at the new path" },
  },
  {
    method: "DELETE",
    path: "/api/orchestrators/{id}/files/{path}",
    operationId: "deleteFile",
    summary: "Delete a file (its history stays: restore a version to undo)",
    tag: "Files",
    auth: "caller",
    params: file,
    preconditions: "match",
    ok: { status: 204, description: "Deleted" },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/file-versions/{path}",
    operationId: "listFileVersions",
    summary: "A file's history: its versions, who made each and when, newest first",
    description: `Also for a deleted file (its deletion is a version with \`deleted: true\`). Read one with GET …/files/{path}?version=N. ${HISTORY}`,
    tag: "Files",
    auth: "caller",
    params: file,
    ok: { status: 200, description: "The versions kept", schema: fileHistorySchema },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/file-versions/{path}",
    operationId: "restoreFileVersion",
    summary: "Restore a version: its content becomes the file's new current version",
    description:
      "Also undoes a delete (restore the version before the deletion; send `If-None-Match: *` to restore only if nobody has written the file since). The restore is itself a new version, by `user`.",
    tag: "Files",
    auth: "caller",
    params: file,
    preconditions: "match-or-none",
    body: { type: "json", schema: restoreFileBody, example: { version: 1 } },
    ok: { status: 200, description: "The file as restored", schema: fileSchema, etag: true },
    errors: CAPS,
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/file-search",
    operationId: "searchFiles",
    summary: "Search file paths and contents: matching lines with their paths and numbers",
    description:
      "The same linear-time matcher and bounds as the agents' search_files: a case-insensitive regular expression without backreferences or lookaround (text that isn't valid syntax is searched for literally), at most 50 matches, 8 MiB read per search. A search that stops at a bound says so in `note` and gives `after` to go on from.",
    tag: "Files",
    auth: "caller",
    params: orch,
    query: fileSearchQuery,
    exampleQuery: "q=alpha",
    ok: { status: 200, description: "The matches", schema: fileSearchResponse },
  },
];
