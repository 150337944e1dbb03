// Secrets and optional settings that `wrangler types` can't see in wrangler.toml.
interface Env {
  /** When unset, the LLM client talks to the built-in simulator. */
  ANTHROPIC_API_KEY?: string;
  ANTHROPIC_BASE_URL?: string;
  /** Test and benchmark knobs; unset in production. */
  LLM_IDLE_TIMEOUT_MS?: string;
  LLM_RETRY_BASE_MS?: string;
  /** How long streamed text may wait for the log (DESIGN §11; default LIVE_TEXT.flushMs). */
  LIVE_TEXT_FLUSH_MS?: string;
  /** …and how many characters of a block it may hold (default LIVE_TEXT.flushChars). */
  LIVE_TEXT_FLUSH_CHARS?: string;
  /** The window while every watcher renders delta frames, or none watches (LIVE_TEXT.renderedFlushMs). */
  LIVE_TEXT_RENDERED_FLUSH_MS?: string;
  /** …and the characters it may hold then (LIVE_TEXT.renderedFlushChars). */
  LIVE_TEXT_RENDERED_FLUSH_CHARS?: string;
  PBKDF2_ITERATIONS?: string;
  /** Multiplies every rate limit (≥ 1). For load tests against a private deployment. */
  RATE_LIMIT_MULTIPLIER?: string;
  /**
   * Connectors (DESIGN §10): the key their secrets are encrypted with at rest (32+ characters;
   * `wrangler secret put BATON_SECRET_KEY`). Without it, connectors that need secrets are refused.
   */
  BATON_SECRET_KEY?: string;
  /** "1" lets connectors reach private, loopback and link-local addresses: local development only. */
  ALLOW_PRIVATE_CONNECTORS?: string;
  /** Test knobs: how long a connector call, and connecting to one, may take. */
  MCP_CALL_TIMEOUT_MS?: string;
  MCP_CONNECT_TIMEOUT_MS?: string;
}
