import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The recording model endpoint (test/model-endpoint), where calls with a user's own key go. */
      ANTHROPIC_BASE_URL: string;
    }
  }
}
