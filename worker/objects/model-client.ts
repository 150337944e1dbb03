// The model client an object's calls go through: made with the user's own Anthropic key when they
// have set one, else the operator's key, else the simulator (DESIGN §6; Settings → Anthropic key).
import type Anthropic from "@anthropic-ai/sdk";
import { openModelKey, userModelKey } from "../db/model-keys";
import { createLlmClient } from "../llm/client";

/** How long a key read ahead of a call (`prime`) stands in for the call's own read. */
export const PRIMED_MS = 2_000;

export class ModelClient {
  private llm: Anthropic | null = null;
  /** The user's key `llm` was made with (null: the operator's or the simulator). */
  private key: string | null = null;
  /** The sealed key as a read made just before the call saw it (one use). */
  private primed: { userId: string; sealed: string | null; at: number } | null = null;

  constructor(private readonly env: Env) {}

  /**
   * The sealed key as read in a batch with a run's other first reads (an orchestrator's templates):
   * the next call, if it follows within PRIMED_MS, uses it instead of a D1 read of its own.
   */
  prime(userId: string, sealed: string | null, at = Date.now()): void {
    this.primed = { userId, sealed, at };
  }

  /**
   * For one call: the user's key is looked up each time (one D1 read next to a model call, or the
   * read primed just before it), so setting or removing it applies from the next call; the client
   * is remade only when it changed.
   */
  async forUser(userId: string): Promise<Anthropic> {
    const primed = this.primed;
    this.primed = null;
    const key =
      primed && primed.userId === userId && Date.now() - primed.at <= PRIMED_MS
        ? await openModelKey(this.env, userId, primed.sealed)
        : await userModelKey(this.env, userId);
    if (!this.llm || this.key !== key) {
      this.llm = createLlmClient(this.env, key);
      this.key = key;
    }
    return this.llm;
  }
}
