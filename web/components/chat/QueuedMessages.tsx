// Messages the server holds that no run has taken in yet, shown where they will run: after the
// running turn, oldest first, each labelled and cancelable. After a Stop they are held (nothing
// starts on its own) until the next message or Resume, which the bar above them offers.
import { useState } from "react";
import type { UserItem } from "../../lib/views/transcript";
import { Icon } from "../Icon";
import { useChatControls } from "./chatContext";
import { ActionButton, Timestamp, useAction } from "./MessageActions";
import { EditBox, UserText } from "./UserMessage";

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export function QueuedMessages({
  queued,
  held,
}: {
  queued: readonly UserItem[];
  /** Held by a Stop: what waits (the queued messages, and agents' reports), or null. */
  held: { messages: number; reports: number } | null;
}) {
  const { actions, fail } = useChatControls();
  const resume = useAction(fail);
  if (!queued.length && !held) return null;
  // "1 message and 2 reports wait for your next message."
  const waiting = held
    ? [held.messages && plural(held.messages, "message"), held.reports && plural(held.reports, "report")]
        .filter(Boolean)
        .join(" and ")
        .concat(held.messages + held.reports === 1 ? " waits" : " wait", " for your next message.")
    : "";
  return (
    <section className="queue" aria-label="Queued messages" data-held={held ? true : undefined}>
      {held && (
        <div className="queue-held" role="status">
          <Icon name="pause" size={14} />
          <span>{waiting}</span>
          {actions && (
            <button
              type="button"
              className="btn btn-sm"
              disabled={resume.busy}
              aria-busy={resume.busy}
              onClick={() => resume.run("Could not resume", actions.resume)}
            >
              <Icon name="send" size={13} /> Resume now
            </button>
          )}
        </div>
      )}
      {queued.map((q) => (
        <QueuedMessage key={q.key} item={q} held={held !== null} />
      ))}
    </section>
  );
}

function QueuedMessage({ item, held }: { item: UserItem; held: boolean }) {
  const { actions, fail } = useChatControls();
  const [editing, setEditing] = useState(false);
  const cancel = useAction(fail);
  const when = held ? "with your next message (or Resume)" : "after the current turn";
  return (
    <div className="msg msg-user msg-queued" data-message-id={item.messageId} aria-busy={cancel.busy}>
      <span className="sr-only">You (queued):</span>
      {editing && actions ? (
        <EditBox
          initial={item.text}
          label="Edit queued message"
          onSend={(text) => actions.edit(item.messageId, text)}
          onDone={() => setEditing(false)}
          fail={fail}
        />
      ) : (
        <UserText text={item.text} />
      )}
      <div className="msg-actions msg-actions-shown">
        <span className="badge badge-amber msg-queued-label" title={`Runs ${when}`}>
          {held ? "Held" : "Queued"}
        </span>
        <span className="faint msg-queued-when">runs {when}</span>
        <Timestamp ts={item.ts} />
        {actions && !editing && (
          <>
            <ActionButton icon="pencil" label="Edit" onClick={() => setEditing(true)} />
            <ActionButton
              icon="x"
              label="Cancel"
              tone="danger"
              busy={cancel.busy}
              onClick={() => cancel.run("Could not cancel the message", () => actions.cancel(item.messageId))}
            />
          </>
        )}
      </div>
    </div>
  );
}
