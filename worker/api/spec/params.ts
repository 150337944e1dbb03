// Path parameters and error texts shared by several resources' route tables.
import type { RouteSpec } from "./route-spec";

export const orch = { id: "orchestrator" } as const;
export const agent = { id: "orchestrator", agentId: "agent" } as const;
export const file = { id: "orchestrator", path: "file" } as const;

/** What can refuse a message send, orchestrator's or agent's (besides archived). */
export const SENDS = {
  budget_exceeded: "your account budget is used up",
  rate_limited: "too many messages per minute; see Retry-After",
} as const satisfies RouteSpec["errors"];
