// The simulated Messages endpoint: routing, validation, choosing the response (script or demo
// brain), injecting scripted faults, and answering as SSE or JSON. State that must outlive one
// request — the prompt cache and fault attempt counters — lives on the instance; keep one per
// isolate.
import { abortError, sleep, untilAborted } from "./async";
import { demoReply } from "./brain";
import { applyChoice } from "./choice";
import { compose } from "./compose";
import type { Reply } from "./conversation";
import { FaultLedger } from "./faults";
import { messageId, requestId } from "./ids";
import { finishedMessage, startedMessage } from "./message";
import { RateLimits } from "./ratelimit";
import type { SimRequest } from "./request";
import { validate } from "./rules";
import { exhaustedReply, type Fault, invalidScriptReply, scriptStep } from "./script";
import { undeclaredCall } from "./server-tools";
import { buildSteps, type Pace, sseBody, totalDelayMs } from "./sse";
import { countInputTokens, PromptCache } from "./usage";

export type SimulatorOptions = {
  tokensPerSecond: number;
  firstTokenMs: number;
  /** Clock for cache and fault-counter expiry; tests move it forward. Defaults to Date.now. */
  now?: () => number;
};

type ErrorType =
  | "invalid_request_error"
  | "not_found_error"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export class Simulator {
  readonly #pace: Pace;
  readonly #cache: PromptCache;
  readonly #faults: FaultLedger;
  readonly #limits: RateLimits;
  readonly #observers = new Set<(request: SimRequest) => void>();

  constructor(opts: SimulatorOptions) {
    const now = opts.now ?? Date.now;
    this.#pace = {
      tokensPerSecond: Number.isFinite(opts.tokensPerSecond) ? opts.tokensPerSecond : 0,
      firstTokenMs: Math.max(0, Number.isFinite(opts.firstTokenMs) ? opts.firstTokenMs : 0),
    };
    this.#cache = new PromptCache(now);
    this.#faults = new FaultLedger(now);
    this.#limits = new RateLimits(now);
  }

  /**
   * Calls `fn` with every valid Messages request from now on — what the app actually sent, for
   * tests to check. Returns the function that stops it.
   */
  observe(fn: (request: SimRequest) => void): () => void {
    this.#observers.add(fn);
    return () => this.#observers.delete(fn);
  }

  /** Handles POST /v1/messages (streaming and non-streaming). Anything else: Anthropic-style JSON error 404. */
  handle(request: Request): Promise<Response> {
    return this.serve(request, request.signal);
  }

  /**
   * `handle` with the abort signal passed explicitly. In-process callers hand over the fetch
   * caller's signal here, because not every runtime carries `init.signal` into `new Request`.
   * Like fetch, it rejects with an AbortError if the signal fires before the response is ready;
   * after that, aborting errors the response body.
   */
  async serve(request: Request, signal: AbortSignal): Promise<Response> {
    if (signal.aborted) throw abortError();
    const path = new URL(request.url).pathname;
    if (request.method === "POST" && path.endsWith("/v1/messages")) return this.#messages(request, signal);
    if (request.method === "POST" && path.endsWith("/v1/messages/count_tokens"))
      return this.#countTokens(request);
    return apiError(404, "not_found_error", `Not found: ${request.method} ${path}`);
  }

  async #messages(http: Request, signal: AbortSignal): Promise<Response> {
    const body = await readJson(http);
    if (!body.ok) return apiError(400, "invalid_request_error", body.message);
    const parsed = validate(body.value);
    if (!parsed.ok) return apiError(400, "invalid_request_error", parsed.message);
    const request = parsed.request;
    for (const fn of this.#observers) fn(structuredClone(parsed.sent));

    let reply: Reply;
    let fault: Fault | null = null;
    const script = scriptStep(request);
    if (script.kind === "step") {
      fault = this.#faults.attempt(script.key, script.faults);
      reply = script.reply ?? exhaustedReply(script.k);
    } else if (script.kind === "invalid") {
      reply = invalidScriptReply(script.error);
    } else {
      reply = demoReply(request);
    }
    // The model can only call tools the request declares; the API refuses the request.
    const undeclared = undeclaredCall(request, reply.tools);
    if (undeclared) return apiError(400, "invalid_request_error", undeclared);
    reply = applyChoice(reply, request);

    const retry = (f: Fault) => ({ "retry-after": String(f.retryAfter) });
    if (fault?.kind === "overloaded") {
      return apiError(529, "overloaded_error", "Overloaded", { ...this.#limits.headers(), ...retry(fault) });
    }
    if (fault?.kind === "server_error") {
      return apiError(500, "api_error", "Internal server error", this.#limits.headers());
    }
    if (fault?.kind === "rate_limit") {
      return apiError(
        429,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization. Please try again later.",
        { ...this.#limits.headers(fault.retryAfter), ...retry(fault) },
      );
    }

    const input = this.#cache.account(request);
    const outcome = compose(reply, request);
    this.#limits.record(input.input_tokens + input.cache_creation_input_tokens, outcome.outputTokens);
    const id = messageId();
    const steps = buildSteps(startedMessage(id, request.model, input), outcome, input, this.#pace);
    const streamFault =
      fault?.kind === "stream_error" || fault?.kind === "disconnect" || fault?.kind === "stall"
        ? fault.kind
        : null;

    if (request.stream === true) {
      return new Response(sseBody(steps, streamFault, signal), {
        status: 200,
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          "request-id": requestId(),
          ...this.#limits.headers(),
        },
      });
    }

    // Non-streaming: the real API sends nothing until the message is complete, so a stall never
    // answers and a mid-stream error can only surface as an HTTP error.
    if (streamFault === "stall") await untilAborted(signal);
    if (fault?.kind === "stream_error") {
      return apiError(529, "overloaded_error", "Overloaded", { ...this.#limits.headers(), ...retry(fault) });
    }
    await sleep(totalDelayMs(steps), signal);
    const json = JSON.stringify(finishedMessage(id, request.model, input, outcome));
    const headers = {
      "content-type": "application/json",
      "request-id": requestId(),
      ...this.#limits.headers(),
    };
    if (streamFault === "disconnect") return new Response(cutShort(json), { status: 200, headers });
    return new Response(json, { status: 200, headers });
  }

  async #countTokens(http: Request): Promise<Response> {
    const body = await readJson(http);
    if (!body.ok) return apiError(400, "invalid_request_error", body.message);
    const parsed = validate(body.value, { countTokens: true });
    if (!parsed.ok) return apiError(400, "invalid_request_error", parsed.message);
    return Response.json(
      { input_tokens: countInputTokens(parsed.request) },
      { headers: { "request-id": requestId() } },
    );
  }
}

/** A fetch function suitable for `new Anthropic({ fetch })`: requests never leave the isolate. */
export function simulatorFetch(sim: Simulator): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    return sim.serve(request, init?.signal ?? request.signal);
  };
}

/**
 * The API's error answer: `{type:"error", error:{type, message}, request_id}`, with `request-id`
 * and `x-should-retry` (true for 408, 409, 429 and 5xx, which the SDKs retry; false otherwise).
 */
export function apiError(
  status: number,
  type: ErrorType,
  message: string,
  extraHeaders: Record<string, string> = {},
): Response {
  const id = requestId();
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return Response.json(
    { type: "error", error: { type, message }, request_id: id },
    { status, headers: { "request-id": id, "x-should-retry": String(retryable), ...extraHeaders } },
  );
}

async function readJson(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const text = await request.text();
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { ok: false, message: "The request body must be a JSON object." };
    }
    return { ok: true, value };
  } catch {
    return {
      ok: false,
      message: "There was an error parsing the body of your request: it is not valid JSON.",
    };
  }
}

/** A body that stops partway, as when the connection drops. */
function cutShort(json: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(json.slice(0, Math.floor(json.length / 2)));
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
