// One-line descriptions of events and the event stream's filters (pure, tested).
import type { StreamEvent } from "../../schema/events";
import { formatMs, formatUsage, formatUsd } from "./format";

export type EventCategory = "run" | "message" | "delta" | "tool" | "agent" | "file" | "usage" | "error";

export const CATEGORY_LABELS: Record<EventCategory, string> = {
  run: "Runs",
  message: "Messages",
  delta: "Deltas",
  tool: "Tools",
  agent: "Agents",
  file: "Files",
  usage: "Usage",
  error: "Errors & retries",
};

export function categoryOf(ev: StreamEvent): EventCategory {
  switch (ev.type) {
    case "run.failed":
    case "llm.retry":
      return "error";
    case "tool.result":
      return ev.isError ? "error" : "tool";
    case "text.delta":
    case "thinking.delta":
      return "delta";
    default: {
      const head = ev.type.split(".")[0];
      if (head === "run" || head === "inbox") return "run";
      if (head === "message" || head === "context") return "message";
      if (head === "tool" || head === "approval") return "tool";
      if (head === "agent") return "agent";
      if (head === "file") return "file";
      return "usage";
    }
  }
}

export const isErrorEvent = (ev: StreamEvent): boolean =>
  ev.type === "run.failed" ||
  ev.type === "llm.retry" ||
  (ev.type === "tool.result" && ev.isError) ||
  (ev.type === "agent.status" && ev.status === "failed");

export const isToolEvent = (ev: StreamEvent): boolean =>
  ev.type === "tool.started" || ev.type === "tool.called" || ev.type === "tool.result";

/** The agent an orchestrator-stream event is about, if any. */
export function agentIdOf(ev: StreamEvent): string | null {
  switch (ev.type) {
    case "agent.created":
      return ev.agent.id;
    case "agent.status":
    case "agent.usage":
    case "agent.completed":
    case "agent.deleted":
      return ev.agentId;
    case "file.changed":
      return ev.by;
    default:
      return null;
  }
}

const clip = (s: string, n = 140) => {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

const inputPreview = (input: unknown): string => {
  if (input === undefined) return "";
  try {
    return clip(JSON.stringify(input), 120);
  } catch {
    return "";
  }
};

/** A short human line for an event; `names` maps agent ids to names. */
export function summarize(ev: StreamEvent, names: ReadonlyMap<string, string> = new Map()): string {
  const who = (id: string) => names.get(id) ?? id;
  switch (ev.type) {
    case "run.started":
      return `Run ${ev.runId} started (${ev.retryOf ? "retry" : ev.trigger.replace("_", " ")})`;
    case "run.completed":
      return `Run completed · ${formatUsage(ev.usage)} · ${formatUsd(ev.costUsd)}`;
    case "run.failed":
      return `Run failed: ${ev.error.message} (${ev.error.code})`;
    case "run.interrupted":
      return "Run interrupted";
    case "inbox.held":
      return ev.held
        ? "Stopped — queued messages and agent reports wait for the next message or Resume"
        : `Released by a message or Resume${ev.queuedReports ? ` (${ev.queuedReports} queued reports waiting)` : ""}`;
    case "message.user":
      return `User${ev.edits ? " (edited)" : ev.regenerates ? " (regenerate)" : ""}: ${clip(ev.text)}`;
    case "message.cancelled":
      return "Queued message cancelled before it ran";
    case "message.started":
      return `Assistant message started · ${ev.model}`;
    case "text.delta":
      return JSON.stringify(ev.text);
    case "thinking.delta":
      return `thinking ${JSON.stringify(ev.text)}`;
    case "tool.started":
      return `${ev.name} …`;
    case "tool.called":
      return `${ev.name} ${inputPreview(ev.input)}`;
    case "tool.result":
      return `${ev.isError ? "error" : "ok"} in ${formatMs(ev.ms)} · ${clip(ev.content, 110)}`;
    case "message.completed":
      return `Message completed (${ev.stopReason}) · ${formatUsage(ev.usage)} · ${formatUsd(ev.costUsd)}`;
    case "llm.retry":
      return `Retry ${ev.attempt} in ${formatMs(ev.delayMs)}: ${ev.reason}`;
    case "context.compacted":
      return `Context compacted (${ev.messagesBefore} messages, ${ev.tokensBefore} tokens)${ev.costUsd !== undefined ? ` · ${formatUsd(ev.costUsd)}` : ""}`;
    case "agent.created":
      return `Agent ${ev.agent.name} created · ${ev.agent.model}`;
    case "agent.status":
      return `${who(ev.agentId)} → ${ev.status}${ev.note ? `: ${clip(ev.note, 100)}` : ""}`;
    case "agent.usage":
      return `${who(ev.agentId)} usage · ${formatUsage(ev.totals)} · ${formatUsd(ev.totals.costUsd)}`;
    case "agent.completed":
      return `${who(ev.agentId)} completed: ${clip(ev.result)}`;
    case "agent.deleted":
      return `${who(ev.agentId)} deleted`;
    case "agent.activity":
      return `${who(ev.agentId)} ${ev.kind === "tool" ? `→ ${ev.name} ${clip(ev.summary, 100)}` : `“${clip(ev.summary, 110)}”`}`;
    case "file.changed":
      return `${ev.deleted ? "Deleted" : "Wrote"} ${ev.path}${ev.deleted ? "" : ` (${ev.size} B)`} by ${who(ev.by)}`;
    case "usage.updated":
      return `Totals · ${formatUsage(ev.totals)} · ${formatUsd(ev.totals.costUsd)}`;
    case "approval.requested":
      return `${ev.agentId ? `${who(ev.agentId)} asks` : "Asks"} to run ${ev.name} ${inputPreview(ev.input)}`;
    case "approval.resolved":
      return `${ev.decision === "approve" ? "Approved" : "Denied"}${ev.by === "user" ? "" : ` (${ev.by})`}${ev.note ? `: ${clip(ev.note, 100)}` : ""}`;
  }
}

export type EventFilter = {
  /** Categories to show; empty = all. */
  categories: ReadonlySet<EventCategory>;
  /** Agent id or "" for all. */
  agentId: string;
  text: string;
  errorsOnly: boolean;
  toolsOnly: boolean;
  /** Text and thinking deltas are most of a stream; hiding them leaves the structure. */
  hideDeltas: boolean;
};

export const emptyFilter = (): EventFilter => ({
  categories: new Set(),
  agentId: "",
  text: "",
  errorsOnly: false,
  toolsOnly: false,
  hideDeltas: false,
});

export const isFiltering = (f: EventFilter): boolean =>
  f.categories.size > 0 ||
  f.agentId !== "" ||
  f.text.trim() !== "" ||
  f.errorsOnly ||
  f.toolsOnly ||
  f.hideDeltas;

export function matchesFilter(
  ev: StreamEvent,
  f: EventFilter,
  names: ReadonlyMap<string, string> = new Map(),
): boolean {
  if (f.errorsOnly && !isErrorEvent(ev)) return false;
  if (f.toolsOnly && !isToolEvent(ev)) return false;
  if (f.hideDeltas && (ev.type === "text.delta" || ev.type === "thinking.delta")) return false;
  if (f.categories.size && !f.categories.has(categoryOf(ev))) return false;
  if (f.agentId) {
    const id = agentIdOf(ev);
    const name = names.get(f.agentId);
    if (id !== f.agentId && (name === undefined || id !== name)) {
      // Orchestrator tool calls that target the agent by name count too.
      const input = ev.type === "tool.called" ? (ev.input as { name?: unknown } | null) : null;
      if (!(name && input && typeof input === "object" && input.name === name)) return false;
    }
  }
  const q = f.text.trim().toLowerCase();
  if (q && !ev.type.includes(q) && !summarize(ev, names).toLowerCase().includes(q)) return false;
  return true;
}

/** Indices of matching events; without a filter, null (show all, no copy). */
export function filterEvents(
  events: readonly StreamEvent[],
  f: EventFilter,
  names: ReadonlyMap<string, string> = new Map(),
): number[] | null {
  if (!isFiltering(f)) return null;
  const out: number[] = [];
  for (let i = 0; i < events.length; i++) if (matchesFilter(events[i]!, f, names)) out.push(i);
  return out;
}
