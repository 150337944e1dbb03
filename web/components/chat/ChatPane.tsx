// The chat: transcript with optimistic sends, typing indicator, stop, auto-scroll on send and
// while streaming (unless the reader scrolled up).
import { useMemo, useRef, useState } from "react";
import { useStickToBottom } from "../../hooks/useStickToBottom";
import { ApiError } from "../../lib/http";
import type { Transcript } from "../../lib/views/transcript";
import { Icon } from "../Icon";
import { Composer } from "./Composer";
import { type PendingMessage, TranscriptView, TypingDots } from "./TranscriptView";
import "../../styles/chat.css";

const WINDOW = 150;

type Sender = (text: string, clientId: string) => Promise<{ messageId: string; runId: string | null }>;

export function ChatPane({
  transcript,
  send,
  stop,
  running,
  emptyState,
  placeholder,
  readOnlyReason,
}: {
  transcript: Transcript;
  send: Sender;
  stop: () => Promise<void>;
  running: boolean;
  emptyState?: React.ReactNode;
  placeholder?: string;
  readOnlyReason?: string | null;
}) {
  const [pending, setPending] = useState<(PendingMessage & { messageId?: string })[]>([]);
  const [stopError, setStopError] = useState<string | null>(null);
  // Long conversations render their tail; earlier items on request.
  const [windowSize, setWindowSize] = useState(WINDOW);
  const hiddenCount = Math.max(0, transcript.items.length - windowSize);
  const shownItems = hiddenCount ? transcript.items.slice(hiddenCount) : transcript.items;
  const scroller = useRef<HTMLDivElement>(null);

  // Optimistic copies retire once the server's message.user shows up (by clientId or messageId).
  const seenMessageIds = useMemo(() => {
    const s = new Set<string>();
    for (const it of transcript.items) if (it.kind === "user") s.add(it.messageId);
    return s;
  }, [transcript.items]);
  const visiblePending = pending.filter(
    (p) => !transcript.seenClientIds.has(p.clientId) && !(p.messageId && seenMessageIds.has(p.messageId)),
  );

  const last = transcript.items[transcript.items.length - 1];
  const contentKey = `${transcript.lastSeq}:${visiblePending.length}`;
  const { atBottom, scrollToBottom } = useStickToBottom(scroller, contentKey);

  const dispatch = (text: string, clientId: string) => {
    setPending((ps) => [...ps.filter((p) => p.clientId !== clientId), { clientId, text, state: "sending" }]);
    scrollToBottom();
    send(text, clientId).then(
      (res) =>
        setPending((ps) =>
          ps.map((p) =>
            p.clientId === clientId ? { ...p, state: "accepted", messageId: res.messageId } : p,
          ),
        ),
      (e) =>
        setPending((ps) =>
          ps.map((p) =>
            p.clientId === clientId
              ? { ...p, state: "failed", error: e instanceof ApiError ? e.message : "network error" }
              : p,
          ),
        ),
    );
  };

  const onStop = async () => {
    setStopError(null);
    try {
      await stop();
    } catch (e) {
      setStopError(e instanceof ApiError ? e.message : "Could not stop the run.");
    }
  };

  const streamingText = last?.kind === "assistant" && last.streaming && last.blocks.length > 0;
  const lastBlock = last?.kind === "assistant" ? last.blocks[last.blocks.length - 1] : undefined;
  const waitingForAgents =
    lastBlock?.kind === "tool" && lastBlock.name === "wait_for_agents" && lastBlock.status === "running";
  const awaitingApproval = transcript.items.some(
    (it) => it.kind === "approval" && it.approval.status === "pending",
  );
  const typingLabel = awaitingApproval
    ? "Waiting for your approval"
    : waitingForAgents
      ? "Waiting for agents"
      : transcript.phase === "retrying"
        ? "Retrying"
        : transcript.phase === "tool"
          ? "Running tools"
          : transcript.phase === "thinking"
            ? "Thinking"
            : "Working";
  const showTyping = running && !(streamingText && transcript.phase === "writing");

  return (
    <div className="chat">
      <div className="chat-scroll" ref={scroller} aria-live="polite" aria-relevant="additions">
        <div className="chat-inner">
          {transcript.items.length === 0 && visiblePending.length === 0 && emptyState}
          {hiddenCount > 0 && (
            <button
              type="button"
              className="btn btn-sm btn-ghost show-earlier"
              onClick={() => setWindowSize((n) => n + WINDOW)}
            >
              Show earlier messages ({hiddenCount.toLocaleString()})
            </button>
          )}
          <TranscriptView
            items={shownItems}
            pending={visiblePending}
            onRetry={(p) => dispatch(p.text, p.clientId)}
          />
          {showTyping && <TypingDots label={typingLabel} />}
        </div>
      </div>
      {!atBottom && (
        <button type="button" className="btn btn-sm jump-latest" onClick={scrollToBottom}>
          <Icon name="arrowDown" size={14} /> Latest
        </button>
      )}
      {stopError && (
        <div className="notice notice-error chat-error" role="alert">
          {stopError}
        </div>
      )}
      {readOnlyReason ? (
        <div className="chat-readonly faint">{readOnlyReason}</div>
      ) : (
        <Composer
          running={running}
          placeholder={placeholder}
          onSend={(text) => dispatch(text, crypto.randomUUID())}
          onStop={() => void onStop()}
        />
      )}
    </div>
  );
}
