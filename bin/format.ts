// Human output for the `baton` CLI: one-liners for stream events, tables, money.
import type { ApprovalInfo, StreamEvent, Usage } from "../schema/events.ts";
import { formatUsd, USAGE_FIELDS } from "../schema/money.ts";

/** Money as every Baton surface writes it. */
export const usd = formatUsd;

/** The four token counts under their shared names: "12 in, 600 cache write, 8,000 cache read, 456 out". */
export const usageLine = (u: Usage): string =>
  USAGE_FIELDS.map((f) => `${u[f.key].toLocaleString("en-US")} ${f.short}`).join(", ");

const clip = (s: string, n: number): string => {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

/**
 * A one-line rendering of an event worth showing during a run, or null for the rest. `names` maps
 * agent ids to names (and approval ids to their tools); with `orchestratorId`, an approval request
 * says how to answer it.
 */
export function formatEvent(
  ev: StreamEvent,
  names: Map<string, string>,
  orchestratorId?: string,
): string | null {
  const who = (id: string) => names.get(id) ?? id;
  switch (ev.type) {
    case "approval.requested": {
      const agent = ev.agentId ? ` (${who(ev.agentId)})` : "";
      const how = orchestratorId ? ` — baton approve ${orchestratorId} ${ev.approvalId}` : "";
      return `  ⏸ approval needed: ${ev.name} ${clip(JSON.stringify(ev.input ?? {}), 80)}${agent}${how}`;
    }
    case "approval.resolved": {
      const why =
        ev.by === "timeout" ? " (nobody answered in time)" : ev.by === "interrupt" ? " (run stopped)" : "";
      const verdict = ev.decision === "approve" ? "▶ approved" : "■ denied";
      return `  ${verdict}: ${who(ev.approvalId)}${why}${ev.note ? ` — ${clip(ev.note, 80)}` : ""}`;
    }
    case "tool.called":
      return `  ⚙ ${ev.name} ${clip(JSON.stringify(ev.input ?? {}), 100)}`;
    case "tool.result":
      return ev.isError ? `  ✗ tool error: ${clip(ev.content, 120)}` : null;
    case "agent.created":
      return `  + agent ${ev.agent.name} (${ev.agent.model})`;
    case "agent.status":
      return `  • ${who(ev.agentId)}: ${ev.status}${ev.note ? ` — ${clip(ev.note, 80)}` : ""}`;
    case "agent.completed":
      return `  ✓ ${who(ev.agentId)} reported: ${clip(ev.result, 120)}`;
    case "agent.deleted":
      return `  − agent ${who(ev.agentId)} deleted`;
    case "file.changed":
      return `  ✎ ${ev.path} ${ev.deleted ? "deleted" : `(${ev.size} bytes)`} by ${ev.by}`;
    case "llm.retry":
      return `  ↻ retry ${ev.attempt} in ${Math.round(ev.delayMs)} ms: ${clip(ev.reason, 80)}`;
    case "context.compacted":
      return `  ⇣ context compacted (${ev.messagesBefore} messages)`;
    default:
      return null;
  }
}

/** One line per approval for `baton approvals`: when it was asked and when it is denied on its own. */
export function approvalRows(list: ApprovalInfo[], names: Map<string, string>, now = Date.now()): string[][] {
  const ago = (ms: number) => {
    const m = Math.round(Math.abs(ms) / 60_000);
    return m < 1 ? "<1 min" : m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
  };
  return list.map((a) => [
    a.approvalId,
    a.name,
    a.agentId ? (names.get(a.agentId) ?? a.agentId) : "(orchestrator)",
    `${ago(now - a.requestedAt)} ago`,
    `in ${ago(a.expiresAt - now)}`,
    clip(JSON.stringify(a.input ?? {}), 60),
  ]);
}

/** The final line of `baton send`. */
export function runSummary(ev: StreamEvent): string {
  if (ev.type === "run.completed") {
    return `✔ run completed · ${usageLine(ev.usage)} tokens · ${usd(ev.costUsd)}`;
  }
  if (ev.type === "run.failed") return `✘ run failed: ${ev.error.message} (${ev.error.code})`;
  return "✘ run interrupted";
}

/** Left-aligned text columns (right-aligned when every cell after the header looks numeric). */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[$\d.,\s-]*$/.test(r[i] ?? "")));
  return all
    .map((r) =>
      r
        .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
