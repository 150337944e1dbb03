// A helper per endpoint of DESIGN §3, typed and checked with schema/api.ts (zod). The transport
// and error type live in lib/http.ts.

import {
  type AgentTemplate,
  type ApiToken,
  approvalList,
  createdTokenSchema,
  type EventsPage,
  eventsResponse,
  type FileInfo,
  type FilesPage,
  fileSchema,
  filesPageSchema,
  meResponse,
  messageStateSchema,
  type OrchestratorInfo,
  orchestratorSchema,
  resumeResponse,
  type SendMessageResult,
  sendMessageResponse,
  type ToolInfo,
  templateSchema,
  tokenSchema,
  toolCatalogue,
  type UsageReport,
  usageResponse,
} from "../../schema/api";
import {
  type AgentSummary,
  type ApprovalDecision,
  type ApprovalInfo,
  agentSummarySchema,
  approvalInfoSchema,
} from "../../schema/events";
import type { ToolPolicyInput } from "../../schema/settings";
import { encodePath, request } from "./http";
import { session } from "./session";

export { ApiError, encodePath, isNetworkError, onUnauthorized, request } from "./http";

const enc = encodeURIComponent;

export const orchestratorPath = (id: string) => `/api/orchestrators/${enc(id)}`;
export const agentPath = (id: string, agentId: string) => `${orchestratorPath(id)}/agents/${enc(agentId)}`;

type Ok = { ok?: boolean };

/** A template as the API takes it (POST /api/templates; PATCH takes any part, null clears). */
export type TemplateInput = {
  name: string;
  description?: string | null;
  instructions: string;
  model?: string | null;
  tools?: string[] | null;
};

/** POST …/agents: from scratch (instructions) or from a template; given fields override it. */
export type NewAgentInput = {
  name: string;
  template?: string;
  instructions?: string;
  model?: string;
  tools?: string[];
  clientId?: string;
};

export const api = {
  // accounts
  ...session,
  /** The strict (zod) check of /api/me, for pages that already load the schemas. */
  meStrict: () => request("GET", "/api/me", undefined, meResponse, { quiet401: true }),
  updateMe: (patch: { budgetUsd?: number | null; defaultModel?: string | null }) =>
    request<unknown>("PATCH", "/api/me", patch),
  /** Bring your own key: the answer is /api/me, which shows only the key's last 4 characters. */
  setAnthropicKey: (key: string) => request<unknown>("PUT", "/api/me/anthropic-key", { key }),
  deleteAnthropicKey: () => request<unknown>("DELETE", "/api/me/anthropic-key"),

  // tokens
  listTokens: async (): Promise<ApiToken[]> => {
    const res = await request<{ tokens: unknown } | unknown[]>("GET", "/api/tokens");
    return tokenSchema.array().parse(Array.isArray(res) ? res : res.tokens);
  },
  createToken: (name: string) => request("POST", "/api/tokens", { name }, createdTokenSchema),
  revokeToken: (id: string) => request<Ok>("DELETE", `/api/tokens/${enc(id)}`),

  // orchestrators
  listOrchestrators: async (): Promise<OrchestratorInfo[]> => {
    const res = await request<{ orchestrators: unknown } | unknown[]>("GET", "/api/orchestrators");
    return orchestratorSchema.array().parse(Array.isArray(res) ? res : res.orchestrators);
  },
  createOrchestrator: (body: {
    name: string;
    model?: string;
    systemPrompt?: string;
    budgetUsd?: number | null;
  }) => request("POST", "/api/orchestrators", body, orchestratorSchema),
  getOrchestrator: (id: string) => request("GET", orchestratorPath(id), undefined, orchestratorSchema),
  updateOrchestrator: (
    id: string,
    patch: {
      name?: string;
      model?: string;
      systemPrompt?: string | null;
      budgetUsd?: number | null;
      status?: "active" | "archived";
      toolPolicy?: ToolPolicyInput;
      thinking?: OrchestratorInfo["thinking"];
      approvalTimeoutSec?: number;
      /** The connectors (ids) it and its agents use; replaces the list. */
      connectors?: string[];
    },
  ) => request("PATCH", orchestratorPath(id), patch, orchestratorSchema),
  deleteOrchestrator: (id: string) => request<Ok>("DELETE", orchestratorPath(id)),

  sendMessage: (id: string, text: string, clientId?: string): Promise<SendMessageResult> =>
    request("POST", `${orchestratorPath(id)}/messages`, { text, clientId }, sendMessageResponse),
  /** Cancels a queued message (409 already_started once a run took it in). */
  cancelMessage: (id: string, messageId: string) =>
    request("DELETE", `${orchestratorPath(id)}/messages/${enc(messageId)}`, undefined, messageStateSchema),
  /** Edit-and-resend an earlier message. */
  editMessage: (id: string, messageId: string, text: string, clientId: string = crypto.randomUUID()) =>
    request(
      "POST",
      `${orchestratorPath(id)}/messages/${enc(messageId)}/edit`,
      { text, clientId },
      sendMessageResponse,
    ),
  /** Answer an earlier message again. */
  regenerate: (id: string, messageId: string, clientId: string = crypto.randomUUID()) =>
    request(
      "POST",
      `${orchestratorPath(id)}/messages/${enc(messageId)}/regenerate`,
      { clientId },
      sendMessageResponse,
    ),
  /** Run the latest run again after it failed or was stopped. */
  retryRun: (id: string, runId: string, clientId: string = crypto.randomUUID()) =>
    request("POST", `${orchestratorPath(id)}/runs/${enc(runId)}/retry`, { clientId }, sendMessageResponse),
  /** After a Stop: what waits (queued messages, reports) runs now. */
  resume: (id: string) => request("POST", `${orchestratorPath(id)}/resume`, undefined, resumeResponse),
  /** The conversation as a download (GET …/export). */
  exportUrl: (id: string, format: "md" | "json") => `${orchestratorPath(id)}/export?format=${format}`,
  interrupt: (id: string, agents?: boolean) =>
    request<Ok>("POST", `${orchestratorPath(id)}/interrupt`, agents ? { agents: true } : {}),
  events: (streamPath: string, after: number, limit = 1000, signal?: AbortSignal): Promise<EventsPage> =>
    request("GET", `${streamPath}/events?after=${after}&limit=${limit}`, undefined, eventsResponse, {
      signal,
    }),

  // tools and approvals (DESIGN §9)
  listTools: async (): Promise<ToolInfo[]> =>
    (await request("GET", "/api/tools", undefined, toolCatalogue)).tools,
  listApprovals: async (id: string): Promise<ApprovalInfo[]> =>
    (await request("GET", `${orchestratorPath(id)}/approvals`, undefined, approvalList)).approvals,
  decideApproval: (id: string, approvalId: string, decision: ApprovalDecision, note?: string) =>
    request(
      "POST",
      `${orchestratorPath(id)}/approvals/${enc(approvalId)}`,
      { decision, ...(note ? { note } : {}) },
      approvalInfoSchema,
    ),

  // agents
  listAgents: async (id: string): Promise<AgentSummary[]> => {
    const res = await request<{ agents: unknown } | unknown[]>("GET", `${orchestratorPath(id)}/agents`);
    return agentSummarySchema.array().parse(Array.isArray(res) ? res : res.agents);
  },
  getAgent: (id: string, agentId: string) =>
    request("GET", agentPath(id, agentId), undefined, agentSummarySchema),
  messageAgent: (id: string, agentId: string, text: string) =>
    request<unknown>("POST", `${agentPath(id, agentId)}/messages`, { text }),
  interruptAgent: (id: string, agentId: string) =>
    request<Ok>("POST", `${agentPath(id, agentId)}/interrupt`, {}),
  deleteAgent: (id: string, agentId: string) => request<Ok>("DELETE", agentPath(id, agentId)),
  createAgent: (id: string, body: NewAgentInput) =>
    request("POST", `${orchestratorPath(id)}/agents`, body, agentSummarySchema),

  // agent templates, and the tools an agent can be given
  listTemplates: async (): Promise<AgentTemplate[]> => {
    const res = await request<{ templates: unknown }>("GET", "/api/templates");
    return templateSchema.array().parse(res.templates);
  },
  createTemplate: (body: TemplateInput) => request("POST", "/api/templates", body, templateSchema),
  updateTemplate: (id: string, patch: Partial<TemplateInput>) =>
    request("PATCH", `/api/templates/${enc(id)}`, patch, templateSchema),
  deleteTemplate: (id: string) => request<Ok>("DELETE", `/api/templates/${enc(id)}`),

  // workspace
  /** Every file in the workspace: the listing comes in pages, followed here to the end. */
  listFiles: async (id: string): Promise<FileInfo[]> => {
    const out: FileInfo[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor === null ? "" : `?cursor=${enc(cursor)}`;
      const page: FilesPage = await request(
        "GET",
        `${orchestratorPath(id)}/files${q}`,
        undefined,
        filesPageSchema,
      );
      out.push(...page.files);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return out;
  },
  readFile: (id: string, path: string) =>
    request("GET", `${orchestratorPath(id)}/files/${encodePath(path)}`, undefined, fileSchema),
  /** The raw file text for download (served as an attachment). */
  fileDownloadUrl: (id: string, path: string) => `${orchestratorPath(id)}/files/${encodePath(path)}?raw=1`,
  deleteFile: (id: string, path: string) =>
    request<Ok>("DELETE", `${orchestratorPath(id)}/files/${encodePath(path)}`),

  // usage and docs
  usage: (q: {
    from?: string;
    to?: string;
    groupBy: "day" | "model" | "orchestrator";
  }): Promise<UsageReport> => {
    const params = new URLSearchParams({ groupBy: q.groupBy });
    if (q.from) params.set("from", q.from);
    if (q.to) params.set("to", q.to);
    return request("GET", `/api/usage?${params}`, undefined, usageResponse);
  },
  openapi: () => request<unknown>("GET", "/api/openapi.json"),
};
