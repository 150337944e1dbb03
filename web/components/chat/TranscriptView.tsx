// Renders a transcript: user messages, assistant messages (thinking collapsed, markdown text with
// workspace paths linked, tool cards, per-message usage), agents' reports as cards, notices and
// end-of-turn dividers (with Regenerate or Retry on the latest). Every message has its time (full
// date on hover or focus) and Copy. Shared by the orchestrator chat and the agent detail page.
import { memo, useEffect } from "react";
import { useLiveMessage } from "../../hooks/useLiveText";
import { describeUsage, formatMs, formatTokens, formatUsage, formatUsd, totalTokens } from "../../lib/format";
import { mergeLive } from "../../lib/views/liveText";
import type { AssistantItem, CancelledItem, TranscriptItem, TurnItem } from "../../lib/views/transcript";
import { ApprovalCard } from "../approvals/ApprovalCard";
import { Markdown, preloadMarkdown } from "../Markdown";
import { SettingsLink } from "../orchestrator/SettingsLink";
import { useChatControls, useChatLinks } from "./chatContext";
import { ActionButton, CopyButton, Timestamp, useAction } from "./MessageActions";
import { ReportCard } from "./ReportCard";
import { Sources } from "./Sources";
import { ToolCard } from "./ToolCard";
import { UserMessage } from "./UserMessage";

export type PendingMessage = {
  clientId: string;
  text: string;
  state: "sending" | "accepted" | "failed";
  error?: string;
};

export function TranscriptView({
  items,
  userLabel = "You",
}: {
  items: readonly TranscriptItem[];
  userLabel?: string;
}) {
  // Fetch the renderer as soon as a transcript is on screen, not when the first reply arrives.
  useEffect(preloadMarkdown, []);
  return (
    <>
      {items.map((item) => (
        <Item key={item.key} item={item} userLabel={userLabel} />
      ))}
    </>
  );
}

/** Messages sent from this page that the server hasn't recorded yet (or refused). */
export function PendingMessages({
  pending,
  onRetry,
}: {
  pending: readonly PendingMessage[];
  onRetry?: (p: PendingMessage) => void;
}) {
  return pending.map((p) => (
    <div key={p.clientId} className="msg msg-user msg-pending" data-state={p.state}>
      <div className="msg-user-bubble">{p.text}</div>
      <div className="msg-meta">
        {p.state === "sending" ? (
          "Sending…"
        ) : p.state === "accepted" ? (
          "Queued — starts after the current turn"
        ) : (
          <span className="msg-failed">
            Not sent{p.error ? `: ${p.error}` : ""}
            {onRetry && (
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => onRetry(p)}>
                Retry
              </button>
            )}
          </span>
        )}
      </div>
    </div>
  ));
}

const Item = memo(function Item({ item, userLabel }: { item: TranscriptItem; userLabel: string }) {
  switch (item.kind) {
    case "user":
      return <UserMessage item={item} userLabel={userLabel} />;
    case "assistant":
      return <AssistantMessage item={item} />;
    case "notice":
      return (
        <div
          className={`notice notice-${item.tone} msg-notice`}
          role={item.tone === "error" ? "alert" : undefined}
        >
          <div>
            <strong>{item.title}</strong>
            {item.detail && <div className="notice-detail">{item.detail}</div>}
            {item.code === "budget_exceeded" && <SettingsLink focus="budget">Raise the budget</SettingsLink>}
          </div>
        </div>
      );
    case "turn":
      return <TurnSummary item={item} />;
    case "approval":
      return <ApprovalCard approval={item.approval} />;
    case "cancelled":
      return <CancelledLine item={item} />;
    case "report":
      return <ReportCard item={item} />;
  }
});

function CancelledLine({ item }: { item: CancelledItem }) {
  return (
    <div className="msg-cancelled" data-message-id={item.messageId}>
      <span className="faint">Cancelled before it ran:</span>
      <s className="msg-cancelled-text truncate" data-searchable>
        {item.text}
      </s>
      <Timestamp ts={item.ts} />
    </div>
  );
}

const textOf = (item: AssistantItem) =>
  item.blocks
    .filter((b) => b.kind === "text")
    .map((b) => (b.kind === "text" ? b.text.trim() : ""))
    .join("\n\n");

function AssistantMessage({ item }: { item: AssistantItem }) {
  const links = useChatLinks();
  // Text streamed ahead of the log (DESIGN §11), merged in by offset: each character shows once.
  const blocks = mergeLive(item.blocks, useLiveMessage(item.messageId));
  // Before its first block the pane's typing indicator stands in for it.
  if (blocks.length === 0 && !item.usage) return null;
  const hasText = item.blocks.some((b) => b.kind === "text" && b.text.trim());
  return (
    <article className="msg msg-assistant" data-message-id={item.messageId} aria-busy={item.streaming}>
      {blocks.map((b) =>
        b.kind === "tool" ? (
          <ToolCard key={b.toolUseId} tool={b} />
        ) : b.kind === "thinking" ? (
          <details key={`th${b.index}`} className="thinking">
            <summary>
              {item.streaming && b === blocks[blocks.length - 1] ? "Thinking…" : "Thought process"}
            </summary>
            <div className="thinking-text">{b.text}</div>
          </details>
        ) : (
          <div key={`tx${b.index}`} data-searchable>
            <Markdown
              text={b.text}
              className={item.streaming ? "md-streaming" : undefined}
              linkPath={links?.linkPath}
              navigate={links?.navigate}
            />
          </div>
        ),
      )}
      <Sources citations={item.citations} />
      {(item.usage || (hasText && !item.streaming)) && (
        <div className="msg-actions">
          {item.usage && (
            <span className="msg-usage num" title={`Stop reason: ${item.stopReason ?? "?"}`}>
              {formatUsage(item.usage)}
              {item.costUsd !== null && ` · ${formatUsd(item.costUsd)}`}
            </span>
          )}
          {item.stopReason === "max_tokens" && <span className="badge badge-amber">hit max tokens</span>}
          <Timestamp ts={item.ts} />
          {hasText && !item.streaming && <CopyButton text={() => textOf(item)} label="Copy answer" />}
        </div>
      )}
    </article>
  );
}

function TurnSummary({ item }: { item: TurnItem }) {
  const { actions, offers, fail } = useChatControls();
  const act = useAction(fail);
  const label =
    item.outcome === "completed" ? "Turn complete" : item.outcome === "failed" ? "Turn failed" : "Stopped";
  const here = actions && offers.turnKey === item.key;
  const retry = here ? offers.retryRunId : null;
  const regenerate = here ? offers.regenerateMessageId : null;
  return (
    <div
      className={`turn turn-${item.outcome}`}
      data-run-id={item.runId}
      title={item.usage ? describeUsage(item.usage) : undefined}
    >
      <span>{label}</span>
      <span className="num">{formatMs(item.ms)}</span>
      {item.usage && <span className="num turn-usage">{formatTokens(totalTokens(item.usage))} tokens</span>}
      {item.costUsd !== null && <span className="num">{formatUsd(item.costUsd)}</span>}
      <Timestamp ts={item.ts} />
      {retry && actions && (
        <ActionButton
          icon="refresh"
          label="Retry"
          busy={act.busy}
          onClick={() => act.run("Could not retry", () => actions.retry(retry))}
        />
      )}
      {regenerate && actions && (
        <ActionButton
          icon="refresh"
          label="Regenerate"
          busy={act.busy}
          onClick={() => act.run("Could not regenerate", () => actions.regenerate(regenerate))}
        />
      )}
    </div>
  );
}

export function TypingDots({ label = "Working" }: { label?: string }) {
  return (
    <div className="typing" role="status" aria-label={label}>
      <span />
      <span />
      <span />
      <span className="typing-label">{label}</span>
    </div>
  );
}
