// A message of the user's: the bubble (long ones folded), what it is (an edit, a regenerate, one
// an edit replaced), when it was sent, Copy, and — where the page offers actions — Edit, which
// turns the bubble into a box whose text is sent again as a new turn (the earlier one stays).

import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { INPUT_LIMITS } from "../../../schema/api";
import type { UserItem } from "../../lib/views/transcript";
import { mentions, useChatControls } from "./chatContext";
import { ActionButton, CopyButton, Timestamp, useAction } from "./MessageActions";

const LONG_CHARS = 700;

/** Long user messages (pasted documents, scripts) fold to a few lines until asked (or searched). */
export function UserText({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const { query } = useChatControls();
  const long = text.length > LONG_CHARS;
  const folded = long && !open && !mentions(text, query);
  return (
    <div className="msg-user-bubble" data-folded={folded} data-searchable>
      {folded ? `${text.slice(0, LONG_CHARS).trimEnd()}…` : text}
      {long && (
        <button type="button" className="msg-more" onClick={() => setOpen(!open)} aria-expanded={!folded}>
          {folded ? `Show all (${text.length.toLocaleString()} characters)` : "Show less"}
        </button>
      )}
    </div>
  );
}

export function UserMessage({ item, userLabel }: { item: UserItem; userLabel: string }) {
  const { actions, fail } = useChatControls();
  const [editing, setEditing] = useState(false);
  return (
    <div
      className="msg msg-user"
      data-message-id={item.messageId}
      data-edited={item.editedBy ? true : undefined}
    >
      <span className="sr-only">{userLabel}:</span>
      {editing && actions ? (
        <EditBox
          initial={item.text}
          onSend={(text) => actions.edit(item.messageId, text)}
          onDone={() => setEditing(false)}
          fail={fail}
        />
      ) : (
        <UserText text={item.text} />
      )}
      <div className="msg-actions">
        <Timestamp ts={item.ts} />
        <CopyButton text={() => item.text} label="Copy message" />
        {actions && !editing && <ActionButton icon="pencil" label="Edit" onClick={() => setEditing(true)} />}
        {item.edits && <span className="msg-tag">Edited</span>}
        {item.regenerates && <span className="msg-tag">Asked again</span>}
        {item.editedBy && <span className="msg-tag">Replaced by an edit below</span>}
      </div>
    </div>
  );
}

/** The bubble as a text box: Enter sends (Shift+Enter a new line), Escape gives up. */
export function EditBox({
  initial,
  onSend,
  onDone,
  fail,
  label = "Edit message",
}: {
  initial: string;
  onSend: (text: string) => Promise<unknown>;
  onDone: () => void;
  fail: (what: string, err: unknown) => void;
  label?: string;
}) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  const { busy, run } = useAction(fail);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const send = () => {
    const t = text.trim();
    if (!t || busy) return;
    run("Could not send the edit", () => onSend(t), onDone);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === "Escape") {
      e.preventDefault();
      onDone();
    }
  };
  return (
    <form
      className="msg-edit"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={ref}
        aria-label={label}
        value={text}
        rows={Math.min(10, Math.max(2, text.split("\n").length))}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        maxLength={INPUT_LIMITS.messageChars}
      />
      <div className="msg-edit-bar">
        <span className="faint msg-edit-help">Sent as a new message; the earlier one stays.</span>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className="btn btn-sm btn-primary"
          disabled={!text.trim() || busy}
          aria-busy={busy}
        >
          Send
        </button>
      </div>
    </form>
  );
}
