// Smoke check: the app started the README's way renders in Chromium and its API answers.
import { mkdirSync } from "node:fs";
import { request } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { launchBrowser, startApp } from "./server.ts";

/** A WebSocket upgrade with a session cookie from a foreign Origin, answered as raw HTTP. */
function refusedUpgrade(base: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/orchestrators/x/ws`, {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        Origin: "https://evil.example",
        Cookie: "__Host-baton_session=x",
      },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("upgrade", () => reject(new Error("the foreign upgrade was accepted")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * The MCP endpoint answers a real MCP client through the same server the browser uses (static
 * assets in front of the Worker: a path they don't hand to the Worker answers 405 to a POST).
 */
async function mcpTools(base: string): Promise<string[]> {
  const json = { "Content-Type": "application/json", Origin: base };
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email: `smoke-${Date.now()}@example.com`, password: "smoke test password" }),
  });
  const cookie = signup.headers.get("set-cookie")?.split(";")[0];
  if (signup.status !== 201 || !cookie) throw new Error(`signup answered ${signup.status}`);
  const created = await fetch(`${base}/api/tokens`, {
    method: "POST",
    headers: { ...json, Cookie: cookie },
    body: JSON.stringify({ name: "smoke" }),
  });
  const { secret } = (await created.json()) as { secret: string };
  const client = new Client({ name: "baton-smoke", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${secret}` } },
    }),
  );
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

const app = await startApp({ build: process.env.SMOKE_BUILD !== "0" });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(app.url, { waitUntil: "networkidle" });
  const health = await page.evaluate(async () => (await fetch("/api/health")).json());
  if (health.ok !== true) throw new Error(`/api/health answered ${JSON.stringify(health)}`);
  // A refused upgrade reaches the client as the documented HTTP answer (npm start serves the built
  // Worker with wrangler dev, as production does; vite preview used to drop it as a hang-up).
  const refused = await refusedUpgrade(app.url);
  if (refused.status !== 403 || !refused.body.includes('"bad_origin"'))
    throw new Error(`a cookie upgrade from a foreign Origin answered ${refused.status} ${refused.body}`);
  const tools = await mcpTools(app.url);
  if (!tools.includes("send_message")) throw new Error(`/mcp listed ${tools.join(", ")}`);
  const title = await page.title();
  if (!title.includes("Baton")) throw new Error(`unexpected title ${title}`);
  mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/smoke-home.png" });
  if (errors.length) throw new Error(`page errors: ${errors.join("\n")}`);
  console.log(
    `smoke ok: ${app.url} title="${title}" health=${JSON.stringify(health)} foreign-upgrade=${refused.status} mcp-tools=${tools.length}`,
  );
} finally {
  await browser.close();
  await app.stop();
}
