// The strip above the chat: Find (opens the find bar) and, where the page can export, Export as
// Markdown or JSON (plain downloads of GET …/export; the session cookie goes with them).
import { useEffect, useRef, useState } from "react";
import { Icon } from "../Icon";

export function ChatToolbar({
  finding,
  onFind,
  exportUrl,
}: {
  finding: boolean;
  onFind: () => void;
  exportUrl?: (format: "md" | "json") => string;
}) {
  return (
    <div className="chat-toolbar">
      <button
        type="button"
        className="btn btn-sm btn-ghost"
        onClick={onFind}
        aria-pressed={finding}
        title="Find in this conversation"
      >
        <Icon name="search" size={14} /> Find
      </button>
      {exportUrl && <ExportMenu url={exportUrl} />}
    </div>
  );
}

/** A disclosure with the two downloads; Escape or a click elsewhere closes it. */
function ExportMenu({ url }: { url: (format: "md" | "json") => string }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", away);
    document.addEventListener("keydown", esc);
    return () => {
      document.removeEventListener("pointerdown", away);
      document.removeEventListener("keydown", esc);
    };
  }, [open]);
  return (
    <div className="export-menu" ref={box}>
      <button
        ref={button}
        type="button"
        className="btn btn-sm btn-ghost"
        aria-expanded={open}
        aria-controls="chat-export-options"
        onClick={() => setOpen(!open)}
        title="Download this conversation"
      >
        <Icon name="download" size={14} /> Export
      </button>
      {open && (
        <ul id="chat-export-options" className="export-options">
          <li>
            <a href={url("md")} download onClick={() => setOpen(false)}>
              Markdown <span className="faint">.md</span>
            </a>
          </li>
          <li>
            <a href={url("json")} download onClick={() => setOpen(false)}>
              JSON <span className="faint">.json</span>
            </a>
          </li>
        </ul>
      )}
    </div>
  );
}
