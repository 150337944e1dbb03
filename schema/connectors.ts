// Connectors (DESIGN §10): remote MCP servers a user adds, whose tools their orchestrators can use
// as `mcp__<connector>__<tool>`. The API's bodies and answers, and the snapshot of a connector's
// tools that objects keep (never a secret). Shared by the Worker and the web app.
import { z } from "zod";

export const CONNECTOR_LIMITS = {
  nameChars: 24,
  urlChars: 2048,
  headers: 20,
  headerValueChars: 8192,
  /** Connectors per user, and enabled per orchestrator. */
  perUser: 25,
  perOrchestrator: 10,
  /** Tools kept per connector (the rest are left out, and the listing says so). */
  toolsPerConnector: 100,
  descriptionChars: 2000,
  /** A tool's input JSON Schema, as JSON text. */
  schemaChars: 10_000,
  /**
   * All enabled connectors' tools of one orchestrator, as JSON text (they live in its config and go
   * with every model call): past it, the largest input schemas are left out.
   */
  snapshotChars: 600_000,
} as const;

/**
 * A connector's name is part of its tools' names (`mcp__<name>__<tool>`), so it is a slug: lowercase
 * letters and digits in words joined by single `-` or `_`, starting with a letter (never `__`, which
 * separates the parts).
 */
export const CONNECTOR_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
export const connectorNameSchema = z
  .string()
  .max(CONNECTOR_LIMITS.nameChars)
  .regex(
    CONNECTOR_NAME,
    "must be a slug: lowercase letters and digits, words joined by single - or _, starting with a letter",
  );

/** Headers Baton sets itself, or that would break the transport: not settable. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "accept",
  "connection",
  "content-length",
  "content-type",
  "host",
  "keep-alive",
  "last-event-id",
  "mcp-protocol-version",
  "mcp-session-id",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const headerValue = z
  .string()
  .max(CONNECTOR_LIMITS.headerValueChars)
  .regex(/^[^\r\n\0]*$/, "must not contain line breaks");

/** Header name → value, sent with every request to the server (e.g. `Authorization`). Secret. */
export const connectorHeadersSchema = z.record(z.string(), headerValue).superRefine((headers, ctx) => {
  const names = Object.keys(headers);
  if (names.length > CONNECTOR_LIMITS.headers) {
    ctx.addIssue({ code: "custom", message: `at most ${CONNECTOR_LIMITS.headers} headers` });
  }
  for (const name of names) {
    if (!HEADER_NAME.test(name))
      ctx.addIssue({ code: "custom", path: [name], message: "is not an HTTP header name" });
    else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      ctx.addIssue({ code: "custom", path: [name], message: "is set by Baton itself" });
    }
  }
});

const url = z
  .string()
  .min(1, "must not be empty")
  .max(CONNECTOR_LIMITS.urlChars)
  .describe("The server's Streamable HTTP endpoint, e.g. https://mcp.example.com/mcp");

export const createConnectorBody = z.strictObject({
  name: connectorNameSchema,
  url,
  headers: connectorHeadersSchema.optional(),
});
export const updateConnectorBody = z.strictObject({
  name: connectorNameSchema.optional(),
  url: url.optional(),
  /** Replaces every header (their values can't be read back, so there is no partial edit); null clears. */
  headers: connectorHeadersSchema.nullable().optional(),
});

/** One of a connector's tools as the server lists it, with the name the model knows it by. */
export const connectorToolSchema = z.object({
  name: z.string().describe("`mcp__<connector>__<tool>`: the name in tool policies, events and the model"),
  tool: z.string().describe("the tool's own name on the server"),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()).describe("the server's JSON Schema for the input"),
});
export type ConnectorTool = z.infer<typeof connectorToolSchema>;

export const connectorStatusSchema = z.enum(["ok", "needs_auth", "error"]);
export type ConnectorStatus = z.infer<typeof connectorStatusSchema>;

/** What the API answers for a connector. Secrets never: only whether there are any. */
export const connectorSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string().describe("the endpoint; query parameter values are masked (they are stored as secrets)"),
  headerNames: z.array(z.string()).describe("names of the headers set (their values are secret)"),
  hasSecret: z.boolean().describe("whether Baton holds secrets for it: header values, a URL query, OAuth"),
  auth: z.enum(["none", "oauth"]).describe("oauth: the server uses the MCP authorization flow"),
  status: connectorStatusSchema.describe(
    "ok: tools listed · needs_auth: sign in at authorizeUrl (POST …/authorize for a fresh one) · error: see message",
  ),
  message: z.string().nullable(),
  authorizeUrl: z
    .string()
    .optional()
    .describe("with needs_auth, on the answer that started the sign-in: open it in the browser"),
  tools: z.array(connectorToolSchema),
  lastRefreshedAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ConnectorInfo = z.infer<typeof connectorSchema>;
export const connectorList = z.object({ connectors: z.array(connectorSchema) });

/** What an orchestrator (and its agents) keep of an enabled connector: its tools, no secrets. */
export type ConnectorSnapshot = { id: string; name: string; tools: ConnectorTool[] };

/** The model-facing name of a connector's tool: `mcp__<connector>__<tool>`. */
export const mcpToolName = (connector: string, tool: string): string => `mcp__${connector}__${tool}`;
