// The workspace as a tree: folders first, each row titled with its full path (two long names that
// differ only at the end look the same once cut), and folders marked as drop targets for uploads.
import { useState } from "react";
import { formatBytes } from "../../lib/format";
import type { TreeNode } from "../../lib/views/files";
import { Icon } from "../Icon";

export function FileTree({
  root,
  selected,
  onSelect,
}: {
  root: TreeNode;
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  return (
    <ul aria-label="Files">
      {root.children.map((n) => (
        <TreeItem key={n.path} node={n} depth={0} selected={selected} onSelect={onSelect} />
      ))}
    </ul>
  );
}

function TreeItem({
  node,
  depth,
  selected,
  onSelect,
}: {
  node: TreeNode;
  depth: number;
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  const [open, setOpen] = useState(true);
  const pad = { paddingLeft: 10 + depth * 14 };
  if (!node.file) {
    return (
      <li>
        <button
          type="button"
          className="tree-row"
          style={pad}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          title={`${node.path}/`}
          // Uploads dropped on a folder go into it (FilesPage's drop zone reads this).
          data-folder={node.path}
        >
          <Icon name={open ? "chevronDown" : "chevronRight"} size={12} />
          <Icon name="folder" size={14} />
          <span className="truncate">{node.name}</span>
        </button>
        {open && (
          <ul>
            {node.children.map((c) => (
              <TreeItem key={c.path} node={c} depth={depth + 1} selected={selected} onSelect={onSelect} />
            ))}
          </ul>
        )}
      </li>
    );
  }
  return (
    <li>
      <button
        type="button"
        className="tree-row"
        style={pad}
        data-selected={selected === node.path}
        aria-current={selected === node.path ? "true" : undefined}
        onClick={() => onSelect(node.path)}
        data-path={node.path}
        title={node.path}
      >
        <span style={{ width: 12 }} />
        <Icon name="file" size={14} />
        <FileName name={node.name} />
        <span className="spacer" />
        {node.file.changes > 0 && <span className="tree-fresh" title="Changed during this session" />}
        <span className="muted tree-size num">{formatBytes(node.file.size)}</span>
      </button>
    </li>
  );
}

/** How much of a name's end always shows: enough to tell "report-2024-q1.md" from "…-q2.md". */
const TAIL = 10;

/**
 * Where a long name is cut: its last word (from a "-", "_", " " or "." near the end) stays whole, so
 * "researcher-notes-20f7.md" shows as "researcher-no…-20f7.md"; otherwise its last TAIL characters.
 */
export function nameTail(name: string): number {
  const from = Math.max(0, name.length - TAIL - 6);
  for (let i = name.length - 6; i >= from; i--) if ("-_ .".includes(name[i]!)) return i;
  return name.length - TAIL;
}

/**
 * A long name cut in the middle, not at the end: names that differ only at the end (an agent's
 * numbered drafts) stay distinguishable; the full path is the row's tooltip.
 */
function FileName({ name }: { name: string }) {
  if (name.length <= TAIL + 6) return <span className="truncate">{name}</span>;
  const cut = nameTail(name);
  return (
    <span className="file-name">
      <span className="file-name-head">{name.slice(0, cut)}</span>
      <span className="file-name-tail">{name.slice(cut)}</span>
    </span>
  );
}
