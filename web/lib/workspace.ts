// The workspace's write side and history (docs/API.md "The workspace"): typed helpers over the one
// request wrapper (lib/http.ts), checked with schema/api-responses.ts. Reads of the listing and of
// the current file stay in lib/api.ts. Every write names the version it was made against
// (If-Match), so an agent's change in between is a 412 the page can show, never a silent overwrite.
import {
  type FileContent,
  type FileHistoryInfo,
  type FileSearchResult,
  fileHistorySchema,
  fileSchema,
  fileSearchResponse,
} from "../../schema/api";
import { encodePath, request } from "./http";

export type { FileSearchMatch, FileVersion } from "../../schema/api";
export type { FileContent, FileHistoryInfo, FileSearchResult };

const base = (id: string) => `/api/orchestrators/${encodeURIComponent(id)}`;
const fileUrl = (id: string, path: string) => `${base(id)}/files/${encodePath(path)}`;
const versionsUrl = (id: string, path: string) => `${base(id)}/file-versions/${encodePath(path)}`;

/**
 * What a write expects of the file now: `{ version }` it is at that version (If-Match), `"absent"`
 * there is no file (If-None-Match: *), or nothing (any state: uploads overwrite, keeping history).
 */
export type Expect = { version: number } | "absent" | undefined;

function preconditions(expect: Expect): Record<string, string> {
  if (expect === "absent") return { "If-None-Match": "*" };
  if (expect) return { "If-Match": `"${expect.version}"` };
  return {};
}

const TEXT = "text/plain; charset=utf-8";

export const workspaceApi = {
  /** Creates or replaces a file with `content`: a new version, by you. */
  write: (id: string, path: string, content: string, expect?: Expect): Promise<FileContent> =>
    request("PUT", fileUrl(id, path), undefined, fileSchema, {
      text: { body: content, type: TEXT },
      headers: preconditions(expect),
    }),
  /** Moves a file and its history to `to`. */
  rename: (id: string, from: string, to: string, expect?: Expect): Promise<FileContent> =>
    request("PATCH", fileUrl(id, from), { path: to }, fileSchema, { headers: preconditions(expect) }),
  remove: (id: string, path: string, expect?: Expect): Promise<unknown> =>
    request("DELETE", fileUrl(id, path), undefined, undefined, { headers: preconditions(expect) }),
  history: (id: string, path: string): Promise<FileHistoryInfo> =>
    request("GET", versionsUrl(id, path), undefined, fileHistorySchema),
  /** One version's content (current or earlier). */
  readVersion: (id: string, path: string, version: number): Promise<FileContent> =>
    request("GET", `${fileUrl(id, path)}?version=${version}`, undefined, fileSchema),
  /** Makes `version`'s content current again; with "absent", only if nobody wrote the file since. */
  restore: (id: string, path: string, version: number, expect?: Expect): Promise<FileContent> =>
    request("POST", versionsUrl(id, path), { version }, fileSchema, { headers: preconditions(expect) }),
  search: (id: string, q: string, signal?: AbortSignal): Promise<FileSearchResult> =>
    request("GET", `${base(id)}/file-search?q=${encodeURIComponent(q)}`, undefined, fileSearchResponse, {
      signal,
    }),
};
