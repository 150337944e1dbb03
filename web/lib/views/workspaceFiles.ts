// The workspace's paths as the orchestrator's stream tells them (file.changed, from agents' writes
// and the user's uploads alike), so the chat links a path only to a file that exists, and the
// header can count them.
import type { StreamEvent } from "../../../schema/events";

export type WorkspaceFiles = { paths: ReadonlySet<string> };

export const emptyWorkspaceFiles = (): WorkspaceFiles => ({ paths: new Set() });

export function foldWorkspaceFiles(w: WorkspaceFiles, ev: StreamEvent): WorkspaceFiles {
  if (ev.type !== "file.changed") return w;
  if (ev.deleted ? !w.paths.has(ev.path) : w.paths.has(ev.path)) return w;
  const paths = new Set(w.paths);
  if (ev.deleted) paths.delete(ev.path);
  else paths.add(ev.path);
  return { paths };
}

/**
 * The workspace path a mention in the chat means, or null: as written, or without a leading `./`
 * or `/` (workspace paths are relative; models often write them either way).
 */
export function resolveMention(paths: ReadonlySet<string>, mention: string): string | null {
  const m = mention.trim();
  if (!m) return null;
  for (const p of [m, m.replace(/^\.?\/+/, "")]) if (paths.has(p)) return p;
  return null;
}
