// vitest globalSetup (worker project): starts the recording model endpoint (server.ts) in Node
// before the Workers runtime, and says where in BATON_TEST_MODEL_URL, which vitest.config.ts binds
// as ANTHROPIC_BASE_URL.
import { startModelEndpoint } from "./server";

export default async function setup(): Promise<() => Promise<void>> {
  const endpoint = await startModelEndpoint();
  process.env.BATON_TEST_MODEL_URL = endpoint.url;
  return endpoint.close;
}
