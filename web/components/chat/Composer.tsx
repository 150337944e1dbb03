// The message box: Enter sends, Shift+Enter adds a line, Escape stops the running turn.

import { type KeyboardEvent, useLayoutEffect, useRef, useState } from "react";
import { INPUT_LIMITS } from "../../../schema/api";
import { Icon } from "../Icon";

export function Composer({
  onSend,
  onStop,
  running,
  disabled,
  placeholder = "Message the orchestrator…",
  label = "Message",
}: {
  onSend: (text: string) => void;
  onStop: () => void;
  running: boolean;
  disabled?: boolean;
  placeholder?: string;
  label?: string;
}) {
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);

  // Grow with the content up to a limit, then scroll.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure when the text changes.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 220)}px`;
  }, [text]);

  const send = () => {
    const t = text.trim();
    if (!t || disabled) return;
    onSend(t);
    setText("");
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === "Escape" && running) {
      e.preventDefault();
      onStop();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="composer-input" className="sr-only">
        {label}
      </label>
      <textarea
        id="composer-input"
        ref={ref}
        className="composer-input"
        rows={1}
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby="composer-help"
        maxLength={INPUT_LIMITS.messageChars}
      />
      <div className="composer-bar">
        <span id="composer-help" className="faint composer-help">
          <kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line{running ? " · " : ""}
          {running && (
            <>
              <kbd>Esc</kbd> stop
            </>
          )}
        </span>
        <span className="spacer" />
        {running && (
          <button type="button" className="btn btn-sm btn-danger" onClick={onStop} aria-keyshortcuts="Escape">
            <Icon name="stop" size={14} /> Stop
          </button>
        )}
        <button
          type="submit"
          className="btn btn-sm btn-primary"
          disabled={!text.trim() || disabled}
          aria-label="Send"
        >
          <Icon name="send" size={14} /> Send
        </button>
      </div>
    </form>
  );
}
