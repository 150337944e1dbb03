// The chat: transcript with optimistic sends, typing indicator, stop, auto-scroll on send and
// while streaming (unless the reader scrolled up); messages queued behind the running turn (or held
// by a Stop) after it; Find and Export above; the message actions the page offers (chatContext.ts).
import { useCallback, useMemo, useRef, useState } from "react";
import { LiveTextContext, useLiveMessageOf } from "../../hooks/useLiveText";
import { useStickToBottom } from "../../hooks/useStickToBottom";
import { ApiError } from "../../lib/http";
import { heldWork, turnOffers } from "../../lib/views/chatOffers";
import type { LiveTextStore } from "../../lib/views/liveText";
import type { Transcript } from "../../lib/views/transcript";
import { Icon } from "../Icon";
import { ChatToolbar } from "./ChatToolbar";
import { Composer } from "./Composer";
import {
  type ChatActions,
  type ChatControls,
  ChatControlsContext,
  type ChatLinks,
  ChatLinksContext,
} from "./chatContext";
import { FindBar } from "./FindBar";
import { QueuedMessages } from "./QueuedMessages";
import { type PendingMessage, PendingMessages, TranscriptView, TypingDots } from "./TranscriptView";
import "../../styles/chat.css";
import "../../styles/chat-actions.css";

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
  actions = null,
  links = null,
  exportUrl,
  live,
}: {
  transcript: Transcript;
  send: Sender;
  stop: () => Promise<void>;
  running: boolean;
  emptyState?: React.ReactNode;
  placeholder?: string;
  /** In place of the message box: why there is none (a sentence, or a notice with its own action). */
  readOnlyReason?: React.ReactNode;
  /** Cancel, edit, regenerate, retry, resume and export (the orchestrator's chat). */
  actions?: ChatActions | null;
  /** Links from paths in the chat to the workspace's files. */
  links?: ChatLinks | null;
  /** Where the conversation downloads from (an archived orchestrator's too, which has no actions). */
  exportUrl?: (format: "md" | "json") => string;
  /** The stream's text ahead of the log (DESIGN §11), drawn into the messages it belongs to. */
  live?: LiveTextStore;
}) {
  const [pending, setPending] = useState<(PendingMessage & { messageId?: string })[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [finding, setFinding] = useState(false);
  const [query, setQuery] = useState("");
  const searching = finding && query.trim() !== "";
  // Long conversations render their tail; earlier items on request (and all of them while finding).
  const [windowSize, setWindowSize] = useState(WINDOW);
  const hiddenCount = searching ? 0 : Math.max(0, transcript.items.length - windowSize);
  const shownItems = hiddenCount ? transcript.items.slice(hiddenCount) : transcript.items;
  const scroller = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);

  const fail = useCallback((what: string, err: unknown) => {
    setError(`${what}: ${err instanceof ApiError ? err.message : "network error"}`);
  }, []);
  const offers = turnOffers(transcript);
  const { turnKey, retryRunId, regenerateMessageId } = offers;
  // One value while nothing it holds changes, so streaming deltas don't re-render every message.
  const controls = useMemo<ChatControls>(
    () => ({
      actions,
      offers: { turnKey, retryRunId, regenerateMessageId },
      query: searching ? query : "",
      fail,
    }),
    [actions, turnKey, retryRunId, regenerateMessageId, searching, query, fail],
  );

  // Optimistic copies retire once the server's message.user shows up (by clientId or messageId).
  const seenMessageIds = useMemo(() => {
    const s = new Set<string>();
    for (const it of transcript.items) if (it.kind === "user") s.add(it.messageId);
    for (const q of transcript.queued) s.add(q.messageId);
    return s;
  }, [transcript.items, transcript.queued]);
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
    setError(null);
    try {
      await stop();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not stop the run.");
    }
  };

  const streamingText = last?.kind === "assistant" && last.streaming && last.blocks.length > 0;
  // Text on screen before the log holds a chunk of it: the message is being written already.
  const liveLast = useLiveMessageOf(live, last?.kind === "assistant" ? last.messageId : null);
  const writingLive = [...(liveLast?.values() ?? [])].some((seg) => seg.kind === "text");
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
  const showTyping = running && !(streamingText && transcript.phase === "writing") && !writingLive;

  return (
    <ChatLinksContext value={links}>
      <ChatControlsContext value={controls}>
        <div className="chat">
          <ChatToolbar finding={finding} onFind={() => setFinding(!finding)} exportUrl={exportUrl} />
          {finding && (
            <FindBar
              container={inner}
              query={query}
              onQuery={setQuery}
              onClose={() => {
                setFinding(false);
                setQuery("");
              }}
            />
          )}
          <div className="chat-scroll" ref={scroller} aria-live="polite" aria-relevant="additions">
            <div className="chat-inner" ref={inner}>
              {transcript.items.length === 0 &&
                transcript.queued.length === 0 &&
                visiblePending.length === 0 &&
                emptyState}
              {hiddenCount > 0 && (
                <button
                  type="button"
                  className="btn btn-sm btn-ghost show-earlier"
                  onClick={() => setWindowSize((n) => n + WINDOW)}
                >
                  Show earlier messages ({hiddenCount.toLocaleString()})
                </button>
              )}
              <LiveTextContext value={live ?? null}>
                <TranscriptView items={shownItems} />
              </LiveTextContext>
              {showTyping && <TypingDots label={typingLabel} />}
              <QueuedMessages queued={transcript.queued} held={heldWork(transcript)} />
              <PendingMessages pending={visiblePending} onRetry={(p) => dispatch(p.text, p.clientId)} />
            </div>
          </div>
          {!atBottom && (
            <button type="button" className="btn btn-sm jump-latest" onClick={scrollToBottom}>
              <Icon name="arrowDown" size={14} /> Latest
            </button>
          )}
          {error && (
            <div className="notice notice-error chat-error" role="alert">
              <span>{error}</span>
              <button
                type="button"
                className="btn btn-sm btn-ghost btn-icon"
                aria-label="Dismiss"
                onClick={() => setError(null)}
              >
                <Icon name="x" size={13} />
              </button>
            </div>
          )}
          {readOnlyReason ? (
            <div className={`chat-readonly${typeof readOnlyReason === "string" ? " faint" : ""}`}>
              {readOnlyReason}
            </div>
          ) : (
            <Composer
              running={running}
              placeholder={placeholder}
              onSend={(text) => dispatch(text, crypto.randomUUID())}
              onStop={() => void onStop()}
            />
          )}
        </div>
      </ChatControlsContext>
    </ChatLinksContext>
  );
}
