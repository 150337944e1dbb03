// The fetch every connector request goes through (the MCP transport's and the OAuth flow's): each
// URL, and each redirect hop, passes the same address check as the connector's own URL
// (policy/connector-url.ts), so a server can't steer Baton at a private address through its OAuth
// metadata or a redirect. Redirects are followed only within the origin, and the user's secret
// headers never go to another origin (the SDK adds them to its OAuth requests too).
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { MCP_CLIENT_LIMITS } from "../../limits";
import { type ConnectorUrlEnv, hostProblem } from "../../policy/connector-url";

/** A request Baton refused to make for a connector; its message names the address and why. */
export class ConnectorRefused extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function connectorFetch(env: ConnectorUrlEnv, home: URL, secretHeaders: readonly string[]): FetchLike {
  const secret = new Set(secretHeaders.map((h) => h.toLowerCase()));
  return async (input, init = {}) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let request: RequestInit = { ...init };
    for (let hop = 0; ; hop++) {
      const problem = hostProblem(url, env);
      if (problem) throw new ConnectorRefused(`Baton won't fetch ${url.origin}: it ${problem}.`);
      const headers = new Headers(request.headers);
      if (url.origin !== home.origin) for (const name of secret) headers.delete(name);
      const res = await fetch(url, { ...request, headers, redirect: "manual" });
      const location = res.headers.get("Location");
      if (
        init.redirect === "manual" ||
        init.redirect === "error" ||
        !REDIRECTS.has(res.status) ||
        !location
      ) {
        return res;
      }
      const next = new URL(location, url);
      // Another origin, or too many hops: handed back unfollowed (the SDK reports it as such).
      if (next.origin !== url.origin || hop >= MCP_CLIENT_LIMITS.maxRedirects) return res;
      await res.body?.cancel();
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method === "POST")) {
        const { body: _body, ...rest } = request;
        request = { ...rest, method: "GET" };
      }
      url = next;
    }
  };
}
