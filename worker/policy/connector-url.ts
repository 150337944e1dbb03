// Which URLs a connector may reach (DESIGN §10). Baton fetches them from its own network, so a URL
// must not point it at a private, loopback or link-local address (SSRF): refused unless the
// ALLOW_PRIVATE_CONNECTORS var is "1" (local development and tests; never set in production).
//
// What is checked, for the connector's URL and for every request Baton makes on its behalf (OAuth
// discovery and token endpoints the server names, each redirect hop):
// - the host as written: IPv4 and IPv6 literals (in every form the URL parser accepts: decimal,
//   hex, IPv4-mapped, NAT64, 6to4) in private, loopback, link-local, CGNAT, benchmark, multicast,
//   reserved or unspecified ranges; names `localhost`, `*.localhost`, `*.local`, `*.internal`,
//   `*.home.arpa`, and single-label names (intranet hosts);
// - the scheme: https, or http only for such private hosts when they are allowed;
// - no credentials in the URL (user:password@).
// Names are not resolved here (Workers have no resolver): a public name that resolves to a private
// address is not caught by this check. On Cloudflare's network a Worker's fetch can't reach your
// private networks anyway; the check matters for local and self-hosted runtimes.

export type ConnectorUrlEnv = { ALLOW_PRIVATE_CONNECTORS?: string };

export const privateAllowed = (env: ConnectorUrlEnv): boolean => env.ALLOW_PRIVATE_CONNECTORS === "1";

/** The problem with `raw` as a connector URL (a phrase for "url: …"), or its parsed form. */
export function checkConnectorUrl(raw: string, env: ConnectorUrlEnv): { url: URL } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: "must be an absolute URL, e.g. https://mcp.example.com/mcp" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { problem: "must be an https URL" };
  if (url.username || url.password) {
    return {
      problem: "must not hold credentials (user:password@): put them in headers, which are kept secret",
    };
  }
  if (url.hash) return { problem: "must not have a #fragment" };
  const problem = hostProblem(url, env);
  return problem ? { problem } : { url };
}

/** Why Baton must not fetch `url` (any request made for a connector), or null. */
export function hostProblem(url: URL, env: ConnectorUrlEnv): string | null {
  const priv = isPrivateHost(url.hostname);
  if (priv && !privateAllowed(env)) {
    return `points at a private, loopback or link-local address (${url.hostname}), which Baton does not reach`;
  }
  if (url.protocol === "http:" && !priv)
    return "must use https (plain http only for local servers in development)";
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an https URL";
  return null;
}

/** Whether a URL hostname (as `new URL().hostname` gives it) is private, loopback, link-local or local. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") && host.endsWith("]")) return isPrivateIpv6(host.slice(1, -1));
  const v4 = parseIpv4(host);
  if (v4) return isPrivateIpv4(v4);
  if (!host.includes(".")) return true; // localhost, intranet single labels
  return /(?:^|\.)(?:localhost|local|internal|home\.arpa|localdomain)$/.test(host);
}

/** Dotted-quad IPv4 (the URL parser has already normalised decimal, hex and octal forms). */
function parseIpv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function isPrivateIpv4([a, b, c]: number[]): boolean {
  if (a === undefined || b === undefined || c === undefined) return true;
  return (
    a === 0 || // "this network", 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) || // link-local (cloud metadata)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) || // TEST-NET-2
    (a === 203 && b === 0 && c === 113) || // TEST-NET-3
    a >= 224 // multicast, reserved, broadcast
  );
}

/** Eight 16-bit groups of an IPv6 literal (with an embedded dotted IPv4 tail), or null. */
function parseIpv6(text: string): number[] | null {
  let s = text.split("%")[0] ?? "";
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const v4 = parseIpv4(tail[1]!);
    if (!v4) return null;
    s = `${s.slice(0, -tail[1]!.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head, rest, extra] = s.split("::");
  if (extra !== undefined) return null;
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const h = groups(head);
  const r = groups(rest);
  const fill = rest === undefined ? 0 : 8 - h.length - r.length;
  if (fill < 0 || (rest === undefined && h.length !== 8)) return null;
  const all = [...h, ...Array<string>(fill).fill("0"), ...r];
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => Number.parseInt(g, 16));
}

function isPrivateIpv6(text: string): boolean {
  const g = parseIpv6(text);
  if (!g) return true; // unparseable: refuse rather than guess
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const v4 = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
  if (g.every((x) => x === 0)) return true; // ::
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0 && g7 === 1)
    return true; // ::1
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0))
    return isPrivateIpv4(v4(g6, g7)); // IPv4-mapped, IPv4-compatible
  if (g0 === 0x64 && g1 === 0xff9b) return isPrivateIpv4(v4(g6, g7)); // NAT64
  if (g0 === 0x2002) return isPrivateIpv4(v4(g1, g2)); // 6to4
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard-only
  return false;
}
