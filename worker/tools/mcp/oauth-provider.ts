// The MCP authorization flow's client side (OAuth 2.1 + PKCE, dynamic client registration), run by
// the official SDK's auth() against this provider, which keeps everything in the connector's D1 row,
// sealed (db/connectors.ts): the registration (with any client secret), the tokens, the PKCE
// verifier and the discovery results. The `state` of a sign-in is random, kept only as a SHA-256 with
// an expiry, and bound to the user and connector: the callback finds the flow by it, once.
import type { OAuthClientProvider, OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { randomBase64Url, sha256Hex } from "../../auth/crypto";
import {
  type ConnectorRow,
  type OAuthData,
  readOAuth,
  saveStatus,
  setOAuthState,
  writeOAuth,
} from "../../db/connectors";
import { MCP_CLIENT_LIMITS } from "../../limits";

/** Where the authorization server sends the browser back: GET /api/connectors/oauth/callback. */
export const callbackUrl = (origin: string): string => `${origin}/api/connectors/oauth/callback`;

export class ConnectorOAuth implements OAuthClientProvider {
  /** Set when the flow needs the user: the URL to open in the browser. */
  authorizeUrl: string | null = null;
  /** Set once the server answered 401 and the SDK began its authorization flow here. */
  attempted = false;
  private pendingState: string | null = null;

  private constructor(
    private readonly env: Env,
    private readonly row: ConnectorRow,
    private data: OAuthData,
  ) {}

  /**
   * The provider for a connector. `redirectUrl`: the callback at the origin the user reached Baton
   * at (API requests; objects pass none and use the one the sign-in was made with). `fresh` (a new
   * sign-in the user asked for): a registration made for another callback URL is dropped, so the
   * server registers this one.
   */
  static async load(
    env: Env,
    row: ConnectorRow,
    opts: { redirectUrl?: string; fresh?: boolean } = {},
  ): Promise<ConnectorOAuth> {
    let data = await readOAuth(env, row);
    if (opts.redirectUrl && data.redirectUrl !== opts.redirectUrl && (opts.fresh || !data.redirectUrl)) {
      data = { redirectUrl: opts.redirectUrl };
    }
    return new ConnectorOAuth(env, row, data);
  }

  get redirectUrl(): string | undefined {
    return this.data.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Baton",
      client_uri: this.data.redirectUrl ? new URL(this.data.redirectUrl).origin : undefined,
      redirect_uris: this.data.redirectUrl ? [this.data.redirectUrl] : [],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    };
  }

  state(): string {
    this.pendingState = randomBase64Url(32);
    return this.pendingState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.data.clientInformation;
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    await this.save({ ...this.data, clientInformation: info });
  }

  tokens(): OAuthTokens | undefined {
    return this.data.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    const { codeVerifier: _used, ...rest } = this.data;
    await this.save({ ...rest, tokens });
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizeUrl = url.href;
    const state = url.searchParams.get("state") ?? this.pendingState;
    if (state)
      await setOAuthState(this.env, this.row, await sha256Hex(state), MCP_CLIENT_LIMITS.oauthStateTtlMs);
    await saveStatus(this.env, this.row, "needs_auth", "Sign in to the server to use its tools.");
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    await this.save({ ...this.data, codeVerifier });
  }

  codeVerifier(): string {
    if (!this.data.codeVerifier) throw new Error("no sign-in is in progress for this connector");
    return this.data.codeVerifier;
  }

  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): Promise<void> {
    const d = { ...this.data };
    if (scope === "all") return this.save({ redirectUrl: d.redirectUrl });
    if (scope === "client") delete d.clientInformation;
    if (scope === "tokens") delete d.tokens;
    if (scope === "verifier") delete d.codeVerifier;
    if (scope === "discovery") delete d.discovery;
    await this.save(d);
  }

  saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    this.attempted = true;
    return this.save({ ...this.data, discovery: state as unknown as Record<string, unknown> });
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.data.discovery as OAuthDiscoveryState | undefined;
  }

  /** Whether a flow got anywhere: a client registration or tokens to keep. */
  hasCredentials(): boolean {
    return !!(this.data.clientInformation || this.data.tokens);
  }

  /** Forgets OAuth state that led nowhere (a 401 from a server that has no sign-in to offer). */
  async discard(): Promise<void> {
    if (!this.hasCredentials()) await writeOAuth(this.env, this.row, null);
  }

  /** Values that must never appear in a message: tokens and the client secret. */
  secrets(): string[] {
    const c = this.data.clientInformation as { client_secret?: string } | undefined;
    return [this.data.tokens?.access_token, this.data.tokens?.refresh_token, c?.client_secret].filter(
      (s): s is string => !!s,
    );
  }

  private async save(data: OAuthData): Promise<void> {
    this.data = data;
    await writeOAuth(this.env, this.row, data);
  }
}
