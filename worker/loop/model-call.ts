// One assistant message: a streaming call through the SDK, mapped onto stream events, with retries.
import Anthropic from "@anthropic-ai/sdk";
import type { RunFailureCode } from "../../schema/errors";
import type { EventBody, Usage } from "../../schema/events";
import { zeroUsage } from "../../schema/events";
import type { ContentBlock } from "../db/store";
import { costUsd } from "../llm/prices";
import { isServerResult, summarizeServerResult, withCodeExecution } from "./server-tools";

export type CallParams = Omit<Anthropic.MessageCreateParamsStreaming, "stream">;

export type CallOutcome = {
  messageId: string;
  content: ContentBlock[];
  stopReason: string;
  usage: Usage;
  costUsd: number;
};

/** An attempt that streamed something and then died: recorded as aborted, then retried. */
export type AbortedAttempt = { messageId: string; content: ContentBlock[]; usage: Usage; costUsd: number };

export type CallHooks = {
  emit: (body: EventBody) => void;
  /**
   * Token text of a block, for the live overlay (DESIGN §11: sent at once, logged coalesced). Without
   * it every delta is emitted as its own text.delta / thinking.delta event.
   */
  text?: (messageId: string, kind: "text" | "thinking", index: number, text: string) => void;
  /** A text or thinking block ended (content_block_stop): its text goes to the log with the next event. */
  blockEnd?: (messageId: string, index: number) => void;
  /** An attempt that streamed something died and will be retried: record (and bill) what it left. */
  onAttemptAborted: (attempt: AbortedAttempt, stopReason: string) => void;
};

export type CallOptions = {
  client: Anthropic;
  params: CallParams;
  messageId: string;
  signal: AbortSignal;
  idleTimeoutMs: number;
  retryBaseMs: number;
  maxAttempts: number;
};

export class CallFailed extends Error {
  constructor(
    readonly code: RunFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export class CallInterrupted extends Error {
  constructor(readonly partial: AbortedAttempt | null) {
    super("interrupted");
  }
}

/** A retried failure's code names the aborted attempt's stop reason; a final one, the run's failure. */
type Classified = { reason: string; retryAfterMs: number | null } & (
  | { retry: true; code: string }
  | { retry: false; code: RunFailureCode }
);

function classify(err: unknown, stalled: boolean): Classified {
  if (stalled) return { retry: true, reason: "stream stalled", retryAfterMs: null, code: "llm_stalled" };
  if (err instanceof Anthropic.APIError) {
    const status = err.status;
    const header = err.headers?.get?.("retry-after");
    const retryAfterMs = header && Number.isFinite(Number(header)) ? Number(header) * 1000 : null;
    const text = err.message ?? "";
    if (status === 429 && /spend|credit|billing|usage limit/i.test(text)) {
      return { retry: false, reason: "spend limit reached", retryAfterMs: null, code: "spend_limit" };
    }
    if (status === undefined) {
      // A mid-stream error event: name its type, not the provider's raw JSON.
      const detail = (err.error as { error?: { type?: string; message?: string } } | undefined)?.error;
      const why = detail?.message ?? detail?.type ?? "the stream was interrupted";
      return { retry: true, reason: `stream error (${why})`, retryAfterMs, code: "llm_stream_error" };
    }
    if (status === 429)
      return { retry: true, reason: "rate limited (429)", retryAfterMs, code: "llm_rate_limited" };
    if (status === 529)
      return { retry: true, reason: "overloaded (529)", retryAfterMs, code: "llm_overloaded" };
    if (status >= 500 || status === 408 || status === 409) {
      return { retry: true, reason: `server error (${status})`, retryAfterMs, code: "llm_server_error" };
    }
    // A refused request (400 and the like): the API's own sentence, not its raw JSON.
    const refusal = err.apiMessage
      ? `the API refused the request (${status}${err.type ? ` ${err.type}` : ""}): ${err.apiMessage.replace(/\.$/, "")}`
      : text;
    return { retry: false, reason: refusal, retryAfterMs: null, code: "llm_request_rejected" };
  }
  if (err instanceof Anthropic.APIConnectionError || err instanceof Disconnected) {
    return { retry: true, reason: "connection lost", retryAfterMs: null, code: "llm_disconnected" };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { retry: false, reason: message, retryAfterMs: null, code: "llm_error" };
}

class Disconnected extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

export async function callModel(opts: CallOptions, hooks: CallHooks): Promise<CallOutcome> {
  for (let attempt = 1; ; attempt++) {
    const messageId = attempt === 1 ? opts.messageId : `${opts.messageId}_r${attempt}`;
    const state = newAttemptState(messageId);
    const attemptAbort = new AbortController();
    let stalled = false;
    const onOuterAbort = () => attemptAbort.abort(opts.signal.reason);
    opts.signal.addEventListener("abort", onOuterAbort, { once: true });
    // One timer per attempt that re-arms for the time left, rather than a reset per stream event
    // (measurably hot at hundreds of events a second).
    let idle: ReturnType<typeof setTimeout> | undefined;
    let lastEventAt = Date.now();
    const watchIdle = (ms: number) => {
      idle = setTimeout(() => {
        const quietFor = Date.now() - lastEventAt;
        if (quietFor < opts.idleTimeoutMs) return watchIdle(opts.idleTimeoutMs - quietFor);
        stalled = true;
        attemptAbort.abort(new Error("stalled"));
      }, ms);
    };
    try {
      watchIdle(opts.idleTimeoutMs);
      const stream = await opts.client.messages.create(
        { ...opts.params, stream: true },
        { signal: attemptAbort.signal, timeout: opts.idleTimeoutMs * 4 },
      );
      let stopped = false;
      for await (const ev of stream) {
        if (opts.signal.aborted) break;
        lastEventAt = Date.now();
        stopped = applyStreamEvent(state, ev, opts.params.model, hooks) || stopped;
      }
      if (opts.signal.aborted)
        throw new CallInterrupted(
          state.started ? snapshot(state, opts.params.model, hooks.emit, false) : null,
        );
      if (!stopped) throw new Disconnected("stream ended before message_stop");
      const usage = withCodeExecution(state.usage, state.blocks);
      return {
        messageId,
        content: state.blocks,
        stopReason: state.stopReason ?? "end_turn",
        usage,
        costUsd: costUsd(opts.params.model, usage),
      };
    } catch (err) {
      if (err instanceof CallInterrupted) throw err;
      if (opts.signal.aborted)
        throw new CallInterrupted(
          state.started ? snapshot(state, opts.params.model, hooks.emit, false) : null,
        );
      const c = classify(err, stalled);
      if (state.started) hooks.onAttemptAborted(snapshot(state, opts.params.model, hooks.emit, true), c.code);
      if (!c.retry || attempt >= opts.maxAttempts) {
        const tail = c.retry ? ` after ${attempt} attempts` : "";
        throw new CallFailed(
          c.retry ? "llm_unavailable" : c.code,
          `The model call failed${tail}: ${c.reason}.`,
        );
      }
      const backoff = opts.retryBaseMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.25);
      const delayMs = Math.round(Math.max(c.retryAfterMs ?? 0, backoff));
      hooks.emit({ type: "llm.retry", attempt: attempt + 1, delayMs, reason: c.reason });
      await sleep(delayMs, opts.signal);
      if (opts.signal.aborted) throw new CallInterrupted(null);
    } finally {
      clearTimeout(idle);
      opts.signal.removeEventListener("abort", onOuterAbort);
    }
  }
}

type BlockState = { partialJson: string };

type AttemptState = {
  messageId: string;
  started: boolean;
  blocks: ContentBlock[];
  extra: Map<number, BlockState>;
  /** When each server tool call began streaming, to time it when its result block arrives. */
  serverStarts: Map<string, number>;
  usage: Usage;
  stopReason: string | null;
  /** Characters received so far, to estimate output tokens when the final snapshot never came. */
  streamedChars: number;
};

function newAttemptState(messageId: string): AttemptState {
  return {
    messageId,
    started: false,
    blocks: [],
    extra: new Map(),
    serverStarts: new Map(),
    usage: zeroUsage(),
    stopReason: null,
    streamedChars: 0,
  };
}

const NOT_RUN = "Not run: the response was cut off before this call was complete.";

/**
 * What an attempt cut off mid-stream leaves. Tool calls whose input never finished are dropped
 * (they can't be executed or replayed) and get their closing result on the stream, so no tool card
 * outlives the attempt. `retried`: the attempt is discarded for a retry, so its finished calls will
 * never run either and are closed the same way; an interrupted attempt keeps them in the
 * conversation, where the run's end answers them. A server tool call whose result never came is
 * dropped and closed too: the API only takes one back together with its result.
 */
function snapshot(
  s: AttemptState,
  model: string,
  emit: (body: EventBody) => void,
  retried: boolean,
): AbortedAttempt {
  const content: ContentBlock[] = [];
  const answered = new Set(s.blocks.flatMap((b) => (isServerResult(b) ? [b.tool_use_id] : [])));
  s.blocks.forEach((b, i) => {
    if (b.type === "server_tool_use") {
      if (answered.has(b.id)) content.push(b);
      else
        emit({ type: "tool.result", toolUseId: b.id, isError: true, content: NOT_RUN, ms: 0, server: true });
      return;
    }
    const unfinished = s.extra.has(i);
    if (b.type === "tool_use" && retried && !unfinished)
      emit({ type: "tool.result", toolUseId: b.id, isError: true, content: NOT_RUN, ms: 0 });
    if (b.type !== "tool_use" || !unfinished) content.push(b);
    else
      emit({
        type: "tool.result",
        toolUseId: b.id,
        isError: true,
        content: NOT_RUN,
        ms: 0,
      });
  });
  // A cut-off stream never sent its final usage; bill what was visibly generated (≈ 4 chars a token).
  const usage = withCodeExecution(
    { ...s.usage, outputTokens: Math.max(s.usage.outputTokens, Math.ceil(s.streamedChars / 4)) },
    content,
  );
  return { messageId: s.messageId, content, usage, costUsd: costUsd(model, usage) };
}

function takeUsage(s: AttemptState, u: Partial<Record<string, number | null | unknown>>): void {
  // Usage fields are cumulative snapshots: the latest value replaces, never adds. Server tool
  // requests too (absent while none were made).
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  const next: Usage = {
    inputTokens: num(u.input_tokens) ?? s.usage.inputTokens,
    outputTokens: num(u.output_tokens) ?? s.usage.outputTokens,
    cacheReadTokens: num(u.cache_read_input_tokens) ?? s.usage.cacheReadTokens,
    cacheWriteTokens: num(u.cache_creation_input_tokens) ?? s.usage.cacheWriteTokens,
  };
  const server = (u.server_tool_use ?? null) as Record<string, unknown> | null;
  const searches = server ? num(server.web_search_requests) : (s.usage.webSearchRequests ?? null);
  const fetches = server ? num(server.web_fetch_requests) : (s.usage.webFetchRequests ?? null);
  if (searches) next.webSearchRequests = searches;
  if (fetches) next.webFetchRequests = fetches;
  s.usage = next;
}

/** Applies one SSE event; returns true on message_stop. */
function applyStreamEvent(
  s: AttemptState,
  ev: Anthropic.RawMessageStreamEvent,
  model: string,
  hooks: Pick<CallHooks, "emit" | "text" | "blockEnd">,
): boolean {
  const emit = hooks.emit;
  switch (ev.type) {
    case "message_start":
      s.started = true;
      takeUsage(s, ev.message.usage as unknown as Record<string, unknown>);
      emit({
        type: "message.started",
        messageId: s.messageId,
        model: ev.message.model || model,
        usage: { ...s.usage },
      });
      return false;
    case "content_block_start": {
      const b = ev.content_block;
      if (b.type === "text")
        s.blocks[ev.index] = {
          type: "text",
          text: "",
          ...(b.citations?.length ? { citations: [...b.citations] } : {}),
        };
      else if (b.type === "thinking") s.blocks[ev.index] = { type: "thinking", thinking: "", signature: "" };
      else if (b.type === "redacted_thinking")
        s.blocks[ev.index] = { type: "redacted_thinking", data: b.data };
      else if (b.type === "tool_use") {
        s.blocks[ev.index] = { type: "tool_use", id: b.id, name: b.name, input: {} };
        s.extra.set(ev.index, { partialJson: "" });
        emit({ type: "tool.started", messageId: s.messageId, toolUseId: b.id, name: b.name });
      } else if (b.type === "server_tool_use") {
        // Run by the API inside this response: announced like a tool call, answered by the result
        // block that follows it in the same message. Its input streams as JSON like a tool's.
        s.blocks[ev.index] = { ...b } as ContentBlock;
        s.extra.set(ev.index, { partialJson: "" });
        s.serverStarts.set(b.id, Date.now());
        emit({ type: "tool.started", messageId: s.messageId, toolUseId: b.id, name: b.name, server: true });
      } else if (isServerResult(b)) {
        // Kept verbatim (encrypted content included): it goes back to the API unchanged.
        s.blocks[ev.index] = b as ContentBlock;
        const started = s.serverStarts.get(b.tool_use_id);
        const result = summarizeServerResult(b);
        emit({
          type: "tool.result",
          toolUseId: b.tool_use_id,
          isError: result.isError,
          content: result.content,
          ms: started === undefined ? 0 : Date.now() - started,
          server: true,
        });
      } else {
        // Any other block (a container upload, a tool search result…) goes back as it came.
        s.blocks[ev.index] = b as ContentBlock;
      }
      return false;
    }
    case "content_block_delta": {
      const block = s.blocks[ev.index];
      const d = ev.delta;
      if (d.type === "text_delta" && block?.type === "text") {
        const offset = block.text.length;
        block.text += d.text;
        s.streamedChars += d.text.length;
        if (hooks.text) hooks.text(s.messageId, "text", ev.index, d.text);
        else emit({ type: "text.delta", messageId: s.messageId, index: ev.index, text: d.text, offset });
      } else if (d.type === "thinking_delta" && block?.type === "thinking") {
        const offset = block.thinking.length;
        block.thinking += d.thinking;
        s.streamedChars += d.thinking.length;
        if (hooks.text) hooks.text(s.messageId, "thinking", ev.index, d.thinking);
        else
          emit({ type: "thinking.delta", messageId: s.messageId, index: ev.index, text: d.thinking, offset });
      } else if (d.type === "signature_delta" && block?.type === "thinking") {
        block.signature += d.signature;
      } else if (d.type === "citations_delta" && block?.type === "text") {
        block.citations = [...(block.citations ?? []), d.citation as Anthropic.TextCitationParam];
      } else if (d.type === "input_json_delta") {
        const extra = s.extra.get(ev.index);
        if (extra) extra.partialJson += d.partial_json;
        s.streamedChars += d.partial_json.length;
      }
      return false;
    }
    case "content_block_stop": {
      const block = s.blocks[ev.index];
      if (block?.type === "text" || block?.type === "thinking") hooks.blockEnd?.(s.messageId, ev.index);
      const extra = s.extra.get(ev.index);
      if ((block?.type === "tool_use" || block?.type === "server_tool_use") && extra) {
        let input: unknown = block.type === "server_tool_use" ? (block.input ?? {}) : {};
        try {
          if (extra.partialJson) input = JSON.parse(extra.partialJson);
        } catch {
          input = { _unparseable: extra.partialJson };
        }
        block.input = input;
        s.extra.delete(ev.index);
        const server = block.type === "server_tool_use" ? { server: true } : {};
        emit({ type: "tool.called", toolUseId: block.id, name: block.name, input, ...server });
      }
      return false;
    }
    case "message_delta":
      s.stopReason = ev.delta.stop_reason ?? s.stopReason;
      takeUsage(s, ev.usage as unknown as Record<string, unknown>);
      return false;
    case "message_stop":
      return true;
    default:
      return false;
  }
}
