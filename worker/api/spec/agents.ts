// Route table: an orchestrator's agents — watch and control them directly (DESIGN §3).
import {
  agentInterruptResponse,
  agentList,
  agentMessageBody,
  agentTaskResponse,
  createAgentBody,
  eventsQuery,
  eventsResponse,
  streamQuery,
} from "../../../schema/api";
import { agentSummarySchema, streamEventSchema } from "../../../schema/events";
import { TEAM_LIMITS } from "../../limits";
import { agent, orch, SENDS } from "./params";
import type { RouteSpec } from "./route-spec";

export const agentRoutes: RouteSpec[] = [
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents",
    operationId: "listAgents",
    summary: "The orchestrator's agents with status, tokens and cost",
    tag: "Agents",
    auth: "caller",
    params: orch,
    ok: { status: 200, description: "Agents", schema: agentList },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/agents",
    operationId: "createAgent",
    summary: "Create an agent yourself, from scratch or from one of your templates",
    description:
      "What the orchestrator's `create_agent` does, without asking it: `agent.created` follows on the " +
      "orchestrator's stream, and the orchestrator sees the agent in `list_agents`. Fields you give override " +
      "the template's; `tools` can only narrow the orchestrator's tool policy. Idempotent per `clientId`: a " +
      "retry with the same clientId returns the agent it created.",
    tag: "Agents",
    auth: "caller",
    params: orch,
    body: {
      type: "json",
      schema: createAgentBody,
      example: {
        name: "editor",
        template: "writer",
        instructions: "Edit drafts for clarity.",
        clientId: "cli-0003",
      },
    },
    ok: { status: 201, description: "Created", schema: agentSummarySchema },
    errors: {
      archived: "unarchive the orchestrator first",
      agent_exists: "the orchestrator already has an agent with that name",
      too_many_agents: `the orchestrator already has ${TEAM_LIMITS.maxAgents} agents; delete one first`,
    },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}",
    operationId: "getAgent",
    summary: "One agent",
    tag: "Agents",
    auth: "caller",
    params: agent,
    ok: { status: 200, description: "The agent", schema: agentSummarySchema },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/agents/{agentId}/messages",
    operationId: "messageAgent",
    summary: "Give an agent a task directly",
    description: "Idempotent per `clientId`: a retry with the same clientId doesn't queue a second task.",
    tag: "Agents",
    auth: "caller",
    params: agent,
    body: {
      type: "json",
      schema: agentMessageBody,
      example: { text: "Add a table of orbital periods.", clientId: "cli-0002" },
    },
    ok: { status: 202, description: "Accepted", schema: agentTaskResponse },
    errors: {
      ...SENDS,
      archived: "unarchive the orchestrator first",
      queue_full: `the agent already has ${TEAM_LIMITS.maxQueuedTasks} tasks waiting; let it finish some`,
    },
  },
  {
    method: "POST",
    path: "/api/orchestrators/{id}/agents/{agentId}/interrupt",
    operationId: "interruptAgent",
    summary: "Stop an agent's running task",
    tag: "Agents",
    auth: "caller",
    params: agent,
    ok: { status: 200, description: "Whether a task was stopped", schema: agentInterruptResponse },
  },
  {
    method: "DELETE",
    path: "/api/orchestrators/{id}/agents/{agentId}",
    operationId: "deleteAgent",
    summary: "Delete an agent",
    tag: "Agents",
    auth: "caller",
    params: agent,
    ok: { status: 204, description: "Deleted" },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}/events",
    operationId: "agentEvents",
    summary: "A page of the agent's own fine-grained event log",
    tag: "Agents",
    auth: "caller",
    params: agent,
    query: eventsQuery,
    ok: { status: 200, description: "Events with seq > after, oldest first", schema: eventsResponse },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}/stream",
    operationId: "agentStream",
    summary: "The agent's events as Server-Sent Events",
    tag: "Agents",
    auth: "caller",
    kind: "sse",
    params: agent,
    query: streamQuery,
    ok: { status: 200, description: "An endless event stream", schema: streamEventSchema },
  },
  {
    method: "GET",
    path: "/api/orchestrators/{id}/agents/{agentId}/ws",
    operationId: "agentSocket",
    summary: "The agent's stream over a WebSocket",
    tag: "Agents",
    auth: "caller",
    kind: "websocket",
    params: agent,
    ok: { status: 101, description: "Switching protocols" },
  },
];
