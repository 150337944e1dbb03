// The chat transcript as a pure fold over a stream's events: user messages, assistant messages
// assembled from deltas by (messageId, index), tool cards, per-turn usage, run state and notices.
// `foldTranscript(state, event)` never mutates its input, so it works both incrementally (fold
// only new events) and from scratch (after an out-of-order insert).
import type { StreamEvent } from "../../../schema/events";
import { formatUsd } from "../../../schema/money";
import { approvalFromRequest, resolveApproval } from "./approvals";
import { cancelQueued, holdInbox, push, recordReport, recordUser, startRun } from "./transcriptQueue";
import {
  type AssistantItem,
  emptyTranscript,
  type TextBlock,
  type ToolBlock,
  type Transcript,
  type TurnItem,
} from "./transcriptTypes";

export * from "./transcriptTypes";

const RETRY_REASONS: Record<string, string> = {
  overloaded: "The model is overloaded",
  rate_limit: "Rate limited",
  rate_limited: "Rate limited",
  server_error: "The model API had an error",
  stream_error: "The response stream broke",
  disconnect: "The connection to the model dropped",
  timeout: "The model stopped responding",
};

export function describeRetry(reason: string): string {
  return RETRY_REASONS[reason] ?? reason.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** Replaces the assistant item of `messageId` with `fn(item)`; no-op when unknown. */
function updateMessage(
  t: Transcript,
  messageId: string,
  fn: (m: AssistantItem) => AssistantItem,
): Transcript {
  const i = t.messageIndex.get(messageId);
  const item = i === undefined ? undefined : t.items[i];
  if (i === undefined || item?.kind !== "assistant") return t;
  const items = t.items.slice();
  items[i] = fn(item);
  return { ...t, items };
}

/**
 * Adds logged text to its block. With an `offset` (DESIGN §11) it goes where it belongs: what the
 * block already holds is not added twice. Ahead of the block's end (an event before it is still
 * missing) it is appended for now; the fold runs again from scratch once the gap is filled.
 */
function appendDelta(
  m: AssistantItem,
  kind: "text" | "thinking",
  index: number,
  text: string,
  offset: number | undefined,
): AssistantItem {
  const at = m.blocks.findIndex((b) => b.kind === kind && b.index === index);
  const blocks = m.blocks.slice();
  if (at >= 0) {
    const b = blocks[at] as TextBlock;
    const fresh = offset !== undefined && offset < b.text.length ? text.slice(b.text.length - offset) : text;
    if (!fresh) return m;
    blocks[at] = { ...b, text: b.text + fresh };
  } else {
    blocks.push({ kind, index, text });
  }
  return { ...m, blocks };
}

function updateTool(m: AssistantItem, toolUseId: string, fn: (b: ToolBlock) => ToolBlock): AssistantItem {
  const at = m.blocks.findIndex((b) => b.kind === "tool" && b.toolUseId === toolUseId);
  if (at < 0) return m;
  const blocks = m.blocks.slice();
  blocks[at] = fn(blocks[at] as ToolBlock);
  return { ...m, blocks };
}

/** Adds a synthetic assistant message for tool events whose message.started we never saw. */
function ensureMessage(t: Transcript, messageId: string, ev: StreamEvent): Transcript {
  if (t.messageIndex.has(messageId)) return t;
  const item: AssistantItem = {
    kind: "assistant",
    key: `m:${messageId}`,
    messageId,
    model: "",
    blocks: [],
    streaming: true,
    usage: null,
    costUsd: null,
    stopReason: null,
    citations: [],
    ts: ev.ts,
  };
  const messageIndex = new Map(t.messageIndex).set(messageId, t.items.length);
  return { ...push(t, item), messageIndex };
}

export function foldTranscript(t0: Transcript, ev: StreamEvent): Transcript {
  const t = { ...t0, lastSeq: Math.max(t0.lastSeq, ev.seq) };
  switch (ev.type) {
    case "message.user":
      return recordUser(t, ev);
    case "message.cancelled":
      return cancelQueued(t, ev);
    case "run.started":
      return startRun(t, ev);
    case "agent.created":
      return { ...t, agentNames: new Map(t.agentNames).set(ev.agent.id, ev.agent.name) };
    case "inbox.held":
      return holdInbox(t, ev);
    case "agent.completed":
      return recordReport(t, ev);
    case "message.started": {
      if (t.messageIndex.has(ev.messageId))
        return updateMessage(t, ev.messageId, (m) => ({ ...m, model: ev.model }));
      const withItem = ensureMessage(t, ev.messageId, ev);
      return {
        ...updateMessage(withItem, ev.messageId, (m) => ({ ...m, model: ev.model })),
        phase: "waiting_model",
      };
    }
    case "text.delta":
    case "thinking.delta": {
      const kind = ev.type === "text.delta" ? "text" : "thinking";
      const withItem = ensureMessage(t, ev.messageId, ev);
      const next = updateMessage(withItem, ev.messageId, (m) =>
        appendDelta(m, kind, ev.index, ev.text, ev.offset),
      );
      return { ...next, phase: kind === "text" ? "writing" : "thinking" };
    }
    case "tool.started": {
      const withItem = ensureMessage(t, ev.messageId, ev);
      const next = updateMessage(withItem, ev.messageId, (m) =>
        m.blocks.some((b) => b.kind === "tool" && b.toolUseId === ev.toolUseId)
          ? m
          : {
              ...m,
              blocks: [
                ...m.blocks,
                {
                  kind: "tool",
                  toolUseId: ev.toolUseId,
                  name: ev.name,
                  input: undefined,
                  status: "started",
                  result: null,
                  ms: null,
                  truncated: false,
                  server: ev.server ?? false,
                },
              ],
            },
      );
      return { ...next, toolMessage: new Map(t.toolMessage).set(ev.toolUseId, ev.messageId), phase: "tool" };
    }
    case "tool.called": {
      const messageId = t.toolMessage.get(ev.toolUseId);
      if (!messageId) return t;
      const next = updateMessage(t, messageId, (m) =>
        updateTool(m, ev.toolUseId, (b) => ({ ...b, name: ev.name, input: ev.input, status: "running" })),
      );
      return { ...next, phase: "tool" };
    }
    case "tool.result": {
      const messageId = t.toolMessage.get(ev.toolUseId);
      if (!messageId) return t;
      return updateMessage(t, messageId, (m) =>
        updateTool(m, ev.toolUseId, (b) => ({
          ...b,
          status: ev.isError ? "error" : "done",
          result: ev.content,
          ms: ev.ms,
          truncated: ev.truncated ?? false,
        })),
      );
    }
    case "message.completed":
      return {
        ...updateMessage(t, ev.messageId, (m) => ({
          ...m,
          streaming: false,
          usage: ev.usage,
          costUsd: ev.costUsd,
          stopReason: ev.stopReason,
          citations: ev.citations ?? m.citations,
        })),
        phase: t.activeRun ? "waiting_model" : "idle",
      };
    case "llm.retry":
      return {
        ...push(t, {
          kind: "notice",
          key: `n:${ev.seq}`,
          tone: "warning",
          title: `${describeRetry(ev.reason)} — retrying in ${(ev.delayMs / 1000).toFixed(1)} s (attempt ${ev.attempt})`,
          detail: null,
          ts: ev.ts,
        }),
        phase: "retrying",
      };
    case "context.compacted":
      return push(t, {
        kind: "notice",
        key: `n:${ev.seq}`,
        tone: "info",
        title: `Context compacted: ${ev.messagesBefore} earlier messages summarised${ev.costUsd !== undefined ? ` (${formatUsd(ev.costUsd)})` : ""}`,
        detail: null,
        ts: ev.ts,
      });
    case "run.completed":
    case "run.failed":
    case "run.interrupted":
      return endRun(t, ev);
    case "approval.requested":
      if (t.items.some((it) => it.key === `a:${ev.approvalId}`)) return t;
      return push(t, {
        kind: "approval",
        key: `a:${ev.approvalId}`,
        approval: approvalFromRequest(ev),
        ts: ev.ts,
      });
    case "approval.resolved": {
      const i = t.items.findLastIndex((it) => it.key === `a:${ev.approvalId}`);
      const item = t.items[i];
      if (item?.kind !== "approval") return t;
      const items = t.items.slice();
      items[i] = { ...item, approval: resolveApproval(item.approval, ev) };
      return { ...t, items };
    }
    default:
      return t;
  }
}

function endRun(t: Transcript, ev: Extract<StreamEvent, { type: `run.${string}` }>): Transcript {
  const run = t.activeRun?.runId === ev.runId ? t.activeRun : null;
  const startedAt = run ? run.startedAt : ev.ts;
  // Anything still marked streaming belongs to the run that just ended.
  let items = t.items.map((it) =>
    it.kind === "assistant" && it.streaming
      ? {
          ...it,
          streaming: false,
          blocks: it.blocks.map((b) =>
            b.kind === "tool" && (b.status === "started" || b.status === "running")
              ? { ...b, status: "error" as const }
              : b,
          ),
        }
      : it,
  );
  if (ev.type === "run.failed") {
    items = [
      ...items,
      {
        kind: "notice",
        key: `n:${ev.seq}`,
        tone: "error",
        title:
          ev.error.code === "budget_exceeded" ? "Budget exceeded — the run was stopped" : "The run failed",
        detail: `${ev.error.message} (${ev.error.code})`,
        code: ev.error.code,
        ts: ev.ts,
      },
    ];
  }
  const turn: TurnItem = {
    kind: "turn",
    key: `t:${ev.runId}:${ev.seq}`,
    runId: ev.runId,
    trigger: run?.trigger ?? "user",
    messageId: run?.messageId ?? null,
    retryOf: run?.retryOf ?? null,
    outcome: ev.type === "run.completed" ? "completed" : ev.type === "run.failed" ? "failed" : "interrupted",
    usage: ev.type === "run.completed" ? ev.usage : null,
    costUsd: ev.type === "run.completed" ? ev.costUsd : null,
    ms: Math.max(0, ev.ts - startedAt),
    ts: ev.ts,
  };
  items.push(turn);
  if (t.heldNotice) items.push(t.heldNotice);
  return { ...t, items, activeRun: null, phase: "idle", heldNotice: null };
}

export function buildTranscript(events: readonly StreamEvent[]): Transcript {
  let t = emptyTranscript();
  for (const ev of events) t = foldTranscript(t, ev);
  return t;
}
