// The streamed response, event for event as Anthropic sends it:
//
//   message_start → (content_block_start → [ping after the first] → content_block_delta… →
//   content_block_stop)… → message_delta (stop_reason, cumulative usage) → message_stop
//
// Text and thinking arrive a few words per delta (a cited text's citations_delta events first),
// tool and server tool input as several partial_json fragments, a server tool's result whole in
// its content_block_start; paced by tokens-per-second, the first after firstTokenMs. A stream
// fault cuts the same stream short after a few deltas: an `error` event, a plain end of body, or
// silence until the caller aborts.
import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { abortError, isAbort, sleep, untilAborted } from "./async";
import type { Outcome } from "./compose";
import { deltaUsage, emptyBlock } from "./message";
import type { InputUsage } from "./usage";
import { tokensOf } from "./usage";

export type Pace = { tokensPerSecond: number; firstTokenMs: number };
export type StreamFault = "stream_error" | "disconnect" | "stall";

type Event = RawMessageStreamEvent | { type: "ping" };
export type Step = { event: Event; delayMs: number; isDelta: boolean };

/** How many deltas a faulty stream delivers before it goes wrong. */
const DELTAS_BEFORE_FAULT = 3;
/** Delays shorter than this are carried over and slept together, so fast test paces don't spin timers. */
const MIN_SLEEP_MS = 2;
const WORDS_PER_CHUNK = 3;
const MAX_JSON_FRAGMENT = 40;

export function buildSteps(start: Message, outcome: Outcome, input: InputUsage, pace: Pace): Step[] {
  const msPerToken = pace.tokensPerSecond > 0 ? 1000 / pace.tokensPerSecond : 0;
  const delayFor = (text: string) => tokensOf(text) * msPerToken;
  const steps: Step[] = [{ event: { type: "message_start", message: start }, delayMs: 0, isDelta: false }];
  const push = (event: Event, delayMs = 0) => steps.push({ event, delayMs, isDelta: false });
  const pushDelta = (event: RawMessageStreamEvent, delayMs: number) =>
    steps.push({ event, delayMs, isDelta: true });

  outcome.blocks.forEach((block, index) => {
    push(
      { type: "content_block_start", index, content_block: emptyBlock(block) },
      index === 0 ? pace.firstTokenMs : 0,
    );
    if (index === 0) push({ type: "ping" });
    switch (block.type) {
      case "thinking":
        for (const thinking of wordChunks(block.thinking)) {
          pushDelta(
            { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } },
            delayFor(thinking),
          );
        }
        pushDelta(
          {
            type: "content_block_delta",
            index,
            delta: { type: "signature_delta", signature: block.signature },
          },
          0,
        );
        break;
      case "text":
        // Citations arrive as deltas ahead of the text they support.
        for (const citation of block.citations) {
          pushDelta({ type: "content_block_delta", index, delta: { type: "citations_delta", citation } }, 0);
        }
        for (const text of wordChunks(block.text)) {
          pushDelta(
            { type: "content_block_delta", index, delta: { type: "text_delta", text } },
            delayFor(text),
          );
        }
        break;
      case "server_result":
        // The result comes whole in content_block_start: no deltas.
        break;
      case "tool_use":
      case "server_tool_use":
        for (const partial_json of jsonFragments(block.json)) {
          pushDelta(
            { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } },
            delayFor(partial_json),
          );
        }
        break;
    }
    push({ type: "content_block_stop", index });
  });
  if (outcome.blocks.length === 0) push({ type: "ping" });

  push({
    type: "message_delta",
    delta: {
      stop_reason: outcome.stopReason,
      stop_sequence: outcome.stopSequence,
      stop_details: null,
      container: null,
    },
    usage: deltaUsage(input, outcome),
  });
  push({ type: "message_stop" });
  return steps;
}

/** Time the whole response takes at this pace; a non-streaming reply waits this long. */
export function totalDelayMs(steps: Step[]): number {
  return steps.reduce((sum, s) => sum + s.delayMs, 0);
}

export function sseBody(
  steps: Step[],
  fault: StreamFault | null,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  // Aborted by the caller's signal or by the reader cancelling the body, whichever comes first.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (signal.aborted) stop.abort();
  else signal.addEventListener("abort", onAbort, { once: true });

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (event: string, data: unknown) =>
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      const run = async () => {
        let owed = 0;
        let deltas = 0;
        for (const step of steps) {
          owed += step.delayMs;
          if (owed >= MIN_SLEEP_MS) {
            await sleep(owed, stop.signal);
            owed = 0;
          }
          if (stop.signal.aborted) throw abortError();
          const cut = step.isDelta ? deltas >= DELTAS_BEFORE_FAULT : step.event.type === "message_delta";
          if (fault && cut) break;
          write(step.event.type, step.event);
          if (step.isDelta) deltas++;
        }
        if (fault === "stream_error") {
          write("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
        } else if (fault === "stall") {
          await untilAborted(stop.signal);
        }
        controller.close();
      };
      run()
        .catch((error: unknown) => {
          // After a cancel the stream is already closed and error() throws; nothing is left to tell.
          try {
            controller.error(isAbort(error) ? abortError() : error);
          } catch {}
        })
        .finally(() => signal.removeEventListener("abort", onAbort));
    },
    cancel() {
      stop.abort();
    },
  });
}

/** Splits text into chunks of a few words; the chunks concatenate back to exactly `text`. */
export function wordChunks(text: string): string[] {
  if (text.length === 0) return [];
  const words = text.split(/(?<=\S)(?=\s)/);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_CHUNK) {
    chunks.push(words.slice(i, i + WORDS_PER_CHUNK).join(""));
  }
  return chunks;
}

/** Splits JSON into several fragments (at least two when it has two characters), as the API does. */
export function jsonFragments(json: string): string[] {
  const size = Math.max(1, Math.min(MAX_JSON_FRAGMENT, Math.ceil(json.length / 4)));
  const fragments: string[] = [];
  for (let i = 0; i < json.length; i += size) fragments.push(json.slice(i, i + size));
  return fragments;
}
