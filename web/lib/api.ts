// The one HTTP client of the web app: same-origin JSON with the session cookie, typed errors
// parsed from the API's `{"error":{code,message,details?}}` shape, and a helper per endpoint
// of DESIGN §3 typed with schema/api.ts.
import type { z } from "zod";
import {
  type ApiToken,
  createdTokenSchema,
  type EventsPage,
  eventsResponse,
  type FileInfo,
  fileInfoSchema,
  fileSchema,
  type Me,
  meResponse,
  type OrchestratorInfo,
  orchestratorSchema,
  type SendMessageResult,
  sendMessageResponse,
  tokenSchema,
  type UsageReport,
  usageResponse,
} from "../../schema/api";
import { type AgentSummary, agentSummarySchema } from "../../schema/events";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Per-field messages from a validation error's `details.issues`, keyed by field path. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) return out;
    for (const issue of issues) {
      if (issue && typeof issue === "object" && "field" in issue && "message" in issue) {
        const field = String(issue.field);
        out[field] ??= String(issue.message);
      }
    }
    return out;
  }
}

/** Status 0: the request never got an HTTP answer (offline, DNS, connection reset). */
export const isNetworkError = (e: unknown): boolean => e instanceof ApiError && e.status === 0;

type Unauthorized = () => void;
const unauthorizedListeners = new Set<Unauthorized>();
/** The app shell listens here to send the user to /login whenever a request answers 401. */
export function onUnauthorized(fn: Unauthorized): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  schema?: z.ZodType<T>,
  opts: { signal?: AbortSignal; quiet401?: boolean } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network_error", "Can't reach Baton. Check your connection and try again.");
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
      ?.error;
    const apiError = new ApiError(
      res.status,
      typeof err?.code === "string" ? err.code : `http_${res.status}`,
      typeof err?.message === "string" ? err.message : `The server answered ${res.status} ${res.statusText}.`,
      err?.details,
    );
    if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
    throw apiError;
  }
  if (!schema) return json as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // A shape mismatch is a bug between two of our own components; say where, don't crash.
    console.error(`unexpected response from ${method} ${path}`, parsed.error.issues);
    throw new ApiError(res.status, "bad_response", `Unexpected response from ${path}.`, parsed.error.issues);
  }
  return parsed.data;
}

const enc = encodeURIComponent;
/** Workspace paths keep their slashes: each segment is encoded on its own. */
export const encodePath = (path: string): string => path.split("/").map(enc).join("/");

export const orchestratorPath = (id: string) => `/api/orchestrators/${enc(id)}`;
export const agentPath = (id: string, agentId: string) => `${orchestratorPath(id)}/agents/${enc(agentId)}`;

type Ok = { ok?: boolean };

export const api = {
  // accounts
  signup: (email: string, password: string) =>
    request<Me | Ok>("POST", "/api/auth/signup", { email, password }, undefined, { quiet401: true }),
  login: (email: string, password: string) =>
    request<Me | Ok>("POST", "/api/auth/login", { email, password }, undefined, { quiet401: true }),
  logout: () => request<Ok>("POST", "/api/auth/logout"),
  me: () => request("GET", "/api/me", undefined, meResponse, { quiet401: true }),
  updateMe: (patch: { budgetUsd?: number | null; defaultModel?: string | null }) =>
    request<unknown>("PATCH", "/api/me", patch),

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
    },
  ) => request("PATCH", orchestratorPath(id), patch, orchestratorSchema),
  deleteOrchestrator: (id: string) => request<Ok>("DELETE", orchestratorPath(id)),

  sendMessage: (id: string, text: string, clientId?: string): Promise<SendMessageResult> =>
    request("POST", `${orchestratorPath(id)}/messages`, { text, clientId }, sendMessageResponse),
  interrupt: (id: string, agents?: boolean) =>
    request<Ok>("POST", `${orchestratorPath(id)}/interrupt`, agents ? { agents: true } : {}),
  events: (streamPath: string, after: number, limit = 1000, signal?: AbortSignal): Promise<EventsPage> =>
    request("GET", `${streamPath}/events?after=${after}&limit=${limit}`, undefined, eventsResponse, {
      signal,
    }),

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

  // workspace
  listFiles: async (id: string): Promise<FileInfo[]> => {
    const res = await request<{ files: unknown } | unknown[]>("GET", `${orchestratorPath(id)}/files`);
    return fileInfoSchema.array().parse(Array.isArray(res) ? res : res.files);
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
