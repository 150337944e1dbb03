// A real MCP server for the connector tests (DESIGN §10), built with the official SDK's McpServer
// and its server-side OAuth pieces, run in Node by vitest's globalSetup (global-setup.ts) on
// 127.0.0.1 and reached by the Worker under test over real HTTP. Also runnable on its own:
// `npx tsx test/mcp-fixture/server.ts [port]`.
//
// Endpoints:
//   /mcp          open MCP server (Streamable HTTP, stateless)
//   /oauth/mcp    the same, behind OAuth 2.1 bearer tokens from this server's own authorization
//                 server (mcpAuthRouter: metadata, dynamic client registration, /authorize that
//                 approves at once as if a person had clicked "Allow", /token with PKCE and refresh)
//   /control/*    what the tests read and steer: per-key call counts, token expiry, OAuth stats,
//                 every credential issued
// and on a second port, a server with no authorization server at all:
//   /mcp          open MCP server
//   /keyed/mcp    the same, behind a static `X-Api-Key` header (FIXTURE_API_KEY)
//
// Tools: `record {key, note?}` counts a side effect per key; `slow {key, ms}` counts, then takes
// `ms` to answer; `fail` answers with an error result; `picture` answers with text, an image, an
// embedded resource and a resource link; `broken` throws.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import type { OAuthServerProvider } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import { mcpAuthRouter } from "@modelcontextprotocol/sdk/server/auth/router.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import express, { type Request, type Response } from "express";
import { z } from "zod";

import { FIXTURE_API_KEY } from "./constants";

export { FIXTURE_API_KEY };

const PICTURE = Buffer.alloc(1536, 7).toString("base64");

type Stats = {
  registrations: number;
  codeExchanges: number;
  refreshes: number;
  /** Requests to a protected endpoint turned away (401). */
  unauthorized: number;
};

class FixtureOAuth implements OAuthServerProvider {
  private readonly clients = new Map<string, OAuthClientInformationFull>();
  private readonly codes = new Map<string, { clientId: string; challenge: string; resource?: URL }>();
  private readonly access = new Map<string, { clientId: string; expiresAt: number; resource?: URL }>();
  private readonly refresh = new Map<string, { clientId: string; resource?: URL }>();
  private readonly spent: string[] = [];

  constructor(private readonly stats: Stats) {}

  get clientsStore() {
    return {
      getClient: (id: string) => this.clients.get(id),
      registerClient: (client: Omit<OAuthClientInformationFull, "client_id" | "client_id_issued_at">) => {
        const full = { client_id: randomUUID(), ...client } as OAuthClientInformationFull;
        this.clients.set(full.client_id, full);
        this.stats.registrations++;
        return full;
      },
    };
  }

  /** Approves at once: the browser is sent straight back to the client with a code. */
  async authorize(
    client: OAuthClientInformationFull,
    params: { state?: string; codeChallenge: string; redirectUri: string; resource?: URL },
    res: Response,
  ): Promise<void> {
    const code = randomUUID();
    this.codes.set(code, {
      clientId: client.client_id,
      challenge: params.codeChallenge,
      ...(params.resource ? { resource: params.resource } : {}),
    });
    const to = new URL(params.redirectUri);
    to.searchParams.set("code", code);
    if (params.state !== undefined) to.searchParams.set("state", params.state);
    res.redirect(302, to.href);
  }

  async challengeForAuthorizationCode(_client: OAuthClientInformationFull, code: string): Promise<string> {
    const c = this.codes.get(code);
    if (!c) throw new Error("unknown code");
    return c.challenge;
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, code: string): Promise<OAuthTokens> {
    const c = this.codes.get(code);
    if (!c || c.clientId !== client.client_id) throw new Error("unknown code");
    this.codes.delete(code);
    this.stats.codeExchanges++;
    return this.issue(client.client_id, c.resource);
  }

  async exchangeRefreshToken(client: OAuthClientInformationFull, token: string): Promise<OAuthTokens> {
    const r = this.refresh.get(token);
    if (!r || r.clientId !== client.client_id) throw new Error("unknown refresh token");
    this.refresh.delete(token);
    this.spent.push(token);
    this.stats.refreshes++;
    return this.issue(client.client_id, r.resource);
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const t = this.access.get(token);
    if (!t || t.expiresAt < Date.now()) {
      this.stats.unauthorized++;
      const { InvalidTokenError } = await import("@modelcontextprotocol/sdk/server/auth/errors.js");
      throw new InvalidTokenError("expired or unknown token");
    }
    return {
      token,
      clientId: t.clientId,
      scopes: [],
      expiresAt: Math.floor(t.expiresAt / 1000),
      ...(t.resource ? { resource: t.resource } : {}),
    };
  }

  /** Every credential handed out, so tests can look for them where they must not be. */
  issued(): string[] {
    return [
      ...this.access.keys(),
      ...this.refresh.keys(),
      ...this.spent,
      ...[...this.clients.values()].map((c) => c.client_secret).filter((s): s is string => !!s),
    ];
  }

  /** Every access token stops working (as if it had expired); refresh tokens still work. */
  expireAll(): void {
    for (const t of this.access.values()) t.expiresAt = 0;
  }

  private issue(clientId: string, resource?: URL): OAuthTokens {
    const accessToken = `at-${randomUUID()}`;
    const refreshToken = `rt-${randomUUID()}`;
    this.access.set(accessToken, { clientId, expiresAt: Date.now() + 3_600_000, resource });
    this.refresh.set(refreshToken, { clientId, resource });
    return { access_token: accessToken, token_type: "bearer", expires_in: 3600, refresh_token: refreshToken };
  }
}

function mcpServer(counts: Map<string, number>): McpServer {
  const server = new McpServer({ name: "baton-fixture", version: "1.0.0" });
  const bump = (key: string) => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n;
  };
  server.registerTool(
    "record",
    {
      description: "Record a note (a side effect the fixture counts per key).",
      inputSchema: { key: z.string(), note: z.string().optional() },
    },
    async ({ key, note }) => {
      const n = bump(key);
      return { content: [{ type: "text", text: `Recorded ${note ?? "a note"} for ${key} (call ${n}).` }] };
    },
  );
  server.registerTool(
    "slow",
    {
      description: "Counts the call, then takes `ms` milliseconds to answer.",
      inputSchema: { key: z.string(), ms: z.number().int().min(0).max(120_000) },
    },
    async ({ key, ms }, extra) => {
      bump(key);
      // Ends early when the client goes away, and never keeps the test process alive.
      await new Promise<void>((ok) => {
        const timer = setTimeout(ok, ms);
        timer.unref();
        extra.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          ok();
        });
      });
      return { content: [{ type: "text", text: `Slow call for ${key} finished after ${ms} ms.` }] };
    },
  );
  server.registerTool(
    "fail",
    { description: "Always fails with an error result.", inputSchema: {} },
    async () => ({ isError: true, content: [{ type: "text", text: "The fixture failed on purpose." }] }),
  );
  server.registerTool(
    "broken",
    { description: "Throws (the SDK server answers with an error result).", inputSchema: {} },
    async () => {
      throw new McpError(ErrorCode.InternalError, "The fixture broke on purpose.");
    },
  );
  server.registerTool(
    "picture",
    { description: "Returns a picture with a caption, a document and a link.", inputSchema: {} },
    async () => ({
      content: [
        { type: "text", text: "Here is the picture." },
        { type: "image", data: PICTURE, mimeType: "image/png" },
        {
          type: "resource",
          resource: { uri: "file:///notes/readme.md", mimeType: "text/markdown", text: "# Notes\nHello." },
        },
        {
          type: "resource",
          resource: { uri: "file:///data.bin", mimeType: "application/octet-stream", blob: PICTURE },
        },
        { type: "resource_link", uri: "https://example.com/report.pdf", name: "report.pdf" },
      ],
    }),
  );
  return server;
}

export type McpFixture = {
  /** The server with its own OAuth authorization server: /mcp, /oauth/mcp, /control/*. */
  url: string;
  /** A second server with no authorization server at all: /mcp, /keyed/mcp. */
  plainUrl: string;
  close(): Promise<void>;
};

function listen(app: ReturnType<typeof express>, port: number): Promise<Server> {
  return new Promise((ok) => {
    const s = app.listen(port, "127.0.0.1", () => ok(s));
  });
}

const baseOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

export async function startMcpFixture(port = 0): Promise<McpFixture> {
  const app = express();
  const plain = express();
  const counts = new Map<string, number>();
  const stats: Stats = { registrations: 0, codeExchanges: 0, refreshes: 0, unauthorized: 0 };
  const oauth = new FixtureOAuth(stats);
  const server = await listen(app, port);
  const plainServer = await listen(plain, port ? port + 1 : 0);
  const base = baseOf(server);

  const serve = async (req: Request, res: Response) => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const mcp = mcpServer(counts);
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  };

  app.use(
    mcpAuthRouter({
      provider: oauth,
      issuerUrl: new URL(base),
      resourceServerUrl: new URL(`${base}/oauth/mcp`),
      authorizationOptions: { rateLimit: false },
      tokenOptions: { rateLimit: false },
      clientRegistrationOptions: { rateLimit: false },
      revocationOptions: { rateLimit: false },
    }),
  );
  app.all("/mcp", serve);
  app.all(
    "/oauth/mcp",
    requireBearerAuth({
      verifier: oauth,
      resourceMetadataUrl: `${base}/.well-known/oauth-protected-resource/oauth/mcp`,
    }),
    serve,
  );
  app.get("/control/count", (req, res) => {
    res.json({ count: counts.get(String(req.query.key)) ?? 0 });
  });
  app.get("/control/stats", (_req, res) => {
    res.json(stats);
  });
  app.get("/control/issued", (_req, res) => {
    res.json(oauth.issued());
  });
  app.post("/control/expire-tokens", (_req, res) => {
    oauth.expireAll();
    res.json({ ok: true });
  });

  plain.all("/mcp", serve);
  plain.all(
    "/keyed/mcp",
    (req, res, next) => {
      if (req.get("x-api-key") === FIXTURE_API_KEY) return next();
      stats.unauthorized++;
      res.status(401).json({ error: "missing or wrong X-Api-Key" });
    },
    serve,
  );

  const close = (s: Server) =>
    new Promise<void>((ok) => {
      s.closeAllConnections();
      s.close(() => ok());
    });
  return {
    url: base,
    plainUrl: baseOf(plainServer),
    close: async () => {
      await Promise.all([close(server), close(plainServer)]);
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fixture = await startMcpFixture(Number(process.argv[2] ?? 8790));
  console.log(`MCP fixture on ${fixture.url} (/mcp, /oauth/mcp) and ${fixture.plainUrl} (/mcp, /keyed/mcp)`);
}
