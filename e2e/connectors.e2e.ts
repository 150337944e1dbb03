// End-to-end: connectors (DESIGN §10) through the UI, against the real MCP test server
// (test/mcp-fixture/, started here in this Node process on free ports). In Settings → Connectors: add
// the OAuth-protected server by URL, press Connect, pass the server's sign-in (it approves at once, as
// if "Allow" were clicked) and come back connected with its tools listed; add a second server behind a
// static X-Api-Key header. Enable the first on an orchestrator in its settings panel (its tools shown
// there by connector), send a scripted message whose call of mcp__fixture__record asks first, approve
// it from the chat card: the server counts exactly one call and the result shows in the chat. No page
// response, socket frame or console line ever carries an OAuth token or the header's secret.
// Screenshots in artifacts/ at 1440 and 390 px.
//   Part of `npm run e2e` (app.e2e.ts calls connectorsFlow); alone: `node e2e/connectors.e2e.ts`
//   (E2E_BUILD=0 to skip the build, E2E_URL to use a running app started with ALLOW_PRIVATE_CONNECTORS=1).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { tsImport } from "tsx/esm/api";
import type { McpFixture } from "../test/mcp-fixture/server.ts";
import { launchBrowser, type RunningApp, startApp } from "./server.ts";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const OUT = "artifacts";

type FixtureModule = typeof import("../test/mcp-fixture/server.ts");

export type Fixture = McpFixture & { apiKey: string };

/**
 * The MCP test server, in this process. Its module is TypeScript that Node's type stripping can't
 * run (parameter properties, extensionless imports), so tsx loads it.
 */
export async function startFixture(): Promise<Fixture> {
  const mod = (await tsImport("../test/mcp-fixture/server.ts", import.meta.url)) as FixtureModule;
  const fixture = await mod.startMcpFixture();
  return Object.assign(fixture, { apiKey: mod.FIXTURE_API_KEY });
}

/**
 * Connectors need the app to keep secrets (BATON_SECRET_KEY) and to reach 127.0.0.1
 * (ALLOW_PRIVATE_CONNECTORS=1). Wrangler reads them from `.dev.vars` next to the built config
 * (dist/baton/, copied there by the build from the `.dev.vars` that scripts/dev-vars.mjs makes on
 * `npm start`), not from the process environment; a prebuilt app (E2E_BUILD=0) must have them.
 */
export function checkConnectorVars(build: boolean): void {
  if (build) return;
  const path = "dist/baton/.dev.vars";
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const missing = ["BATON_SECRET_KEY", "ALLOW_PRIVATE_CONNECTORS"].filter(
    (k) => !new RegExp(`^\\s*${k}\\s*=`, "m").test(text),
  );
  if (missing.length) {
    throw new Error(
      `${path} lacks ${missing.join(", ")}: run \`npm start\` once (or \`node scripts/dev-vars.mjs && npm run build\`).`,
    );
  }
}

type Step = { log: (msg: string) => void; begin: (name: string) => void };

function assertThat(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

async function shot(page: Page, name: string) {
  mkdirSync(OUT, { recursive: true });
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${OUT}/${name}.png` });
}

/** Everything the app sends a page (responses, socket frames) and every console line, for the leak check. */
function record(context: BrowserContext, base: string): () => Promise<string[]> {
  const seen: Promise<string>[] = [];
  const watch = (page: Page) => {
    page.on("response", (r) => {
      if (!r.url().startsWith(base)) return;
      seen.push(
        (async () => {
          const headers = JSON.stringify(await r.allHeaders().catch(() => ({})));
          const body = r.status() >= 300 && r.status() < 400 ? "" : await r.text().catch(() => "");
          return `${r.url()} ${headers} ${body}`;
        })(),
      );
    });
    page.on("websocket", (ws) => {
      ws.on("framereceived", (f) => seen.push(Promise.resolve(String(f.payload))));
    });
    page.on("console", (m) => seen.push(Promise.resolve(`console: ${m.text()}`)));
  };
  for (const p of context.pages()) watch(p);
  context.on("page", watch);
  return () => Promise.all(seen);
}

const sim = (steps: unknown[], prose: string) => `${prose}\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;

/**
 * The flow, on a signed-in `context`/`page` of the app at `base`. Used by app.e2e.ts after its other
 * steps, and by this file's own run.
 */
export async function connectorsFlow(
  browser: Browser,
  context: BrowserContext,
  page: Page,
  base: string,
  fixture: Fixture,
  { log, begin }: Step,
): Promise<void> {
  const collected = record(context, base);

  begin("connectors: add the OAuth server by URL");
  await page.goto(`${base}/settings#connectors`);
  const section = page.getByRole("region", { name: "Connectors" });
  await section.waitFor();
  await section.getByRole("button", { name: "Add connector" }).click();
  const add = page.getByRole("dialog", { name: "Add a connector" });
  await add.getByLabel("Name").fill("fixture");
  await add.getByLabel("Server URL").fill(`${fixture.url}/oauth/mcp`);
  await add.getByRole("button", { name: "Add", exact: true }).click();
  const card = section.locator('.connector-card[data-connector="fixture"]');
  await section
    .locator('.connector-card[data-connector="fixture"][data-status="needs_auth"]')
    .waitFor({ timeout: 20_000 });
  assertThat(
    await card.evaluate((el) => el === document.activeElement),
    "the new connector did not take the focus",
  );
  log(`added: ${(await card.locator(".badge").first().textContent()) ?? ""}`);

  begin("connectors: a second server behind a static header");
  await section.getByRole("button", { name: "Add connector" }).click();
  await add.getByLabel("Name").fill("keyed");
  await add.getByLabel("Server URL").fill(`${fixture.plainUrl}/keyed/mcp`);
  await add.getByRole("button", { name: "Add header" }).click();
  await add.getByLabel("Header 1 name").fill("X-Api-Key");
  await add.getByLabel("Header 1 value").fill(fixture.apiKey);
  await shot(page, "desktop-connectors-add-dialog");
  await add.getByRole("button", { name: "Add", exact: true }).click();
  const keyed = section.locator('.connector-card[data-connector="keyed"]');
  await section
    .locator('.connector-card[data-connector="keyed"][data-status="ok"]')
    .waitFor({ timeout: 20_000 });
  await keyed.getByText("X-Api-Key").waitFor();
  await keyed.locator(".badge", { hasText: "set" }).waitFor();
  await shot(page, "desktop-connectors-added");

  begin("connectors: Connect → the server's sign-in → back, connected");
  await card.getByRole("button", { name: "Connect fixture" }).click();
  await page.waitForURL(/\/settings\?connector=[^&]+&oauth=connected#connectors$/, { timeout: 20_000 });
  const cid = new URL(page.url()).searchParams.get("connector")!;
  await section.getByRole("status").filter({ hasText: "Connected to fixture. 5 tools listed." }).waitFor();
  await section.locator('.connector-card[data-connector="fixture"][data-status="ok"]').waitFor();
  await page.waitForFunction((id) => document.activeElement?.id === `connector-${id}`, cid, {
    timeout: 5000,
  });
  assertThat(
    (await page.evaluate(() => document.scrollingElement?.scrollTop ?? 0)) === 0,
    "focusing the connector scrolled the whole frame (top bar included)",
  );
  const tools = await card.locator(".connector-tool-name").allTextContents();
  assertThat(
    JSON.stringify([...tools].sort()) === '["broken","fail","picture","record","slow"]',
    `tools listed: ${tools.join(", ")}`,
  );
  await card.locator('.connector-tool[data-tool="mcp__fixture__record"] summary').click();
  await shot(page, "desktop-connectors");
  log(`connected ${cid}; tools: ${tools.join(", ")}`);

  begin("connectors: enable it on an orchestrator");
  const created = await page.request.post(`${base}/api/orchestrators`, {
    data: { name: "Connectors", budgetUsd: 5 },
    headers: { origin: base },
  });
  assertThat(created.status() === 201, `create answered ${created.status()}`);
  const oid = ((await created.json()) as { id: string }).id;
  await page.goto(`${base}/o/${oid}`);
  await page.locator('[data-connection="live"]').waitFor();
  await page.locator(".room-header").getByRole("button", { name: "Settings" }).click();
  const panel = page.getByRole("dialog", { name: "Orchestrator settings" });
  await panel.getByRole("checkbox", { name: "fixture" }).check();
  await panel.getByRole("heading", { name: "Connectors" }).scrollIntoViewIfNeeded();
  await shot(page, "desktop-connectors-picker");
  const group = panel.locator('.policy-group[data-connector="fixture"]');
  await group.locator('.policy-row[data-tool="mcp__fixture__record"]').waitFor();
  await group.scrollIntoViewIfNeeded();
  await shot(page, "desktop-connectors-settings-panel");
  await panel.getByRole("button", { name: "Save" }).click();
  await panel.waitFor({ state: "hidden" });
  const saved = (await (await page.request.get(`${base}/api/orchestrators/${oid}`)).json()) as {
    connectors: string[];
  };
  assertThat(JSON.stringify(saved.connectors) === JSON.stringify([cid]), `saved ${saved.connectors}`);

  begin("connectors: the orchestrator calls mcp__fixture__record; approved from the chat card");
  const key = `e2e-${Date.now()}`;
  const composer = page.getByLabel("Message", { exact: true });
  await composer.fill(
    sim(
      [
        {
          text: "Recording it.",
          tools: [{ name: "mcp__fixture__record", input: { key, note: "from the browser" } }],
        },
        { text: "Recorded." },
      ],
      "Record a note.",
    ),
  );
  await composer.press("Enter");
  const chat = page.locator(".chat");
  const ask = chat.locator(".approval-card", { hasText: key });
  await ask.waitFor({ timeout: 30_000 });
  assertThat(
    ((await ask.locator(".approval-title").textContent()) ?? "").includes("record · fixture"),
    "the approval card does not name the tool and its connector",
  );
  const count = async () =>
    ((await (await fetch(`${fixture.url}/control/count?key=${key}`)).json()) as { count: number }).count;
  assertThat((await count()) === 0, "the call reached the server before it was approved");
  await shot(page, "desktop-connectors-approval");
  await ask.getByRole("button", { name: "Approve" }).click();
  const toolCard = chat.locator('.tool-card[data-tool="mcp__fixture__record"]');
  await chat.locator('.tool-card.tool-done[data-tool="mcp__fixture__record"]').waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => document.querySelector(".control-room")?.getAttribute("data-running") === "false",
    undefined,
    { timeout: 30_000 },
  );
  assertThat(
    (await toolCard.locator(".tool-name").textContent()) === "record · fixture",
    "the tool card does not read 'record · fixture'",
  );
  await toolCard.locator("summary").click();
  const result = `Recorded from the browser for ${key} (call 1).`;
  await toolCard.getByText(result).waitFor();
  assertThat((await count()) === 1, `the server counted ${await count()} calls`);
  await shot(page, "desktop-connectors-chat");
  log("approved once; the server counted 1; the result is in the chat");

  begin("connectors: phone screenshots");
  const phone = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await context.storageState(),
  });
  const collectedPhone = record(phone, base);
  const p = await phone.newPage();
  await p.goto(`${base}/settings?connector=${cid}&oauth=connected#connectors`);
  await p.locator(`#connector-${cid}`).waitFor();
  await p.waitForFunction((id) => document.activeElement?.id === `connector-${id}`, cid);
  await shot(p, "phone-connectors");
  await p.getByRole("button", { name: "Add connector" }).click();
  await p
    .getByRole("dialog", { name: "Add a connector" })
    .getByRole("button", { name: "Add header" })
    .click();
  await shot(p, "phone-connectors-add-dialog");
  await p.getByRole("button", { name: "Cancel" }).click();
  await p.goto(`${base}/o/${oid}`);
  await p.locator('[data-connection="live"]').waitFor();
  const phoneCard = p.locator('.chat .tool-card[data-tool="mcp__fixture__record"]');
  await phoneCard.locator("summary").click();
  await phoneCard.getByText(result).scrollIntoViewIfNeeded();
  await shot(p, "phone-connectors-chat");
  await p.locator(".room-header").getByRole("button", { name: "Settings" }).click();
  await p.locator('.policy-group[data-connector="fixture"]').scrollIntoViewIfNeeded();
  await shot(p, "phone-connectors-settings-panel");
  await phone.close();

  begin("connectors: no token or header secret reached a page");
  const issued = (await (await fetch(`${fixture.url}/control/issued`)).json()) as string[];
  assertThat(issued.length >= 2, `the server issued ${issued.length} credentials`);
  const secrets = [...issued, fixture.apiKey];
  const everything = [...(await collected()), ...(await collectedPhone())];
  // The recording holds what it should (API answers and the socket's events), or a clean result means nothing.
  assertThat(
    everything.some((t) => t.includes('"headerNames":["X-Api-Key"]')) &&
      everything.some((t) => t.includes(`Recorded from the browser for ${key}`)),
    "the recording missed the connector answers or the socket's events",
  );
  const leaks = everything.filter((text) => secrets.some((s) => text.includes(s)));
  assertThat(
    leaks.length === 0,
    `secrets in what the pages got:\n${leaks.map((l) => l.slice(0, 300)).join("\n")}`,
  );
  log(`${everything.length} responses, frames and console lines checked against ${secrets.length} secrets`);
}

// Alone: `node e2e/connectors.e2e.ts`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  let step = "start";
  const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
  const steps: Step = {
    log,
    begin: (name) => {
      step = name;
      log(`— ${name}`);
    },
  };
  const external = process.env.E2E_URL;
  const build = process.env.E2E_BUILD !== "0";
  let app: RunningApp | null = null;
  let fixture: Fixture | null = null;
  const browser = await launchBrowser();
  try {
    fixture = await startFixture();
    if (!external) checkConnectorVars(build);
    app = external ? null : await startApp({ build });
    const base = external ?? app!.url;
    log(`app at ${base}, MCP fixture at ${fixture.url} and ${fixture.plainUrl}`);
    const context = await browser.newContext({
      viewport: DESKTOP,
      extraHTTPHeaders: { "CF-Connecting-IP": `198.51.100.${1 + Math.floor(Math.random() * 254)}` },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if ((m.type() === "error" || m.type() === "warning") && !/^Failed to load resource/.test(m.text())) {
        errors.push(`${m.type()}: ${m.text()}`);
      }
    });
    steps.begin("sign up");
    await page.goto(`${base}/signup`);
    await page.getByLabel("Email").fill(`e2e-conn-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery staple");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Orchestrators", exact: true }).waitFor();
    await connectorsFlow(browser, context, page, base, fixture, steps);
    assertThat(errors.length === 0, `page errors or console noise:\n${errors.join("\n")}`);
    await context.close();
    log("connectors e2e ok");
  } catch (err) {
    console.error(`connectors e2e FAILED at step "${step}":`, err);
    if (app) console.error(`--- app log (tail) ---\n${app.log().slice(-4000)}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
    await app?.stop();
    await fixture?.close();
  }
}
