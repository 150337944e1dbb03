// The model client an object's calls go through: made with the user's own Anthropic key when they
// have set one, else the operator's key, else the simulator (DESIGN §6; Settings → Anthropic key).
import type Anthropic from "@anthropic-ai/sdk";
import { userModelKey } from "../db/model-keys";
import { createLlmClient } from "../llm/client";

export class ModelClient {
  private llm: Anthropic | null = null;
  /** The user's key `llm` was made with (null: the operator's or the simulator). */
  private key: string | null = null;

  constructor(private readonly env: Env) {}

  /**
   * For one call: the user's key is looked up each time (one D1 read, next to a model call), so
   * setting or removing it applies from the next call; the client is remade only when it changed.
   */
  async forUser(userId: string): Promise<Anthropic> {
    const key = await userModelKey(this.env, userId);
    if (!this.llm || this.key !== key) {
      this.llm = createLlmClient(this.env, key);
      this.key = key;
    }
    return this.llm;
  }
}
