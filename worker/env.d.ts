// Secrets and optional settings that `wrangler types` can't see in wrangler.toml.
interface Env {
  /** When unset, the LLM client talks to the built-in simulator. */
  ANTHROPIC_API_KEY?: string;
  ANTHROPIC_BASE_URL?: string;
  /** Test and benchmark knobs; unset in production. */
  LLM_IDLE_TIMEOUT_MS?: string;
  LLM_RETRY_BASE_MS?: string;
  PBKDF2_ITERATIONS?: string;
  /** Multiplies every rate limit (≥ 1). For load tests against a private deployment. */
  RATE_LIMIT_MULTIPLIER?: string;
}
