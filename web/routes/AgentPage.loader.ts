// One agent (routes/AgentPage.tsx): its record and its orchestrator's, fetched together. An unknown
// orchestrator shows the not-found view; an unknown agent is the page's to say (the orchestrator's
// stream may still know it as deleted).
import type { LoaderFunctionArgs } from "react-router";
import { markdownReady } from "../components/Markdown";
import { api } from "../lib/api";
import { isNotFound, settle } from "../lib/loaders";
import { loadOrchestrator } from "./OrchestratorPage.loader";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id = "", agentId = "" } = params;
  const [orchestrator, agent] = await Promise.all([
    loadOrchestrator(request, id),
    settle(request, () => api.getAgent(id, agentId)),
    markdownReady(), // its transcript draws as markdown from the first frame
  ]);
  return { orchestrator, agent: agent.data ?? null, agentMissing: isNotFound(agent.error) };
}
