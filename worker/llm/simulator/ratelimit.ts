// The rate-limit headers the API sends with every Messages response (`anthropic-ratelimit-*`), and
// the retry headers of its errors. The simulator never limits anyone by itself (scripted
// `rate_limit` faults do that); it reports what one minute of traffic to this instance used
// against fixed, generous limits, so clients that read the headers (backoff, dashboards, the SDKs'
// retry logic) see the shape they will see in production.
//
//   anthropic-ratelimit-requests-{limit,remaining,reset}
//   anthropic-ratelimit-tokens-{limit,remaining,reset}          (the most restrictive of the two below)
//   anthropic-ratelimit-input-tokens-{limit,remaining,reset}
//   anthropic-ratelimit-output-tokens-{limit,remaining,reset}
//
// `reset` is an RFC 3339 time at which the limit is fully replenished. On a scripted 429 the
// requests limit reads as used up until the retry-after has passed.

const WINDOW_MS = 60_000;
export const LIMITS = { requests: 4_000, inputTokens: 2_000_000, outputTokens: 400_000 } as const;

type Entry = { at: number; input: number; output: number };

export class RateLimits {
  readonly #entries: Entry[] = [];
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Records a request that was answered, with the tokens it used. */
  record(input: number, output: number): void {
    this.#entries.push({ at: this.#now(), input, output });
  }

  /** The headers for a response now; `blockedFor` (seconds) marks requests used up that long. */
  headers(blockedFor: number | null = null): Record<string, string> {
    const now = this.#now();
    while (this.#entries.length > 0 && now - this.#entries[0]!.at >= WINDOW_MS) this.#entries.shift();
    const oldest = this.#entries[0]?.at;
    const resetAt = oldest === undefined ? now : oldest + WINDOW_MS;
    const used = this.#entries.reduce(
      (sum, e) => ({ requests: sum.requests + 1, input: sum.input + e.input, output: sum.output + e.output }),
      { requests: 0, input: 0, output: 0 },
    );
    const left = (limit: number, n: number) => Math.max(0, limit - n);
    const requestsLeft = blockedFor === null ? left(LIMITS.requests, used.requests) : 0;
    const requestsReset = blockedFor === null ? resetAt : Math.max(resetAt, now + blockedFor * 1000);
    const inputLeft = left(LIMITS.inputTokens, used.input);
    const outputLeft = left(LIMITS.outputTokens, used.output);
    const tokens =
      inputLeft / LIMITS.inputTokens <= outputLeft / LIMITS.outputTokens
        ? { limit: LIMITS.inputTokens, remaining: inputLeft }
        : { limit: LIMITS.outputTokens, remaining: outputLeft };
    const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
    return {
      "anthropic-ratelimit-requests-limit": String(LIMITS.requests),
      "anthropic-ratelimit-requests-remaining": String(requestsLeft),
      "anthropic-ratelimit-requests-reset": at(requestsReset),
      "anthropic-ratelimit-tokens-limit": String(tokens.limit),
      "anthropic-ratelimit-tokens-remaining": String(tokens.remaining),
      "anthropic-ratelimit-tokens-reset": at(resetAt),
      "anthropic-ratelimit-input-tokens-limit": String(LIMITS.inputTokens),
      "anthropic-ratelimit-input-tokens-remaining": String(inputLeft),
      "anthropic-ratelimit-input-tokens-reset": at(resetAt),
      "anthropic-ratelimit-output-tokens-limit": String(LIMITS.outputTokens),
      "anthropic-ratelimit-output-tokens-remaining": String(outputLeft),
      "anthropic-ratelimit-output-tokens-reset": at(resetAt),
    };
  }
}
