// The chat transcript as a pure fold over a stream's events: user messages, assistant messages
// assembled from deltas by (messageId, index), tool cards, per-turn usage, run state and notices.
// `foldTranscript(state, event)` never mutates its input, so it works both incrementally (fold
// only new events) and from scratch (after an out-of-order insert).
import type { Citation, StreamEvent, Usage } from "../../../schema/events";
import { formatUsd } from "../../../schema/money";
import { type ApprovalView, approvalFromRequest, resolveApproval } from "./approvals";

export type ToolBlock = {
  kind: "tool";
  toolUseId: string;
  name: string;
  input: unknown;
  /** started: the model is writing the call; running: called, awaiting the result. */
  status: "started" | "running" | "done" | "error";
  result: string | null;
  ms: number | null;
  truncated: boolean;
  /** A server tool (web search, fetch, code execution): run by the API inside the response. */
  server: boolean;
};
export type TextBlock = { kind: "text" | "thinking"; index: number; text: string };
export type Block = TextBlock | ToolBlock;

export type UserItem = {
  kind: "user";
  key: string;
  messageId: string;
  text: string;
  clientId: string | null;
  ts: number;
};
export type AssistantItem = {
  kind: "assistant";
  key: string;
  messageId: string;
  model: string;
  blocks: Block[];
  streaming: boolean;
  usage: Usage | null;
  costUsd: number | null;
  stopReason: string | null;
  /** The sources its text cites, numbered in order (message.completed). */
  citations: Citation[];
  ts: number;
};
export type NoticeItem = {
  kind: "notice";
  key: string;
  tone: "info" | "warning" | "error";
  title: string;
  detail: string | null;
  /** The error code behind it, when there is one (budget_exceeded links to the settings). */
  code?: string;
  ts: number;
};
/** A tool call waiting for (or given) the user's decision, where it was asked. */
export type ApprovalItem = { kind: "approval"; key: string; approval: ApprovalView; ts: number };
export type TurnItem = {
  kind: "turn";
  key: string;
  runId: string;
  outcome: "completed" | "failed" | "interrupted";
  usage: Usage | null;
  costUsd: number | null;
  ms: number;
  ts: number;
};
export type TranscriptItem = UserItem | AssistantItem | NoticeItem | TurnItem | ApprovalItem;

export type RunPhase = "idle" | "waiting_model" | "thinking" | "writing" | "tool" | "retrying";

export type Transcript = {
  items: readonly TranscriptItem[];
  /** messageId / toolUseId → index into items, to find what a delta belongs to in O(1). */
  messageIndex: ReadonlyMap<string, number>;
  toolMessage: ReadonlyMap<string, string>;
  activeRun: { runId: string; trigger: string; startedAt: number } | null;
  phase: RunPhase;
  /** Client ids of user messages the server has recorded, to retire optimistic copies. */
  seenClientIds: ReadonlySet<string>;
  /** Stopped by the user: agent reports wait for the next message (inbox.held). */
  held: boolean;
  /** Agent names from agent.created, to say whose report is waiting. */
  agentNames: ReadonlyMap<string, string>;
  lastSeq: number;
};

export const emptyTranscript = (): Transcript => ({
  items: [],
  messageIndex: new Map(),
  toolMessage: new Map(),
  activeRun: null,
  phase: "idle",
  seenClientIds: new Set(),
  held: false,
  agentNames: new Map(),
  lastSeq: 0,
});

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function namesOf(t: Transcript, ids: readonly string[]): string {
  return ids.map((id) => t.agentNames.get(id) ?? "an agent").join(", ");
}

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

function push(t: Transcript, item: TranscriptItem): Transcript {
  return { ...t, items: [...t.items, item] };
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

function appendDelta(
  m: AssistantItem,
  kind: "text" | "thinking",
  index: number,
  text: string,
): AssistantItem {
  const at = m.blocks.findIndex((b) => b.kind === kind && b.index === index);
  const blocks = m.blocks.slice();
  if (at >= 0) {
    const b = blocks[at] as TextBlock;
    blocks[at] = { ...b, text: b.text + text };
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
    case "message.user": {
      const item: UserItem = {
        kind: "user",
        key: `u:${ev.messageId}`,
        messageId: ev.messageId,
        text: ev.text,
        clientId: ev.clientId ?? null,
        ts: ev.ts,
      };
      const seenClientIds = ev.clientId ? new Set(t.seenClientIds).add(ev.clientId) : t.seenClientIds;
      return { ...push(t, item), seenClientIds };
    }
    case "run.started": {
      const started: Transcript = {
        ...t,
        activeRun: { runId: ev.runId, trigger: ev.trigger, startedAt: ev.ts },
        phase: "waiting_model",
      };
      const reports = ev.reports ?? [];
      // A run nobody typed: say why the orchestrator is talking.
      if (ev.trigger === "agent_report" || ev.trigger === "resume") {
        return push(started, {
          kind: "notice",
          key: `n:${ev.seq}`,
          tone: "info",
          title:
            ev.trigger === "resume"
              ? "Resuming after a restart"
              : reports.length
                ? `${namesOf(t, reports)} reported back`
                : "An agent reported back",
          detail: null,
          ts: ev.ts,
        });
      }
      if (!reports.length) return started;
      return push(started, {
        kind: "notice",
        key: `n:${ev.seq}`,
        tone: "info",
        title: `Handed over with your message: ${plural(reports.length, "queued report")} (${namesOf(t, reports)})`,
        detail: null,
        ts: ev.ts,
      });
    }
    case "agent.created":
      return { ...t, agentNames: new Map(t.agentNames).set(ev.agent.id, ev.agent.name) };
    case "inbox.held": {
      if (!ev.held) return { ...t, held: false };
      return {
        ...push(t, {
          kind: "notice",
          key: `n:${ev.seq}`,
          tone: "info",
          title: "Stopped — agent reports will wait for your next message",
          detail: null,
          ts: ev.ts,
        }),
        held: true,
      };
    }
    case "agent.completed":
      if (!t.held) return t;
      return push(t, {
        kind: "notice",
        key: `n:${ev.seq}`,
        tone: "info",
        title: `Queued: ${t.agentNames.get(ev.agentId) ?? "an agent"}'s report waits for your next message`,
        detail: ev.result,
        ts: ev.ts,
      });
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
      const next = updateMessage(withItem, ev.messageId, (m) => appendDelta(m, kind, ev.index, ev.text));
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
  const startedAt = t.activeRun?.runId === ev.runId ? t.activeRun.startedAt : ev.ts;
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
    outcome: ev.type === "run.completed" ? "completed" : ev.type === "run.failed" ? "failed" : "interrupted",
    usage: ev.type === "run.completed" ? ev.usage : null,
    costUsd: ev.type === "run.completed" ? ev.costUsd : null,
    ms: Math.max(0, ev.ts - startedAt),
    ts: ev.ts,
  };
  items.push(turn);
  return { ...t, items, activeRun: null, phase: "idle" };
}

export function buildTranscript(events: readonly StreamEvent[]): Transcript {
  let t = emptyTranscript();
  for (const ev of events) t = foldTranscript(t, ev);
  return t;
}
