// vitest globalSetup (worker project): starts the MCP fixture server in Node for the whole run and
// hands its base URL to the tests inside workerd through provide/inject (`MCP_FIXTURE`).
import type { TestProject } from "vitest/node";
import { startMcpFixture } from "./server";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fixture = await startMcpFixture();
  // Typed for the tests in test/connector-helpers.ts (ProvidedContext.MCP_FIXTURE).
  const provide = project.provide as (key: string, value: unknown) => void;
  provide("MCP_FIXTURE", fixture.url);
  provide("MCP_FIXTURE_PLAIN", fixture.plainUrl);
  return () => fixture.close();
}
