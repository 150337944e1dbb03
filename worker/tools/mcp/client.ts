// Baton as an MCP client (DESIGN §10): a session with a connector's server over Streamable HTTP,
// through the official SDK's Client and transport, with Baton's guarded fetch, the user's secret
// headers and (when the server wants it) the OAuth provider. Listing tools, calling one, turning a
// result into text for the model, and every failure into a sentence that names no secret.
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { CONNECTOR_LIMITS } from "../../../schema/connectors";
import {
  type ConnectorRow,
  type ConnectorSecrets,
  endpointOf,
  getConnector,
  readSecrets,
  type StoredTool,
  saveStatus,
} from "../../db/connectors";
import { redactSecrets } from "../../http/redact";
import { MCP_CLIENT_LIMITS } from "../../limits";
import { hostProblem } from "../../policy/connector-url";
import { ConnectorRefused, connectorFetch } from "./fetch";
import { ConnectorOAuth } from "./oauth-provider";

/** Results go to the model as they are: no output-schema validation (which would compile code). */
const noValidation: jsonSchemaValidator = {
  getValidator: () => (input: unknown) => ({ valid: true, data: input as never, errorMessage: undefined }),
};

const ms = (env: Env, name: "MCP_CALL_TIMEOUT_MS" | "MCP_CONNECT_TIMEOUT_MS", fallback: number) => {
  const n = Number(env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
export const callTimeoutMs = (env: Env) => ms(env, "MCP_CALL_TIMEOUT_MS", MCP_CLIENT_LIMITS.callTimeoutMs);
export const connectTimeoutMs = (env: Env) =>
  ms(env, "MCP_CONNECT_TIMEOUT_MS", MCP_CLIENT_LIMITS.connectTimeoutMs);

export type FailureKind = "refused" | "unreachable" | "timeout" | "interrupted" | "needs_auth" | "server";

/** A failure talking to a connector's server, with a message fit for a person or the model. */
export class McpFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

export type Session = {
  client: Client;
  provider: ConnectorOAuth | null;
  /** Values to scrub from any text that leaves: header values, the URL query, tokens. */
  secrets(): string[];
  close(): Promise<void>;
};

/** Secret values of a connector, for scrubbing text before it leaves (never empty strings). */
function secretValues(s: ConnectorSecrets): string[] {
  const query = new URLSearchParams(s.query);
  return [...Object.values(s.headers), s.query.replace(/^\?/, ""), ...query.values()].filter(
    (v) => v.length >= 4,
  );
}

/** `text` with every secret value and credential-looking string masked, and kept short. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("[redacted]");
  out = redactSecrets(out).replace(/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, "Bearer [redacted]");
  return out.length > 400 ? `${out.slice(0, 400)}…` : out;
}

/**
 * Opens a session (the MCP initialize handshake). With `provider`, a 401 runs the OAuth flow:
 * tokens are refreshed, or a sign-in is started (provider.authorizeUrl) and this throws needs_auth.
 */
export async function connect(
  env: Env,
  row: ConnectorRow,
  provider: ConnectorOAuth | null,
  signal: AbortSignal,
): Promise<Session> {
  let secrets: ConnectorSecrets;
  try {
    secrets = await readSecrets(env, row);
  } catch (err) {
    throw new McpFailure("refused", err instanceof Error ? err.message : "Its secrets can't be read.");
  }
  const endpoint = endpointOf(row, secrets);
  const problem = hostProblem(endpoint, env);
  if (problem) throw new McpFailure("refused", `Its URL ${problem}.`);
  const transport = new StreamableHTTPClientTransport(endpoint, {
    fetch: connectorFetch(env, endpoint, Object.keys(secrets.headers)),
    requestInit: { headers: secrets.headers },
    ...(provider ? { authProvider: provider } : {}),
  });
  const client = new Client(
    { name: "baton", title: "Baton", version: "1.0.0" },
    { capabilities: {}, jsonSchemaValidator: noValidation },
  );
  const session: Session = {
    client,
    provider,
    secrets: () => [...secretValues(secrets), ...(provider?.secrets() ?? [])],
    close: () => client.close().catch(() => undefined),
  };
  try {
    await client.connect(transport, { signal, timeout: connectTimeoutMs(env) });
  } catch (err) {
    await session.close();
    throw failure(err, session.secrets(), "connect", signal);
  }
  return session;
}

/** Every tool the server lists (pages followed, within limits), with the keys of their names. */
export async function listTools(
  session: Session,
  signal: AbortSignal,
  env: Env,
): Promise<{ tools: StoredTool[]; note: string | null }> {
  const listed: { name: string; title?: string; description?: string; inputSchema: unknown }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MCP_CLIENT_LIMITS.maxListPages; page++) {
    let r: Awaited<ReturnType<Client["listTools"]>>;
    try {
      r = await session.client.listTools(cursor ? { cursor } : {}, {
        signal,
        timeout: connectTimeoutMs(env),
      });
    } catch (err) {
      throw failure(err, session.secrets(), "connect", signal);
    }
    listed.push(...r.tools);
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  const kept = listed.slice(0, CONNECTOR_LIMITS.toolsPerConnector);
  const keys = toolKeys(kept.map((t) => t.name));
  const notes: string[] = [];
  if (listed.length > kept.length) {
    notes.push(`The server lists ${listed.length} tools; the first ${kept.length} are kept.`);
  }
  const tools = kept.map((t, i): StoredTool => {
    let inputSchema = (t.inputSchema ?? { type: "object" }) as Record<string, unknown>;
    if (JSON.stringify(inputSchema).length > CONNECTOR_LIMITS.schemaChars) {
      notes.push(`${t.name}'s input schema is too large; the model gets it without one.`);
      inputSchema = { type: "object" };
    }
    return {
      tool: t.name,
      key: keys[i]!,
      description: (t.description ?? t.title ?? "").slice(0, CONNECTOR_LIMITS.descriptionChars),
      inputSchema,
    };
  });
  return { tools, note: notes.length ? notes.join(" ") : null };
}

/** Anthropic tool names are [A-Za-z0-9_-]{1,64}; 33 characters stay for the tool after `mcp__<24>__`. */
const KEY_CHARS = 64 - "mcp__".length - CONNECTOR_LIMITS.nameChars - "__".length;

/** Model-safe, unique, stable name parts for a server's tool names. */
export function toolKeys(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let key = name.replace(/[^A-Za-z0-9_-]/g, "_") || "tool";
    if (key.length > KEY_CHARS || used.has(key)) key = `${key.slice(0, KEY_CHARS - 5)}_${hash4(name)}`;
    for (let n = 2; used.has(key); n++) key = `${key.slice(0, KEY_CHARS - 3)}_${n}`;
    used.add(key);
    return key;
  });
}

function hash4(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0").slice(0, 4);
}

/**
 * What went wrong, as a kind and a sentence with no secret in it. `phase`: "connect" failures
 * happen before any tool call is sent; "call" ones after it may have been.
 */
export function failure(
  err: unknown,
  secrets: readonly string[],
  phase: "connect" | "call",
  signal?: AbortSignal,
): McpFailure {
  if (err instanceof McpFailure) return err;
  const text = (m: string) => scrub(m, secrets);
  if (signal?.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    if (reason?.name === "TimeoutError")
      return new McpFailure("timeout", "The server did not answer in time.");
    return new McpFailure("interrupted", "The turn was interrupted.");
  }
  if (err instanceof ConnectorRefused) return new McpFailure("refused", text(err.message));
  if (err instanceof UnauthorizedError) {
    return new McpFailure("needs_auth", "The server needs you to sign in (Settings → Connectors).");
  }
  if (err instanceof StreamableHTTPError) {
    if (err.code === 401) {
      return new McpFailure(
        "needs_auth",
        "The server answered 401 Unauthorized: check the connector's headers, or sign in if it uses OAuth.",
      );
    }
    if (err.code === 403) return new McpFailure("server", "The server answered 403 Forbidden.");
    if (err.code === 404)
      return new McpFailure("server", "The server answered 404: is the URL its MCP endpoint?");
    return new McpFailure("server", text(`The server answered an error: ${err.message}`));
  }
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout)
      return new McpFailure("timeout", "The server did not answer in time.");
    if (err.code === ErrorCode.ConnectionClosed) {
      return new McpFailure(
        phase === "call" ? "unreachable" : "unreachable",
        "The connection to the server closed.",
      );
    }
    return new McpFailure("server", text(`The server answered with an error: ${err.message}`));
  }
  const e = err as { name?: string; message?: string } | null;
  if (e?.name === "TimeoutError") return new McpFailure("timeout", "The server did not answer in time.");
  if (e?.name === "AbortError") return new McpFailure("interrupted", "The request was cancelled.");
  if (err instanceof TypeError || /network|fetch|connect|socket|dns|ECONN/i.test(e?.message ?? "")) {
    return new McpFailure("unreachable", text(`The server can't be reached: ${e?.message ?? String(err)}`));
  }
  // The SDK's OAuth errors and anything else: its message, scrubbed.
  return new McpFailure("server", text(e?.message ?? String(err)));
}

/**
 * Connects and lists the tools, recording the outcome on the row: ok with the tools, needs_auth
 * with the URL to sign in at, or error with why. `redirectUrl`: where OAuth comes back to.
 */
export async function refreshConnector(
  env: Env,
  row: ConnectorRow,
  opts: { redirectUrl?: string; fresh?: boolean } = {},
): Promise<{ row: ConnectorRow; authorizeUrl?: string }> {
  const signal = AbortSignal.timeout(connectTimeoutMs(env));
  let provider: ConnectorOAuth | null = null;
  let session: Session | null = null;
  try {
    provider = row.oauth || opts.redirectUrl ? await ConnectorOAuth.load(env, row, opts) : null;
    session = await connect(env, row, provider, signal);
    const { tools, note } = await listTools(session, signal, env);
    return { row: await saveStatus(env, row, "ok", note, tools) };
  } catch (err) {
    const f = failure(err, session?.secrets() ?? provider?.secrets() ?? [], "connect", signal);
    if (f.kind === "needs_auth" && provider?.authorizeUrl) {
      return {
        row: await saveStatus(env, row, "needs_auth", "Sign in to the server to use its tools."),
        authorizeUrl: provider.authorizeUrl,
      };
    }
    await provider?.discard();
    const message =
      provider?.attempted && f.kind !== "needs_auth" && !provider.hasCredentials()
        ? `The server answered 401 Unauthorized and offers no sign-in Baton can use; if it takes an API key, set it in the connector's headers. (${f.message.replace(/\s+/g, " ").slice(0, 200)})`
        : f.message;
    return { row: await saveStatus(env, row, "error", message) };
  } finally {
    await session?.close();
  }
}

/** Completes a sign-in with the code the authorization server sent back, then lists the tools. */
export async function finishSignIn(
  env: Env,
  row: ConnectorRow,
  code: string,
): Promise<{ row: ConnectorRow; authorizeUrl?: string }> {
  const signal = AbortSignal.timeout(connectTimeoutMs(env));
  const provider = await ConnectorOAuth.load(env, row);
  let secrets: ConnectorSecrets;
  try {
    secrets = await readSecrets(env, row);
    const endpoint = endpointOf(row, secrets);
    const fetchFn = connectorFetch(env, endpoint, Object.keys(secrets.headers));
    const result = await auth(provider, {
      serverUrl: endpoint,
      authorizationCode: code,
      fetchFn: (url, init) => fetchFn(url, { ...init, signal }),
    });
    if (result !== "AUTHORIZED") throw new UnauthorizedError();
  } catch (err) {
    const f = failure(err, provider.secrets(), "connect", signal);
    return { row: await saveStatus(env, row, "needs_auth", `Sign-in failed: ${f.message}`) };
  }
  return refreshConnector(env, (await getConnector(env, row.userId, row.id)) ?? row);
}
