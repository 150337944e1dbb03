// GET /api/openapi.json: the API described as OpenAPI 3.1, generated from the route table and the
// zod schemas the routes validate with (bodies and queries as input, responses as output), so the
// document says what the code does. Built once per isolate.
import { Hono } from "hono";
import { z } from "zod";
import { SESSION_COOKIE } from "../auth/sessions";
import type { AppEnv } from "../http/context";
import {
  COMPONENTS,
  errorStatuses,
  INPUT_COMPONENTS,
  originChecked,
  pathParams,
  ROUTES,
  type RouteSpec,
} from "./routes";

export type JsonSchema = { [key: string]: unknown };
type Parameter = {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  deprecated?: boolean;
  description?: string;
  schema: JsonSchema;
};
type Operation = { [key: string]: unknown };
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
};

export const API_VERSION = "1.0.0";
const ref = (name: string) => `#/components/schemas/${name}`;

/** Drops the per-document keywords zod adds, which mean nothing inside an OpenAPI document. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

const inputSchema = (schema: z.ZodType): JsonSchema => bare(z.toJSONSchema(schema, { io: "input" }));

function componentSchemas(): { schemas: Record<string, JsonSchema>; names: Map<z.ZodType, string> } {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(COMPONENTS)) {
    registry.add(schema, { id });
    names.set(schema, id);
  }
  const out = z.toJSONSchema(registry, {
    io: "output",
    uri: ref,
    // Responses may gain fields (DESIGN §3: add, don't break), so clients must not reject extras.
    override: (ctx) => {
      delete ctx.jsonSchema.additionalProperties;
    },
  });
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(out.schemas)) schemas[id] = bare(schema);
  for (const [id, schema] of Object.entries(INPUT_COMPONENTS)) schemas[id] = inputSchema(schema);
  return { schemas, names };
}

const PARAM_TEXT = {
  orchestrator: "Orchestrator id (orc_…)",
  agent: "Agent id",
  token: "API token id",
  file: "Workspace file path, slashes included (e.g. notes/moons.md); percent-encode each segment",
  approval: "Approval id (apr_…), from approval.requested or GET …/approvals",
  run: "Run id (run_…), from a message's answer or run.started",
  message: "Message id (msg_…), from a message's answer",
  template: "Agent template id (tpl_…)",
  connector: "Connector id (con_…)",
} as const;

function parameters(r: RouteSpec): Parameter[] {
  const out: Parameter[] = pathParams(r.path).map((name) => {
    const kind = r.params?.[name];
    if (!kind) throw new Error(`${r.method} ${r.path}: parameter ${name} has no kind in the route table`);
    return { name, in: "path", required: true, description: PARAM_TEXT[kind], schema: { type: "string" } };
  });
  if (r.query) {
    const q = inputSchema(r.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const { description, ...rest } = schema;
      out.push({
        name,
        in: "query",
        required: q.required?.includes(name) ?? false,
        ...(typeof description === "string" ? { description } : {}),
        schema: rest,
      });
    }
  }
  if (r.kind === "sse" || r.kind === "websocket") {
    out.push({
      name: "ticket",
      in: "query",
      required: false,
      description:
        "A stream ticket (POST /api/stream-tickets), for clients that can't set headers (EventSource, browser WebSocket): single-use, 60 s.",
      schema: { type: "string", pattern: "^bst_" },
    });
    out.push({
      name: "access_token",
      in: "query",
      required: false,
      deprecated: true,
      description:
        "Discouraged, kept for compatibility: an API token in the URL ends up in request logs. Use `ticket`, or the Authorization header.",
      schema: { type: "string", pattern: "^bat_" },
    });
  }
  if (r.preconditions) {
    out.push({
      name: "If-Match",
      in: "header",
      required: false,
      description:
        'Apply only if the file is at this version: its ETag from a file answer, like `"3"`. Otherwise 412 version_conflict, with details.currentVersion',
      schema: { type: "string", pattern: '^"\\d+"$' },
    });
  }
  if (r.preconditions === "match-or-none") {
    out.push({
      name: "If-None-Match",
      in: "header",
      required: false,
      description: "`*`: apply only if there is no file at this path (create, never overwrite)",
      schema: { type: "string", enum: ["*"] },
    });
  }
  if (r.kind === "sse") {
    out.push({
      name: "Last-Event-ID",
      in: "header",
      required: false,
      description:
        "Resume after this seq (what EventSource sends on reconnect); wins over `after`, which only places the first connection",
      schema: { type: "integer", minimum: 0 },
    });
  }
  if (r.kind === "websocket") {
    out.push({
      name: "Origin",
      in: "header",
      required: true,
      description: "Must be the app's own origin (or one in ALLOWED_ORIGINS), bearer or not",
      schema: { type: "string" },
    });
  } else if (originChecked(r) && r.auth !== "none") {
    out.push({
      name: "Origin",
      in: "header",
      required: false,
      description: "Required when authenticating with the session cookie: the app's own origin",
      schema: { type: "string" },
    });
  }
  return out;
}

function security(r: RouteSpec): Record<string, string[]>[] {
  if (r.auth === "none") return [];
  if (r.auth === "session") return [{ session: [] }];
  const base: Record<string, string[]>[] = [{ session: [] }, { bearer: [] }];
  return r.kind === "sse" || r.kind === "websocket"
    ? [...base, { streamTicket: [] }, { accessToken: [] }]
    : base;
}

const SSE_TEXT =
  "Each event is `id: <seq>`, `event: <type>`, `data: <StreamEvent JSON>`; the stream opens with " +
  "`retry: 2000`, replays every event after Last-Event-ID (else `after`), then goes live, with a " +
  "`: keep-alive` comment every 20 s. It never ends by itself. Live, token text also arrives ahead " +
  "of the log as `event: delta` messages with no `id:` and a DeltaFrame as data (leave them out " +
  "with `deltas=0`; the logged text.delta events carry all the text either way).";

const WS_TEXT =
  'Send `{type:"resume",after:SEQ}` first: the server answers `ready` (a snapshot and lastSeq), ' +
  "replays events after SEQ in `events` batches, then sends each new event as `event`, and token " +
  "text ahead of the log as `delta` frames (DeltaFrame: unlogged, placed by offset; the logged " +
  "text.delta events repeat the same text). " +
  "`send` {text, clientId?} starts or queues a run (answered by `sent`), `interrupt` {agents?} " +
  "stops it, `ping` gets `pong`. A bad frame gets an `error` frame and the socket stays open. " +
  "Frames are JSON text under 200 KB.";

function operation(r: RouteSpec, names: Map<z.ZodType, string>): Operation {
  const named = (schema: z.ZodType): JsonSchema => {
    const name = names.get(schema);
    if (!name) throw new Error(`${r.method} ${r.path}: response schema is not in COMPONENTS`);
    return { $ref: ref(name) };
  };
  const ok: JsonSchema = { description: r.ok.description };
  if (r.kind === "sse" && r.ok.schema) {
    ok.content = { "text/event-stream": { schema: named(r.ok.schema) } };
    ok.description = `${r.ok.description}. ${SSE_TEXT}`;
  } else if (r.ok.schema || r.ok.jsonSchema) {
    const json = r.ok.schema ? named(r.ok.schema) : (r.ok.jsonSchema as JsonSchema);
    const raw = Object.fromEntries((r.ok.rawMedia ?? []).map((m) => [m, { schema: { type: "string" } }]));
    ok.content = { "application/json": { schema: json }, ...raw };
  }
  if (r.ok.status === 302) {
    ok.headers = { Location: { description: "where the browser goes next", schema: { type: "string" } } };
  }
  if (r.ok.etag) {
    ok.headers = {
      ETag: {
        description: 'the file\'s version, like `"3"`: send it as If-Match',
        schema: { type: "string" },
      },
    };
  }
  const responses: Record<string, JsonSchema> = { [String(r.ok.status)]: ok };
  for (const [status, text] of errorStatuses(r)) {
    responses[String(status)] = {
      description: text,
      content: { "application/json": { schema: { $ref: ref("Error") } } },
    };
  }
  const op: Operation = {
    operationId: r.operationId,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.tag],
    parameters: parameters(r),
    responses,
    security: security(r),
  };
  if (r.kind === "websocket") {
    op.description = WS_TEXT;
    op["x-websocket"] = {
      clientFrames: { $ref: ref("ClientFrame") },
      serverFrames: { $ref: ref("ServerFrame") },
    };
  }
  if (r.body?.type === "json") {
    op.requestBody = {
      required: !r.body.optional,
      content: { "application/json": { schema: inputSchema(r.body.schema), example: r.body.example } },
    };
  } else if (r.body?.type === "text") {
    op.requestBody = {
      required: true,
      content: {
        "text/plain": {
          schema: { type: "string", description: `UTF-8 text, at most ${r.body.maxBytes} bytes` },
          example: r.body.example,
        },
      },
    };
  }
  return op;
}

const TAGS = {
  System: "Liveness and this document",
  Accounts: "Sign-up, sessions and account settings",
  Tokens: "Personal API tokens for scripts",
  Usage: "Tokens and spend",
  Orchestrators: "Orchestrators: create, talk to, watch",
  Agents: "An orchestrator's agents: watch and control directly",
  Templates: "Reusable agent definitions that create_agent and New agent start from",
  Files: "The orchestrator's shared workspace",
  Connectors: "Remote MCP servers whose tools your orchestrators and agents can use",
} as const;

const DESCRIPTION = [
  "JSON in and out. Authenticate with the session cookie (the web app; cookie writes need a same-origin",
  "`Origin`) or `Authorization: Bearer bat_…` (scripts; create a token in Settings). Errors are always",
  '`{"error":{"code","message","details"?}}`; a 4xx message names the offending field.',
  "",
  "Streams: every orchestrator and agent has an append-only event log with a gapless `seq` from 1.",
  "Read it as pages (`/events`), Server-Sent Events (`/stream`) or a WebSocket (`/ws`). Every run",
  "ends in exactly one of `run.completed`, `run.failed`, `run.interrupted`. See the StreamEvent,",
  "ClientFrame and ServerFrame schemas.",
].join("\n");

export function buildOpenApi(routes: readonly RouteSpec[] = ROUTES): OpenApiDocument {
  const { schemas, names } = componentSchemas();
  const paths: OpenApiDocument["paths"] = {};
  for (const r of routes) {
    const item = paths[r.path] ?? {};
    item[r.method.toLowerCase()] = operation(r, names);
    paths[r.path] = item;
  }
  return {
    openapi: "3.1.0",
    // The project publishes no open-source licence; the API and this description are proprietary.
    info: {
      title: "Baton API",
      version: API_VERSION,
      description: DESCRIPTION,
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: "/" }],
    security: [{ session: [] }, { bearer: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "Set by sign-up and login. Writes with it need a same-origin Origin header.",
        },
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "bat_…",
          description: "A personal API token: `Authorization: Bearer bat_…`",
        },
        streamTicket: {
          type: "apiKey",
          in: "query",
          name: "ticket",
          description: "A single-use stream ticket in the URL; only on SSE and WebSocket requests",
        },
        accessToken: {
          type: "apiKey",
          in: "query",
          name: "access_token",
          description:
            "Discouraged: an API token in the URL, where request logs keep it; only on SSE and WebSocket requests",
        },
      },
    },
  };
}

let cached: string | null = null;

export const openapi = new Hono<AppEnv>().get("/", (c) => {
  cached ??= JSON.stringify(buildOpenApi());
  return c.body(cached, 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "public, max-age=300",
  });
});
