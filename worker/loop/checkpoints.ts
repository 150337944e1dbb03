// Checkpoints (DESIGN §5.1, §5.3, §5.7): everything the loop makes durable — billed messages with
// their usage and D1 rows, tool results keyed by tool_use_id (the exactly-once record), the budget
// reservation each call holds until it is billed, and the repairs after a crash or an interrupt.
import type Anthropic from "@anthropic-ai/sdk";
import {
  type StreamEvent,
  TERMINAL_RUN_EVENTS,
  type Usage,
  zeroTotals,
  zeroUsage,
} from "../../schema/events";
import { addUsage, roundUsd } from "../../schema/money";
import { queueD1 } from "../db/outbox";
import type { ContentBlock, Store } from "../db/store";
import { costUsd } from "../llm/prices";
import { newId, type RunEnd, type RunnerHost, type ToolCallRef } from "./host";
import { collectCitations } from "./server-tools";
import { truncateOutput } from "./tool";

export class Checkpoints {
  constructor(private readonly host: RunnerHost) {}

  private get store(): Store {
    return this.host.store;
  }

  /**
   * After a restart: a message that was streaming when the object died is recorded as aborted and
   * billed honestly — its input as reported at message_start, its output estimated from the text
   * it streamed into the log (≈ 4 characters a token), through the normal recording path.
   */
  recoverInflight(): void {
    const inflight = this.inflightMessage();
    if (!inflight) return;
    // What the log took of it: everything after its start (at most one message's worth).
    const since: StreamEvent[] = [];
    for (let cursor = inflight.seq; ; ) {
      const page = this.host.log().read(cursor, 1000);
      since.push(...page);
      if (page.length < 1000) break;
      cursor = page[page.length - 1]!.seq;
    }
    let streamed = 0;
    for (const e of since) {
      if ((e.type === "text.delta" || e.type === "thinking.delta") && e.messageId === inflight.messageId) {
        streamed += e.text.length;
      }
    }
    const base = inflight.usage ?? zeroUsage();
    const usage = { ...base, outputTokens: Math.max(base.outputTokens, Math.ceil(streamed / 4)) };
    const cost = costUsd(this.store.config().model, usage);
    // Tool calls it had begun streaming are closed on the stream; none of them will run.
    const resulted = new Set(since.flatMap((e) => (e.type === "tool.result" ? [e.toolUseId] : [])));
    const open = since.flatMap((e) =>
      e.type === "tool.started" && e.messageId === inflight.messageId && !resulted.has(e.toolUseId)
        ? [e.toolUseId]
        : [],
    );
    for (const toolUseId of open) {
      this.host.emit({
        type: "tool.result",
        toolUseId,
        isError: true,
        content: "Not run: the response was cut off before this call was complete.",
        ms: 0,
      });
    }
    // The call is made again when the run resumes, under a reservation that replaces this one.
    this.store.transaction(() => {
      this.recordMessage(inflight.runId, inflight.messageId, [], "aborted", usage, cost, false);
      this.host.messageCheckpointed(usage, cost, null);
    });
    void this.host.flush();
  }

  /**
   * The message that was streaming when the object died, read from the log: the active run's last
   * `message.started` when no `message.completed` or run boundary came after it. Every attempt
   * ends in a message.completed (aborted ones too) and every run in a terminal event, so the log
   * says it without a marker row written twice per model call. (The scan walks back from the end
   * and stops at the first boundary: a few rows.)
   */
  private inflightMessage(): { runId: string; messageId: string; seq: number; usage?: Usage } | null {
    const runId = this.store.activeRunId();
    if (!runId) return null;
    const last = this.host
      .log()
      .lastOf(["message.started", "message.completed", "run.started", ...TERMINAL_RUN_EVENTS]);
    if (last?.type !== "message.started") return null;
    return { runId, messageId: last.messageId, seq: last.seq, usage: last.usage };
  }

  /**
   * Reserves a call's worst case at every budget above it, before the call. The reservation is
   * stored first, so a restart knows to replace it; one left by a call that never billed is.
   */
  async reserveCall(usd: number): Promise<string | null> {
    const prev = this.store.get("reservation") ?? null;
    if (!prev && !this.host.budgeted()) return null;
    const id = newId("rsv");
    this.store.transaction(() => {
      if (prev?.account) queueD1(this.store, { kind: "release", ids: [prev.id] });
      this.store.set("reservation", { id, account: false });
    });
    const r = await this.host.reserve(id, usd, prev?.id ?? null);
    this.store.set("reservation", r.refusal ? null : { id, account: r.account });
    if (r.refusal || prev?.account) await this.host.flush();
    return r.refusal;
  }

  /** A reservation whose call ended without billing: dropped here and in D1 (now, not at expiry). */
  releaseUnbilled(): string | null {
    const held = this.store.get("reservation") ?? null;
    if (!held) return null;
    this.store.transaction(() => {
      if (held.account) queueD1(this.store, { kind: "release", ids: [held.id] });
      this.store.set("reservation", null);
    });
    return held.id;
  }

  /** A billed call outside the conversation (a compaction summary): usage, totals, ledger. */
  billSide(runId: string, messageId: string, usage: Usage, cost: number): void {
    this.store.transaction(() => {
      const settles = this.recordMessage(runId, messageId, [], "compaction", usage, cost, false, true, false);
      this.host.messageCheckpointed(usage, cost, settles);
    });
  }

  /**
   * Checkpoint: the assistant message, its usage and its D1 rows, in one transaction. With
   * `settle`, the call's reservation ends here: its D1 release rides in the same outbox batch as
   * the billed row, so the account never sees the hold and the spend both, or neither. Returns the
   * settled reservation id.
   */
  recordMessage(
    runId: string,
    messageId: string,
    content: ContentBlock[],
    stopReason: string,
    usage: Usage,
    costUsd: number,
    keep: boolean,
    settle = false,
    announce = true,
  ): string | null {
    const config = this.store.config();
    const now = Date.now();
    return this.store.transaction(() => {
      const kept = content.filter((b) => b.type !== "text" || b.text.length > 0);
      // Sources the text cites; a continued (pause_turn) message may cite pages its first part fetched.
      const cites = kept.some((b) => b.type === "text" && b.citations?.length);
      const before = cites ? this.store.conversation().at(-1) : undefined;
      const citations = cites
        ? collectCitations(kept, before?.role === "assistant" ? before.content : [])
        : [];
      if (keep && kept.length) this.store.appendMessage(runId, messageId, "assistant", kept);
      this.store.addRunUsage(runId, usage, costUsd);
      const totals = this.store.get("totals") ?? zeroTotals();
      this.store.set("totals", { ...addUsage(totals, usage), costUsd: roundUsd(totals.costUsd + costUsd) });
      const contextTokens =
        usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens;
      if (keep) this.store.set("contextTokens", contextTokens);
      if (announce)
        this.host.emit({
          type: "message.completed",
          messageId,
          stopReason,
          usage,
          costUsd,
          ...(citations.length ? { citations } : {}),
        });
      const agentId = config.kind === "agent" ? config.id : null;
      const base = { userId: config.userId, orchestratorId: config.orchestratorId, agentId, runId };
      queueD1(this.store, {
        kind: "message",
        row: {
          ...base,
          id: messageId,
          role: "assistant",
          content: kept,
          model: config.model,
          stopReason,
          createdAt: now,
          ...usage,
          costUsd,
        },
      });
      for (const b of kept) {
        if (b.type === "tool_use") {
          queueD1(this.store, {
            kind: "tool_call",
            row: { ...base, id: b.id, messageId, name: b.name, input: b.input ?? {}, createdAt: now },
          });
        }
      }
      return settle ? this.releaseUnbilled() : null;
    });
  }

  /** Stores a tool's result (the exactly-once record), announces it, and queues its complete D1 row. */
  saveResult(runId: string, call: ToolCallRef, outcome: { content: string; isError?: boolean }, ms: number) {
    if (this.store.toolResults.get(call.id)) return;
    const { content, truncated } = truncateOutput(outcome.content);
    const isError = outcome.isError ?? false;
    const config = this.store.config();
    const now = Date.now();
    this.store.transaction(() => {
      this.store.toolResults.save({
        toolUseId: call.id,
        runId,
        name: call.name,
        content,
        isError,
        ms,
        createdAt: now,
      });
      this.host.emit({
        type: "tool.result",
        toolUseId: call.id,
        isError,
        content,
        ms,
        ...(truncated ? { truncated } : {}),
      });
      queueD1(this.store, {
        kind: "tool_call",
        row: {
          id: call.id,
          userId: config.userId,
          orchestratorId: config.orchestratorId,
          agentId: config.kind === "agent" ? config.id : null,
          runId,
          messageId: call.messageId,
          name: call.name,
          input: call.input ?? {},
          result: content,
          isError,
          ms,
          createdAt: now,
        },
      });
    });
  }

  /**
   * A run that ends mid-tools still leaves a consistent conversation: every tool call answered,
   * and announced, so no tool card outlives its run. A wait reports how long it waited.
   */
  closeDanglingToolCalls(runId: string, end: RunEnd): void {
    const conv = this.store.conversation();
    const last = conv[conv.length - 1];
    if (last?.role !== "assistant") return;
    const uses = last.content.filter((b): b is Anthropic.ToolUseBlockParam => b.type === "tool_use");
    if (!uses.length) return;
    const waiting = this.store.get("waiting");
    const why = end === "interrupted" ? "the turn was interrupted" : "the run ended";
    const sent = this.store.get("sentCalls") ?? {};
    for (const use of uses) {
      if (this.store.toolResults.get(use.id)) continue;
      const waited = waiting?.toolUseId === use.id && waiting.since ? Date.now() - waiting.since : 0;
      this.saveResult(
        runId,
        { id: use.id, name: use.name, input: use.input, messageId: last.messageId },
        {
          content:
            use.id in sent
              ? `Stopped while ${use.name} was in flight (${why}), so whether it took effect is unknown. It was not sent again.`
              : waited
                ? `Stopped waiting: ${why}.`
                : `Not run: ${why}.`,
          isError: true,
        },
        waited,
      );
    }
    if (uses.some((u) => u.id in sent)) {
      this.store.set(
        "sentCalls",
        Object.fromEntries(Object.entries(sent).filter(([id]) => !uses.some((u) => u.id === id))),
      );
    }
    const results: ContentBlock[] = uses.map((use) => {
      const r = this.store.toolResults.get(use.id)!;
      return { type: "tool_result", tool_use_id: use.id, content: r.content, is_error: r.isError };
    });
    this.store.appendMessage(runId, newId("tr"), "user", results);
  }
}
