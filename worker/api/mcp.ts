// Baton as an MCP server (DESIGN §10): POST /mcp speaks Streamable HTTP (the official SDK's
// web-standard transport, stateless: one server per request) to clients such as Claude Code,
// Claude Desktop or Cursor, authenticated by an API token as a bearer credential. Each tool is a
// thin adapter over the public HTTP API, called in-process with the caller's own credential, so
// ownership, validation and rate limits are exactly the HTTP API's.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import { z } from "zod";
import { sendMessageBody } from "../../schema/api";
import { approvalDecisionSchema, messageText } from "../../schema/events";
import { requireAuth } from "../auth/middleware";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { MCP_LIMITS } from "../limits";
import { type CallApi, waitForRun } from "./mcp-wait";

/** How a tool answers: the API's JSON, as text for the model and as structured content. */
type ToolResult = {
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

function answer(status: number, body: unknown): ToolResult {
  const text = JSON.stringify(body, null, 2);
  const ok = status < 400;
  return {
    content: [{ type: "text", text }],
    ...(ok && body && typeof body === "object" && !Array.isArray(body)
      ? { structuredContent: body as Record<string, unknown> }
      : {}),
    ...(ok ? {} : { isError: true }),
  };
}

const id = z.string().min(1).max(100);
const enc = encodeURIComponent;
const filePath = (p: string) => p.split("/").map(enc).join("/");

function buildServer(call: CallApi): McpServer {
  const server = new McpServer({ name: "baton", version: "1.0.0" });
  const get = async (path: string) => {
    const r = await call("GET", path);
    return answer(r.status, r.body);
  };
  const post = async (path: string, body: unknown) => {
    const r = await call("POST", path, body);
    return answer(r.status, r.body);
  };

  server.registerTool(
    "list_orchestrators",
    { description: "List your Baton orchestrators with their totals.", inputSchema: {} },
    () => get("/api/orchestrators"),
  );
  server.registerTool(
    "create_orchestrator",
    {
      description: "Create an orchestrator (a Claude agent that runs a team of agents for you).",
      inputSchema: { name: z.string().min(1).max(100), model: z.string().max(100).optional() },
    },
    (args) => post("/api/orchestrators", args),
  );
  server.registerTool(
    "send_message",
    {
      description:
        "Send an orchestrator a message. With wait (the default) it returns the run's final text, usage and cost " +
        "when the run ends, or the runId if it is still going after timeoutSec (then use get_run). " +
        "With a clientId, calling it again (a retry) sends nothing new: it follows the first message's run.",
      inputSchema: {
        orchestratorId: id,
        text: messageText,
        clientId: sendMessageBody.shape.clientId,
        wait: z.boolean().optional(),
        timeoutSec: z.number().int().min(1).max(MCP_LIMITS.maxWaitSec).optional(),
      },
    },
    async (args, extra) => {
      const sent = await call("POST", `/api/orchestrators/${enc(args.orchestratorId)}/messages`, {
        text: args.text,
        ...(args.clientId ? { clientId: args.clientId } : {}),
      });
      if (sent.status >= 400 || args.wait === false) return answer(sent.status, sent.body);
      const { messageId, runId } = sent.body as { messageId: string; runId: string | null };
      const progressToken = extra._meta?.progressToken;
      const result = await waitForRun(call, args.orchestratorId, messageId, runId, {
        timeoutMs: (args.timeoutSec ?? MCP_LIMITS.defaultWaitSec) * 1000,
        signal: extra.signal,
        progress:
          progressToken === undefined
            ? undefined
            : (progress, message) =>
                extra.sendNotification({
                  method: "notifications/progress",
                  params: { progressToken, progress, message },
                }),
      });
      return answer(200, result);
    },
  );
  server.registerTool(
    "get_run",
    {
      description: "What became of a run: status, final text, usage, cost and error.",
      inputSchema: { orchestratorId: id, runId: id },
    },
    (args) => get(`/api/orchestrators/${enc(args.orchestratorId)}/runs/${enc(args.runId)}`),
  );
  server.registerTool(
    "list_agents",
    {
      description: "An orchestrator's agents with status, task and cost.",
      inputSchema: { orchestratorId: id },
    },
    (args) => get(`/api/orchestrators/${enc(args.orchestratorId)}/agents`),
  );
  server.registerTool(
    "list_files",
    { description: "The files in an orchestrator's shared workspace.", inputSchema: { orchestratorId: id } },
    (args) => get(`/api/orchestrators/${enc(args.orchestratorId)}/files`),
  );
  server.registerTool(
    "read_file",
    {
      description: "Read a file from an orchestrator's workspace.",
      inputSchema: { orchestratorId: id, path: z.string().min(1).max(512) },
    },
    (args) => get(`/api/orchestrators/${enc(args.orchestratorId)}/files/${filePath(args.path)}`),
  );
  server.registerTool(
    "interrupt",
    {
      description: "Stop an orchestrator's turn; with agents:true also every agent (Stop all).",
      inputSchema: { orchestratorId: id, agents: z.boolean().optional() },
    },
    (args) =>
      post(`/api/orchestrators/${enc(args.orchestratorId)}/interrupt`, { agents: args.agents ?? false }),
  );
  server.registerTool(
    "list_approvals",
    {
      description: "Tool calls waiting for your approval: of one orchestrator, or of all of them.",
      inputSchema: { orchestratorId: id.optional() },
    },
    async (args) => {
      if (args.orchestratorId) return get(`/api/orchestrators/${enc(args.orchestratorId)}/approvals`);
      const list = await call("GET", "/api/orchestrators");
      if (list.status >= 400) return answer(list.status, list.body);
      const all = [];
      for (const o of (list.body as { orchestrators: { id: string; name: string }[] }).orchestrators) {
        const r = await call("GET", `/api/orchestrators/${enc(o.id)}/approvals`);
        if (r.status < 400) {
          for (const a of (r.body as { approvals: object[] }).approvals)
            all.push({ orchestratorId: o.id, ...a });
        }
      }
      return answer(200, { approvals: all });
    },
  );
  server.registerTool(
    "decide_approval",
    {
      description:
        "Approve or deny a waiting tool call (approved calls run once; denials reach the model with your note).",
      inputSchema: {
        orchestratorId: id,
        approvalId: id,
        decision: approvalDecisionSchema,
        note: z.string().max(2000).optional(),
      },
    },
    (args) =>
      post(`/api/orchestrators/${enc(args.orchestratorId)}/approvals/${enc(args.approvalId)}`, {
        decision: args.decision,
        ...(args.note ? { note: args.note } : {}),
      }),
  );
  return server;
}

/** The MCP endpoint; `api` runs a request through the app (the Worker's own routes). */
export function mcpRoutes(api: (req: Request, env: Env, ctx: ExecutionContext) => Promise<Response>) {
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      // Tokens only: a browser's cookie must not drive Baton from another site's MCP client.
      if (!c.req.header("Authorization")) {
        throw new ApiError(
          401,
          "unauthenticated",
          "Baton's MCP server takes an API token: send Authorization: Bearer bat_… (create one in Settings).",
        );
      }
      await next();
    })
    .use(requireAuth)
    .all("/", async (c) => {
      const auth = c.req.header("Authorization")!;
      const origin = new URL(c.req.url).origin;
      const call: CallApi = async (method, path, body) => {
        const res = await api(
          new Request(`${origin}${path}`, {
            method,
            headers: {
              Authorization: auth,
              ...(body === undefined ? {} : { "Content-Type": "application/json" }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
          c.env,
          c.executionCtx as ExecutionContext,
        );
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          // a raw file: keep the text
        }
        return { status: res.status, body: parsed };
      };
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      const server = buildServer(call);
      await server.connect(transport);
      return transport.handleRequest(c.req.raw);
    });
}
