// GET …/export: an orchestrator's conversation as Markdown or JSON, streamed from its event log (the
// whole history: compaction shortens what the model reads, never the log). User messages, the
// assistant's text, each tool call with its input and a clipped result, agents' reports and how every
// run ended with its usage; thinking, token deltas and attempts that broke off and were made again
// are left out. Entries come out in the order they began; an assistant message waits for its tools'
// results, and what follows it waits with it.
import type { ConversationExport, ExportEntry } from "../../schema/api";
import type { StreamEvent, Totals } from "../../schema/events";
import { formatUsd } from "../../schema/money";
import type { EventLog } from "../db/event-log";
import type { ObjectConfig } from "../db/store";

/** Tool results are cut to this many characters in an export. */
export const EXPORT_RESULT_CHARS = 2000;
const PAGE = 500;

type Assistant = Extract<ExportEntry, { type: "assistant" }>;
type Slot = { entry: ExportEntry; open: boolean; blocks?: Map<number, string> };

/** Stop reasons of attempts that broke off and were retried (model-call.ts) or died with the object. */
const superseded = (stopReason: string | null) =>
  stopReason === "aborted" || (stopReason?.startsWith("llm_") ?? false);

/** Folds events into export entries; `push` and `end` hand back the entries that are complete. */
export class ExportFold {
  private readonly slots: Slot[] = [];
  private readonly messages = new Map<string, Slot>();
  private readonly tools = new Map<string, Slot>();
  private readonly queued = new Map<string, { text: string; ts: number }>();
  private readonly names = new Map<string, string>();
  private run: { runId: string; trigger: string; retryOf?: string } | null = null;

  push(ev: StreamEvent): ExportEntry[] {
    switch (ev.type) {
      case "message.user":
        this.queued.set(ev.messageId, { text: ev.text, ts: ev.ts });
        this.add({
          type: "user",
          messageId: ev.messageId,
          ts: ev.ts,
          text: ev.text,
          ...(ev.edits ? { edits: ev.edits } : {}),
          ...(ev.regenerates ? { regenerates: ev.regenerates } : {}),
        });
        break;
      case "message.cancelled": {
        const q = this.queued.get(ev.messageId);
        this.add({ type: "cancelled", messageId: ev.messageId, ts: ev.ts, text: q?.text ?? "" });
        break;
      }
      case "run.started":
        this.run = { runId: ev.runId, trigger: ev.trigger, ...(ev.retryOf ? { retryOf: ev.retryOf } : {}) };
        break;
      case "agent.created":
        this.names.set(ev.agent.id, ev.agent.name);
        break;
      case "agent.completed":
        this.add({
          type: "report",
          agentId: ev.agentId,
          agent: this.names.get(ev.agentId) ?? ev.agentId,
          ts: ev.ts,
          result: ev.result,
        });
        break;
      case "message.started":
        this.assistant(ev.messageId, ev.ts, ev.model);
        break;
      case "text.delta": {
        const slot = this.assistant(ev.messageId, ev.ts);
        slot.blocks!.set(ev.index, (slot.blocks!.get(ev.index) ?? "") + ev.text);
        break;
      }
      case "tool.started":
      case "tool.called": {
        const slot =
          ev.type === "tool.started" ? this.assistant(ev.messageId, ev.ts) : this.tools.get(ev.toolUseId);
        if (!slot) break;
        const a = slot.entry as Assistant;
        const at = a.tools.findIndex((t) => t.toolUseId === ev.toolUseId);
        const tool = {
          toolUseId: ev.toolUseId,
          name: ev.name,
          input: ev.type === "tool.called" ? ev.input : (a.tools[at]?.input ?? null),
          result: null,
          isError: false,
          clipped: false,
          server: ev.server ?? false,
        };
        if (at >= 0) a.tools[at] = { ...a.tools[at]!, name: tool.name, input: tool.input };
        else a.tools.push(tool);
        this.tools.set(ev.toolUseId, slot);
        break;
      }
      case "tool.result": {
        const slot = this.tools.get(ev.toolUseId);
        const tool = slot && (slot.entry as Assistant).tools.find((t) => t.toolUseId === ev.toolUseId);
        if (tool) {
          tool.result =
            ev.content.length > EXPORT_RESULT_CHARS
              ? `${ev.content.slice(0, EXPORT_RESULT_CHARS)}…`
              : ev.content;
          tool.clipped = ev.content.length > EXPORT_RESULT_CHARS;
          tool.isError = ev.isError;
        }
        if (slot) this.settle(slot);
        break;
      }
      case "message.completed": {
        const slot = this.messages.get(ev.messageId);
        if (!slot) break;
        const a = slot.entry as Assistant;
        a.stopReason = ev.stopReason;
        a.usage = ev.usage;
        a.costUsd = ev.costUsd;
        this.settle(slot);
        break;
      }
      case "run.completed":
      case "run.failed":
      case "run.interrupted": {
        // Whatever the run left open (a call cut off, a tool that never answered) ends with it.
        for (const s of this.slots) s.open = false;
        this.add({
          type: "run",
          runId: ev.runId,
          ts: ev.ts,
          trigger: this.run?.runId === ev.runId ? this.run.trigger : "user",
          outcome:
            ev.type === "run.completed" ? "completed" : ev.type === "run.failed" ? "failed" : "interrupted",
          ...(this.run?.runId === ev.runId && this.run.retryOf ? { retryOf: this.run.retryOf } : {}),
          usage: ev.type === "run.completed" ? ev.usage : null,
          costUsd: ev.type === "run.completed" ? ev.costUsd : null,
          error: ev.type === "run.failed" ? ev.error : null,
        });
        this.run = null;
        break;
      }
      default:
        break;
    }
    return this.ready();
  }

  /** Everything left, complete or not. */
  end(): ExportEntry[] {
    for (const s of this.slots) s.open = false;
    return this.ready();
  }

  private add(entry: ExportEntry, open = false): Slot {
    const slot: Slot = { entry, open };
    this.slots.push(slot);
    return slot;
  }

  private assistant(messageId: string, ts: number, model?: string): Slot {
    let slot = this.messages.get(messageId);
    if (!slot) {
      slot = this.add(
        {
          type: "assistant",
          messageId,
          ts,
          model: model ?? "",
          text: "",
          tools: [],
          stopReason: null,
          usage: null,
          costUsd: null,
        },
        true,
      );
      slot.blocks = new Map();
      this.messages.set(messageId, slot);
    } else if (model) (slot.entry as Assistant).model = model;
    return slot;
  }

  /** Closes an assistant message once it completed and every tool it called has a result. */
  private settle(slot: Slot): void {
    const a = slot.entry as Assistant;
    if (a.stopReason !== null && a.tools.every((t) => t.result !== null)) slot.open = false;
  }

  /** The complete entries at the front, in order. */
  private ready(): ExportEntry[] {
    const out: ExportEntry[] = [];
    while (this.slots.length && !this.slots[0]!.open) {
      const slot = this.slots.shift()!;
      if (slot.entry.type === "assistant") {
        const blocks = [...slot.blocks!].sort(([a], [b]) => a - b).map(([, t]) => t.trim());
        slot.entry.text = blocks.filter(Boolean).join("\n\n");
        this.messages.delete(slot.entry.messageId);
        for (const t of slot.entry.tools) this.tools.delete(t.toolUseId);
        // A message that only carried thinking has nothing to export; an attempt that broke off
        // and was made again (its cost is in the run's usage) would only repeat the answer.
        if (!slot.entry.text && !slot.entry.tools.length) continue;
        if (superseded(slot.entry.stopReason)) continue;
      }
      out.push(slot.entry);
    }
    return out;
  }
}

const pad = (n: number) => String(n).padStart(2, "0");
/** `2026-05-01 14:05:03 UTC`. */
export function utc(ts: number): string {
  const d = new Date(ts);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

const tokens = (u: {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}) =>
  `${(u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens).toLocaleString("en-US")} in (${u.cacheReadTokens.toLocaleString("en-US")} cached) · ${u.outputTokens.toLocaleString("en-US")} out`;

const oneLine = (s: string, n: number) => {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** Text as a Markdown blockquote, every line of it. */
const quoted = (s: string) =>
  s
    .split("\n")
    .map((l) => (l ? `> ${l}` : ">"))
    .join("\n");

/** One entry as Markdown. */
export function entryMarkdown(e: ExportEntry): string {
  switch (e.type) {
    case "user": {
      const how = e.edits ? " (edited and sent again)" : e.regenerates ? " (sent again: regenerate)" : "";
      return `### You${how} · ${utc(e.ts)}\n\n${e.text}\n\n`;
    }
    case "cancelled":
      return `_Cancelled before it ran (${utc(e.ts)}):_\n\n${quoted(e.text)}\n\n`;
    case "assistant": {
      let out = `### Orchestrator · ${utc(e.ts)}${e.model ? ` · ${e.model}` : ""}\n\n`;
      if (e.text) out += `${e.text}\n\n`;
      for (const t of e.tools) {
        const input = t.input === undefined || t.input === null ? "" : oneLine(JSON.stringify(t.input), 200);
        const result =
          t.result === null ? "no result" : `${t.isError ? "error: " : ""}${oneLine(t.result, 300)}`;
        out += `- Tool \`${t.name}\`${t.server ? " (server)" : ""}${input ? ` \`${input.replace(/`/g, "'")}\`` : ""} → ${result}\n`;
      }
      if (e.tools.length) out += "\n";
      return out;
    }
    case "report":
      return `### Report from agent ${e.agent} · ${utc(e.ts)}\n\n${quoted(e.result)}\n\n`;
    case "run": {
      const what =
        e.outcome === "completed" ? "Turn complete" : e.outcome === "failed" ? "Turn failed" : "Stopped";
      const usage = e.usage ? ` · ${tokens(e.usage)}` : "";
      const cost = e.costUsd !== null ? ` · ${formatUsd(e.costUsd)}` : "";
      const error = e.error ? `: ${e.error.message} (${e.error.code})` : "";
      return `_${what}${e.retryOf ? " (retry)" : ""}${error}${usage}${cost}_\n\n---\n\n`;
    }
  }
}

type Head = ConversationExport["orchestrator"] & { totals: Totals; exportedAt: number };

export function headMarkdown(h: Head): string {
  return (
    `# ${h.name}\n\n` +
    `Exported ${utc(h.exportedAt)} from Baton · orchestrator ${h.id} · model ${h.model}\n\n` +
    `Total, with its agents: ${tokens(h.totals)} · ${formatUsd(h.totals.costUsd)}\n\n---\n\n`
  );
}

/**
 * The export as a stream: the log is read a page at a time, up to the seq it had when the export
 * began, so a long history never sits in memory at once and a run going on meanwhile can't make
 * the export chase it.
 */
export function exportStream(
  log: EventLog,
  config: ObjectConfig,
  totals: Totals,
  format: "md" | "json",
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const head: Head = {
    id: config.id,
    name: config.name,
    model: config.model,
    totals,
    exportedAt: Date.now(),
  };
  const upto = log.lastSeq;
  const fold = new ExportFold();
  let cursor = 0;
  let first = true;
  const render = (entries: ExportEntry[]): string => {
    if (format === "md") return entries.map(entryMarkdown).join("");
    let out = "";
    for (const e of entries) {
      out += `${first ? "" : ","}${JSON.stringify(e)}`;
      first = false;
    }
    return out;
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(
        encoder.encode(
          format === "md"
            ? headMarkdown(head)
            : `{"orchestrator":${JSON.stringify({ id: head.id, name: head.name, model: head.model })},"exportedAt":${head.exportedAt},"entries":[`,
        ),
      );
    },
    pull(c) {
      // A pull must enqueue something (or close): pages that complete no entry (a long message
      // streaming its deltas) are read on until one does.
      for (;;) {
        const events = cursor < upto ? log.read(cursor, Math.min(PAGE, upto - cursor)) : [];
        if (!events.length) break;
        cursor = events[events.length - 1]!.seq;
        const text = render(events.flatMap((ev) => fold.push(ev)));
        if (text) {
          c.enqueue(encoder.encode(text));
          return;
        }
      }
      const rest = render(fold.end());
      const tail = format === "md" ? "" : `],"totals":${JSON.stringify(totals)}}`;
      if (rest || tail) c.enqueue(encoder.encode(rest + tail));
      c.close();
    },
  });
}
