// Renders a transcript: user bubbles, assistant messages (thinking collapsed, markdown text, tool
// cards, per-message usage), notices and end-of-turn summaries. Shared by the orchestrator chat and
// the agent detail page.
import { memo, useEffect, useState } from "react";
import { formatMs, formatUsage, formatUsd } from "../../lib/format";
import type { AssistantItem, TranscriptItem, TurnItem } from "../../lib/views/transcript";
import { ApprovalCard } from "../approvals/ApprovalCard";
import { Markdown, preloadMarkdown } from "../Markdown";
import { SettingsLink } from "../orchestrator/SettingsLink";
import { Sources } from "./Sources";
import { ToolCard } from "./ToolCard";

export type PendingMessage = {
  clientId: string;
  text: string;
  state: "sending" | "accepted" | "failed";
  error?: string;
};

export function TranscriptView({
  items,
  pending = [],
  onRetry,
  userLabel = "You",
}: {
  items: readonly TranscriptItem[];
  pending?: readonly PendingMessage[];
  onRetry?: (p: PendingMessage) => void;
  userLabel?: string;
}) {
  // Fetch the renderer as soon as a transcript is on screen, not when the first reply arrives.
  useEffect(preloadMarkdown, []);
  return (
    <>
      {items.map((item) => (
        <Item key={item.key} item={item} userLabel={userLabel} />
      ))}
      {pending.map((p) => (
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
      ))}
    </>
  );
}

const Item = memo(function Item({ item, userLabel }: { item: TranscriptItem; userLabel: string }) {
  switch (item.kind) {
    case "user":
      return (
        <div className="msg msg-user" data-message-id={item.messageId}>
          <span className="sr-only">{userLabel}:</span>
          <UserText text={item.text} />
        </div>
      );
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
  }
});

const LONG_CHARS = 700;

/** Long user messages (pasted documents, scripts) fold to a few lines until asked. */
function UserText({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > LONG_CHARS;
  return (
    <div className="msg-user-bubble" data-folded={long && !open}>
      {long && !open ? `${text.slice(0, LONG_CHARS).trimEnd()}…` : text}
      {long && (
        <button type="button" className="msg-more" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? "Show less" : `Show all (${text.length.toLocaleString()} characters)`}
        </button>
      )}
    </div>
  );
}

function AssistantMessage({ item }: { item: AssistantItem }) {
  // Before its first block the pane's typing indicator stands in for it.
  if (item.blocks.length === 0 && !item.usage) return null;
  return (
    <article className="msg msg-assistant" data-message-id={item.messageId} aria-busy={item.streaming}>
      {item.blocks.map((b) =>
        b.kind === "tool" ? (
          <ToolCard key={b.toolUseId} tool={b} />
        ) : b.kind === "thinking" ? (
          <details key={`th${b.index}`} className="thinking">
            <summary>
              {item.streaming && b === item.blocks[item.blocks.length - 1] ? "Thinking…" : "Thought process"}
            </summary>
            <div className="thinking-text">{b.text}</div>
          </details>
        ) : (
          <Markdown
            key={`tx${b.index}`}
            text={b.text}
            className={item.streaming ? "md-streaming" : undefined}
          />
        ),
      )}
      <Sources citations={item.citations} />
      {item.usage && (
        <div className="msg-meta num" title={`Stop reason: ${item.stopReason ?? "?"}`}>
          {formatUsage(item.usage)}
          {item.costUsd !== null && ` · ${formatUsd(item.costUsd)}`}
          {item.stopReason === "max_tokens" && <span className="badge badge-amber">hit max tokens</span>}
        </div>
      )}
    </article>
  );
}

function TurnSummary({ item }: { item: TurnItem }) {
  const label =
    item.outcome === "completed" ? "Turn complete" : item.outcome === "failed" ? "Turn failed" : "Stopped";
  return (
    <div className={`turn turn-${item.outcome}`}>
      <span>{label}</span>
      <span className="num">{formatMs(item.ms)}</span>
      {item.usage && <span className="num">{formatUsage(item.usage)}</span>}
      {item.costUsd !== null && <span className="num">{formatUsd(item.costUsd)}</span>}
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
