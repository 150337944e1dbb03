// Which connector URLs Baton refuses (DESIGN §10): private, loopback and link-local hosts, unless
// ALLOW_PRIVATE_CONNECTORS is "1"; https unless the host is private and allowed; no credentials.
import { describe, expect, it } from "vitest";
import { checkConnectorUrl, isPrivateHost } from "./connector-url";

const off = {};
const on = { ALLOW_PRIVATE_CONNECTORS: "1" };
const problem = (url: string, env: { ALLOW_PRIVATE_CONNECTORS?: string }) => {
  const r = checkConnectorUrl(url, env);
  return "problem" in r ? r.problem : null;
};

const PRIVATE = [
  "http://127.0.0.1:8080/mcp",
  "https://127.1/mcp", // the URL parser normalises short, decimal and hex forms
  "https://2130706433/mcp",
  "https://0x7f000001/mcp",
  "https://0.0.0.0/mcp",
  "https://10.1.2.3/mcp",
  "https://172.16.0.1/mcp",
  "https://172.31.255.255/mcp",
  "https://192.168.1.1/mcp",
  "https://169.254.169.254/latest/meta-data",
  "https://100.64.0.1/mcp",
  "https://224.0.0.1/mcp",
  "https://[::1]/mcp",
  "https://[::]/mcp",
  "https://[::ffff:127.0.0.1]/mcp",
  "https://[::ffff:a9fe:a9fe]/mcp",
  "https://[64:ff9b::a00:1]/mcp",
  "https://[2002:c0a8:101::]/mcp",
  "https://[fd00::1]/mcp",
  "https://[fe80::1]/mcp",
  "https://localhost/mcp",
  "https://LOCALHOST./mcp",
  "https://api.localhost/mcp",
  "https://printer.local/mcp",
  "https://db.internal/mcp",
  "https://router.home.arpa/mcp",
  "https://intranet/mcp",
];

const PUBLIC = [
  "https://mcp.example.com/mcp",
  "https://8.8.8.8/mcp",
  "https://172.32.0.1/mcp",
  "https://192.169.0.1/mcp",
  "https://[2606:4700::1111]/mcp",
  "https://[::ffff:8.8.8.8]/mcp",
  "https://localhost.example.com/mcp",
];

describe("connector URLs", () => {
  it.each(PRIVATE)("%s is private: refused without the flag, allowed with it", (url) => {
    expect(isPrivateHost(new URL(url).hostname)).toBe(true);
    expect(problem(url, off)).toMatch(/private, loopback or link-local address/);
    expect(problem(url, { ALLOW_PRIVATE_CONNECTORS: "0" })).toMatch(/private/);
    expect(problem(url, on)).toBeNull();
  });

  it.each(PUBLIC)("%s is public: allowed over https", (url) => {
    expect(isPrivateHost(new URL(url).hostname)).toBe(false);
    expect(problem(url, off)).toBeNull();
    expect(problem(url.replace("https:", "http:"), off)).toMatch(/must use https/);
    expect(problem(url.replace("https:", "http:"), on)).toMatch(/must use https/);
  });

  it("refuses credentials, fragments, other schemes and non-URLs", () => {
    expect(problem("https://u:p@mcp.example.com/mcp", off)).toMatch(/credentials/);
    expect(problem("https://mcp.example.com/mcp#x", off)).toMatch(/fragment/);
    expect(problem("ws://mcp.example.com/mcp", off)).toMatch(/https URL/);
    expect(problem("file:///etc/passwd", off)).toMatch(/https URL/);
    expect(problem("mcp.example.com/mcp", off)).toMatch(/absolute URL/);
  });
});
