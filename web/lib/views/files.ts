// The shared workspace as a pure fold over file.changed events, optionally seeded from GET …/files,
// and the tree the file browser shows.
import type { FileInfo } from "../../../schema/api";
import type { StreamEvent } from "../../../schema/events";

export type FileEntry = {
  path: string;
  size: number;
  updatedBy: string;
  updatedAt: number;
  /** How many changes this session has seen: a cheap "did it change" key for previews. */
  changes: number;
  /** seq of the latest file.changed, 0 when only known from the listing. */
  seq: number;
};

export type FilesView = ReadonlyMap<string, FileEntry>;

export const emptyFiles = (): FilesView => new Map();

export function seedFiles(view: FilesView, files: readonly FileInfo[]): FilesView {
  const next = new Map(view);
  for (const f of files) {
    const prev = next.get(f.path);
    // Events newer than the listing win.
    if (prev && prev.updatedAt > f.updatedAt) continue;
    next.set(f.path, {
      path: f.path,
      size: f.size,
      updatedBy: f.updatedBy,
      updatedAt: f.updatedAt,
      changes: prev?.changes ?? 0,
      seq: prev?.seq ?? 0,
    });
  }
  return next;
}

export function foldFiles(view: FilesView, ev: StreamEvent): FilesView {
  if (ev.type !== "file.changed") return view;
  const next = new Map(view);
  if (ev.deleted) {
    next.delete(ev.path);
    return next;
  }
  const prev = view.get(ev.path);
  next.set(ev.path, {
    path: ev.path,
    size: ev.size,
    updatedBy: ev.by,
    updatedAt: ev.ts,
    changes: (prev?.changes ?? 0) + 1,
    seq: ev.seq,
  });
  return next;
}

export function buildFiles(events: readonly StreamEvent[], seed: readonly FileInfo[] = []): FilesView {
  let view = seedFiles(emptyFiles(), seed);
  for (const ev of events) view = foldFiles(view, ev);
  return view;
}

export type TreeNode = {
  name: string;
  /** Full path; for folders, the path of the folder. */
  path: string;
  file: FileEntry | null;
  children: TreeNode[];
};

/** Folders first, then files, each alphabetical. */
export function fileTree(view: FilesView): TreeNode {
  const root: TreeNode = { name: "", path: "", file: null, children: [] };
  const folders = new Map<string, TreeNode>([["", root]]);
  const sorted = [...view.values()].sort((a, b) => a.path.localeCompare(b.path));
  for (const f of sorted) {
    const parts = f.path.replace(/^\/+/, "").split("/");
    let parent = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const path = parts.slice(0, i + 1).join("/");
      let folder = folders.get(path);
      if (!folder) {
        folder = { name: parts[i]!, path, file: null, children: [] };
        folders.set(path, folder);
        parent.children.push(folder);
      }
      parent = folder;
    }
    parent.children.push({ name: parts[parts.length - 1]!, path: f.path, file: f, children: [] });
  }
  const sortRec = (n: TreeNode) => {
    n.children.sort((a, b) => {
      const af = a.file ? 1 : 0;
      const bf = b.file ? 1 : 0;
      return af - bf || a.name.localeCompare(b.name);
    });
    for (const c of n.children) sortRec(c);
  };
  sortRec(root);
  return root;
}
