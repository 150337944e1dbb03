// End-to-end: the whole app the README's way (`npm start`), driven in headless Chromium.
// Sign up, create an orchestrator, let the simulator's demo brain build a two-agent team, watch the
// agents run to completion, open a file they wrote, reload mid-stream and go offline/online without
// losing or doubling an event, stop a run, set a tool to ask in the settings panel and approve/deny
// its calls from the chat, add and sign in to a connector (the MCP test server, started here) and
// approve its tool's call (connectors.e2e.ts), and screenshot every page at desktop and phone sizes.
//   node e2e/app.e2e.ts            (E2E_BUILD=0 to skip the build, E2E_URL to use a running app)
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { checkConnectorVars, connectorsFlow, type Fixture, startFixture } from "./connectors.e2e.ts";
import { launchBrowser, type RunningApp, startApp } from "./server.ts";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const OUT = "artifacts";
mkdirSync(OUT, { recursive: true });

let step = "start";
const t0 = Date.now();
function log(msg: string) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}
function begin(name: string) {
  step = name;
  log(`— ${name}`);
}
function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed in "${step}": ${msg}`);
}

async function shot(page: Page, name: string) {
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${OUT}/${name}.png` });
}

type StreamCounts = { events: number; contiguous: number; maxSeq: number; running: boolean };
async function counts(page: Page): Promise<StreamCounts> {
  return page.$eval(".control-room", (el) => ({
    events: Number(el.getAttribute("data-events")),
    contiguous: Number(el.getAttribute("data-contiguous")),
    maxSeq: Number(el.getAttribute("data-max-seq")),
    running: el.getAttribute("data-running") === "true",
  }));
}

/** The server's view of the stream: every event, paged. */
async function serverEvents(page: Page, id: string): Promise<{ seq: number; type: string }[]> {
  return page.evaluate(async (oid) => {
    const all: { seq: number; type: string }[] = [];
    let after = 0;
    for (;;) {
      const r = await fetch(`/api/orchestrators/${oid}/events?after=${after}&limit=1000`);
      const j = (await r.json()) as { events: { seq: number; type: string }[]; hasMore: boolean };
      all.push(...j.events.map((e) => ({ seq: e.seq, type: e.type })));
      if (!j.hasMore || j.events.length === 0) break;
      after = j.events[j.events.length - 1]!.seq;
    }
    return all;
  }, id);
}

/** The client holds exactly the server's events: same count, contiguous, nothing doubled. */
async function expectInSync(page: Page, id: string, label: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const server = await serverEvents(page, id);
    const last = server.length ? server[server.length - 1]!.seq : 0;
    const c = await counts(page);
    const ok = c.events === server.length && c.contiguous === last && server.every((e, i) => e.seq === i + 1);
    if (ok) {
      log(`${label}: client holds ${c.events} events = server ${server.length}, contiguous to ${last}`);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${label}: client ${JSON.stringify(c)} vs server ${server.length} events (last ${last})`,
      );
    }
    await page.waitForTimeout(250);
  }
}

async function waitForIdle(page: Page, timeout = 90_000) {
  await page.waitForFunction(
    () => document.querySelector(".control-room")?.getAttribute("data-running") === "false",
    undefined,
    {
      timeout,
    },
  );
}

/**
 * Records every WebSocket's life (open, frame types, close codes) and the window's online/offline
 * events into a ring the failure report prints, so a connection problem explains itself.
 */
function traceSockets() {
  const trace: string[] = [];
  const t0 = performance.now();
  const note = (m: string) => {
    trace.push(`${((performance.now() - t0) / 1000).toFixed(2)}s ${m}`);
    if (trace.length > 300) trace.shift();
  };
  (window as unknown as { __wsTrace: string[] }).__wsTrace = trace;
  const Native = window.WebSocket;
  let n = 0;
  class Traced extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const id = ++n;
      note(`ws${id} new (navigator.onLine=${navigator.onLine})`);
      this.addEventListener("open", () => note(`ws${id} open`));
      this.addEventListener("message", (e) => note(`ws${id} <- ${String(e.data).slice(0, 40)}`));
      this.addEventListener("close", (e) => note(`ws${id} closed ${e.code} ${e.reason}`));
      this.addEventListener("error", () => note(`ws${id} error`));
    }
    override send(data: Parameters<WebSocket["send"]>[0]): void {
      note(`-> ${String(data).slice(0, 40)} (readyState ${this.readyState})`);
      super.send(data);
    }
  }
  window.WebSocket = Traced;
  window.addEventListener("online", () => note("window online"));
  window.addEventListener("offline", () => note("window offline"));
}

/**
 * What the browser itself logs for failed requests (a 401 while signed out, anything while offline)
 * is expected; anything else the app or react-router writes to the console as an error or warning
 * (e.g. "No `HydrateFallback` element provided") fails the run.
 */
const EXPECTED_CONSOLE = [
  /^Failed to load resource/,
  /^WebSocket connection to .* failed/,
  /net::ERR_INTERNET_DISCONNECTED/,
];
function watchConsole(page: Page, into: string[]) {
  page.on("console", (m) => {
    if (m.type() !== "error" && m.type() !== "warning") return;
    if (EXPECTED_CONSOLE.some((re) => re.test(m.text()))) return;
    into.push(`${m.type()} on ${page.url()}: ${m.text()}`);
  });
}

/** The main page, whose socket trace a failure prints. */
const traced: { page: Page | null } = { page: null };

async function run(app: { url: string }, browser: Browser, fixture: Fixture) {
  const context: BrowserContext = await browser.newContext({
    viewport: DESKTOP,
    // Local runs repeat within the per-IP signup limit's window (state persists in .wrangler/):
    // present each run as its own client address, which is what the limit keys on.
    extraHTTPHeaders: { "CF-Connecting-IP": `198.51.100.${1 + Math.floor(Math.random() * 254)}` },
  });
  await context.addInitScript(traceSockets);
  const page = await context.newPage();
  traced.page = page;
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const noise: string[] = [];
  watchConsole(page, noise);
  const base = app.url;

  begin("signed-out pages");
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login/);
  await page.getByRole("heading", { name: "Sign in to Baton" }).waitFor();
  await shot(page, "desktop-login");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByRole("heading", { name: "Create your account" }).waitFor();

  begin("sign up");
  const email = `e2e-${Date.now()}@example.com`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await shot(page, "desktop-signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("alert").waitFor();
  log(`short password refused: ${await page.getByRole("alert").first().textContent()}`);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Orchestrators", exact: true }).waitFor();
  await page.getByText("Simulated model — not Claude").first().waitFor();
  await shot(page, "desktop-orchestrators-empty");

  begin("create an orchestrator");
  await page.getByRole("button", { name: "New orchestrator" }).first().click();
  await page.getByLabel("Name").fill("Launch research");
  await page.getByLabel("Budget (USD)").fill("5");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForURL(/\/o\/[^/]+$/);
  const id = new URL(page.url()).pathname.split("/")[2]!;
  await page.locator('[data-connection="live"]').waitFor();
  await page.locator('.room-header [data-simulated="true"]').waitFor();
  log(`orchestrator ${id} live`);
  await shot(page, "desktop-orchestrator-empty");

  begin("demo brain builds a team");
  const composer = page.getByLabel("Message", { exact: true });
  await composer.fill(
    "Create a researcher and a writer and have each write a short note about Durable Objects.",
  );
  await composer.press("Enter");
  await page.locator(".msg-user-bubble", { hasText: "Durable Objects" }).first().waitFor();
  // Watch each agent's status through the run.
  await page.waitForFunction(() => document.querySelectorAll(".agent-card").length >= 2, undefined, {
    timeout: 60_000,
  });
  const seen: Record<string, Set<string>> = {};
  let reloaded = false;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const cards = await page.$$eval(".agent-card", (els) =>
      els.map((e) => ({
        name: e.getAttribute("data-agent") ?? "",
        status: e.getAttribute("data-status") ?? "",
      })),
    );
    for (const c of cards) {
      seen[c.name] ??= new Set();
      seen[c.name]!.add(c.status);
    }
    if (!reloaded && cards.some((c) => c.status === "executing")) {
      await shot(page, "desktop-orchestrator-executing");
      begin("reload mid-stream");
      await page.reload();
      await page.locator('[data-connection="live"]').waitFor();
      reloaded = true;
      begin("agents run to completion");
      continue;
    }
    if (cards.length >= 2 && cards.every((c) => c.status === "complete")) break;
    if (Date.now() > deadline) throw new Error(`agents did not complete: ${JSON.stringify(cards)}`);
    await page.waitForTimeout(100);
  }
  log(
    `statuses seen: ${JSON.stringify(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v]])))}`,
  );
  assert(reloaded, "never saw an agent executing (so never reloaded mid-stream)");
  assert(
    Object.values(seen).some((s) => s.has("executing")),
    "no agent was ever seen executing",
  );
  await waitForIdle(page);
  await expectInSync(page, id, "after reload");
  const userBubbles = await page.locator(".msg-user-bubble", { hasText: "Durable Objects" }).count();
  assert(userBubbles === 1, `the user message shows ${userBubbles} times`);
  await shot(page, "desktop-orchestrator-complete");

  begin("files appear");
  await page.waitForFunction(() => {
    const link = [...document.querySelectorAll(".room-header a")].find((a) =>
      a.textContent?.includes("Files"),
    );
    return Number(link?.querySelector(".count")?.textContent ?? 0) >= 2;
  });
  await page.getByRole("link", { name: /Files/ }).click();
  await page.waitForURL(/\/files/);
  const fileButtons = page.locator(".tree-row[data-path]");
  await fileButtons.first().waitFor();
  const paths = await fileButtons.evaluateAll((els) => els.map((e) => e.getAttribute("data-path")));
  log(`files: ${paths.join(", ")}`);
  assert(paths.length >= 2, "expected at least two files");
  await fileButtons.first().click();
  await page.locator(".preview-md .md h1, .preview-md .md h2, .preview-md .md p").first().waitFor();
  await shot(page, "desktop-files");

  begin("agent detail");
  await page.goto(`${base}/o/${id}`);
  await page.locator(".agent-card").first().click();
  await page.waitForURL(/\/agents\//);
  const agentPath = new URL(page.url()).pathname;
  await page.locator(".agent-side h2", { hasText: "Task" }).waitFor();
  await page.locator(".agent-main .msg-assistant").first().waitFor();
  await page.locator(".touched a").first().waitFor();
  await shot(page, "desktop-agent");

  begin("offline, then online: the stream resumes");
  await page.goto(`${base}/o/${id}`);
  await page.locator('[data-connection="live"]').waitFor();
  await context.setOffline(true);
  await page.locator('[data-connection="offline"]').waitFor();
  await shot(page, "desktop-orchestrator-offline");
  // Meanwhile the conversation moves on (sent from outside the page).
  const cookies = await context.cookies(base);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const res = await fetch(`${base}/api/orchestrators/${id}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: base },
    body: JSON.stringify({ text: "Thanks! How are you today?", clientId: `e2e-${Date.now()}` }),
  });
  assert(res.status === 202, `send while offline answered ${res.status}: ${await res.text()}`);
  await new Promise((r) => setTimeout(r, 1500));
  await context.setOffline(false);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 20_000 });
  await page.locator(".msg-user-bubble", { hasText: "How are you today" }).waitFor();
  await waitForIdle(page);
  await expectInSync(page, id, "after offline/online");

  begin("stop a run");
  const longScript = JSON.stringify([
    { text: `${"This is a long answer that keeps streaming. ".repeat(400)}` },
  ]);
  await composer.fill(`Please write at length.\n\`\`\`sim\n${longScript}\n\`\`\``);
  await composer.press("Enter");
  await page.locator(".msg-assistant.msg, .md-streaming").last().waitFor();
  await page.waitForFunction(
    () => (document.querySelector(".md-streaming")?.textContent?.length ?? 0) > 200,
    undefined,
    { timeout: 30_000 },
  );
  await shot(page, "desktop-orchestrator-streaming");
  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await page.locator(".turn-interrupted").waitFor({ timeout: 20_000 });
  await waitForIdle(page);
  const server = await serverEvents(page, id);
  assert(
    server.some((e) => e.type === "run.interrupted"),
    "no run.interrupted event on the server",
  );
  await expectInSync(page, id, "after stop");
  await shot(page, "desktop-orchestrator-stopped");

  begin("resize and collapse panes");
  const agentsPane = page.locator("section.pane").first();
  const before = (await agentsPane.boundingBox())!.width;
  const handle = (await page.locator(".pane-handle").first().boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
  await page.mouse.down();
  await page.mouse.move(handle.x + 120, handle.y + 200, { steps: 8 });
  await page.mouse.up();
  const after = (await agentsPane.boundingBox())!.width;
  assert(after > before + 80, `dragging the handle resized Agents from ${before} to ${after}`);
  await page.getByRole("button", { name: "Collapse Event stream" }).click();
  await shot(page, "desktop-orchestrator-collapsed");
  await page.getByRole("button", { name: "Expand Event stream" }).click();
  // Back to the default layout for the screenshots that follow.
  await page.evaluate(() => localStorage.removeItem("baton.panes.orchestrator"));
  await page.reload();
  await page.locator('[data-connection="live"]').waitFor();

  begin("event stream filters");
  await page.getByRole("button", { name: "Tool calls" }).click();
  await page.waitForTimeout(300);
  await shot(page, "desktop-events-tools");
  await page.getByRole("button", { name: "Tool calls" }).click();

  await approvals(browser, context, page, base, noise);
  await connectorsFlow(browser, context, page, base, fixture, { log, begin });

  begin("an unknown orchestrator");
  await page.goto(`${base}/o/orc_does_not_exist`);
  await page.getByRole("heading", { name: "Orchestrator not found" }).waitFor();
  await page.waitForTimeout(300);
  const opened = await page.evaluate(() =>
    (window as unknown as { __wsTrace: string[] }).__wsTrace.filter((l) => /ws\d+ new/.test(l)),
  );
  assert(opened.length === 0, `a socket was opened for an unknown orchestrator: ${opened.join(", ")}`);
  await shot(page, "desktop-orchestrator-not-found");

  begin("other pages");
  await page.goto(`${base}/`);
  await page.locator(".orch-name", { hasText: "Launch research" }).waitFor();
  await shot(page, "desktop-orchestrators");
  // The Usage page's chunk hasn't been fetched yet: navigating to it offline waits for the
  // network instead of showing an error page.
  await context.setOffline(true);
  await page.getByRole("link", { name: "Usage" }).first().click();
  await page.waitForTimeout(1000);
  assert((await page.getByRole("alert").count()) === 0, "offline navigation showed an error page");
  await context.setOffline(false);
  await page.getByRole("heading", { name: "By model" }).waitFor();
  // …with its styles: a chunk's stylesheet that failed while offline is fetched again too.
  // (Chromium keeps a sheet for a failed stylesheet, whose rules are empty or unreadable.)
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].every((l) => {
        try {
          return (l.sheet?.cssRules.length ?? 0) > 0;
        } catch {
          return false;
        }
      }),
    undefined,
    { timeout: 10_000 },
  );
  log("navigated to Usage while offline; it rendered, styled, once back online");
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  await shot(page, "desktop-usage");
  await page.goto(`${base}/settings`);
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent()) ?? "";
  assert(secret.startsWith("bat_"), `token secret looks wrong: ${secret.slice(0, 6)}…`);
  await shot(page, "desktop-settings");
  await page.goto(`${base}/docs`);
  const hasSpec = (await page.request.get(`${base}/api/openapi.json`)).ok();
  await page
    .locator(hasSpec ? ".op" : ".docs .notice-error")
    .first()
    .waitFor();
  if (!hasSpec) log("GET /api/openapi.json is missing: the docs page shows its error state");
  await shot(page, "desktop-docs");

  begin("dark mode");
  const dark = await browser.newContext({
    viewport: DESKTOP,
    colorScheme: "dark",
    storageState: await context.storageState(),
  });
  const d = await dark.newPage();
  d.on("pageerror", (e) => errors.push(String(e)));
  watchConsole(d, noise);
  await d.goto(`${base}/o/${id}`);
  await d.locator('[data-connection="live"]').waitFor();
  await d.locator(".msg-assistant").last().waitFor();
  await shot(d, "desktop-dark-orchestrator");
  await d.goto(`${base}/o/${id}/files?path=${encodeURIComponent(paths[0]!)}`);
  await d.locator(".preview-md").waitFor();
  await shot(d, "desktop-dark-files");
  await dark.close();

  begin("phone screenshots");
  const phone = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await context.storageState(),
  });
  const p = await phone.newPage();
  p.on("pageerror", (e) => errors.push(String(e)));
  watchConsole(p, noise);
  for (const [name, path, ready] of [
    ["orchestrators", "/", ".orch-name"],
    ["orchestrator", `/o/${id}`, '[data-connection="live"]'],
    ["files", `/o/${id}/files`, ".tree-row"],
    ["agent", agentPath, ".agent-side h2"],
    ["usage", "/usage", ".stat"],
    ["settings", "/settings", ".settings-section"],
    ["docs", "/docs", hasSpec ? ".op" : ".docs-header"],
  ] as const) {
    await p.goto(`${base}${path}`);
    await p.locator(ready).first().waitFor();
    await shot(p, `phone-${name}`);
  }
  await p.goto(`${base}/o/${id}`);
  await p.locator('[data-connection="live"]').waitFor();
  await p.getByRole("tab", { name: /Agents/ }).click();
  await shot(p, "phone-orchestrator-agents");
  await p.getByRole("tab", { name: /Event stream/ }).click();
  await shot(p, "phone-orchestrator-events");
  await p.locator(".agent-card").first().waitFor({ state: "attached" });
  await p.goto(`${base}/o/${id}/files?path=${encodeURIComponent(paths[0]!)}`);
  await p.locator(".preview-md").waitFor();
  await shot(p, "phone-file");
  await p.getByRole("button", { name: "Menu" }).click();
  await shot(p, "phone-menu");
  const signedOut = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true });
  const q = await signedOut.newPage();
  watchConsole(q, noise);
  await q.goto(`${base}/login`);
  await q.getByRole("heading", { name: "Sign in to Baton" }).waitFor();
  await shot(q, "phone-login");

  begin("delete an agent");
  await page.goto(`${base}/o/${id}`);
  await page.locator('.agent-card[data-agent="writer"]').click();
  await page.waitForURL(/\/agents\//);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("button", { name: "Delete agent" }).click();
  await page.waitForURL(new RegExp(`/o/${id}$`));
  await page.waitForFunction(() => document.querySelectorAll(".agent-card").length === 1);
  log("writer deleted; one agent left");

  begin("change password, sign out, sign in again");
  await page.goto(`${base}/settings`);
  await page.getByLabel("Current password").fill("correct horse battery staple");
  await page.getByLabel("New password").fill("another horse battery staple");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Password changed").waitFor();
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await page.waitForURL(/\/login/);
  await page.goto(`${base}/o/${id}/files`);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByLabel("Password").fill("another horse battery staple");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(new RegExp(`/o/${id}/files$`));
  await page.locator(".tree-row").first().waitFor();
  log("signed back in with the new password and landed where we were headed");
  assert(errors.length === 0, `page errors:\n${errors.join("\n")}`);
  assert(noise.length === 0, `console errors or warnings:\n${noise.join("\n")}`);
  await phone.close();
  await signedOut.close();
  await context.close();
}

const sim = (steps: unknown[], prose = "Please do this.") =>
  `${prose}\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;

/**
 * Tool policy and approvals (DESIGN §9) through the UI: the settings panel takes a budget in cents
 * and sets write_file to ask; an agent writes two files; one is approved from its chat card, the
 * other denied with a note; only the approved file exists. Screenshots at desktop and phone sizes.
 */
async function approvals(
  browser: Browser,
  context: BrowserContext,
  page: Page,
  base: string,
  noise: string[],
) {
  begin("settings panel: a budget in cents, write_file set to ask");
  const created = await page.request.post(`${base}/api/orchestrators`, {
    data: { name: "Approvals", budgetUsd: 5 },
    headers: { origin: base },
  });
  assert(created.status() === 201, `create answered ${created.status()}`);
  const aid = ((await created.json()) as { id: string }).id;
  await page.goto(`${base}/o/${aid}`);
  await page.locator('[data-connection="live"]').waitFor();
  await page.locator(".room-header").getByRole("button", { name: "Settings" }).click();
  const dialog = page.getByRole("dialog", { name: "Orchestrator settings" });
  await dialog.waitFor();
  const row = (tool: string) => dialog.locator(`.policy-row[data-tool="${tool}"]`);
  await row("write_file").waitFor();
  assert(
    (await row("web_search").getByRole("radio", { name: "Ask" }).count()) === 0,
    "a server tool offers Ask",
  );
  await dialog.getByLabel("Budget (USD)").fill("0.10");
  await row("write_file").getByRole("radio", { name: "Ask" }).check();
  await shot(page, "desktop-settings-panel");
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.locator(".room-stats", { hasText: "/ $0.10" }).waitFor();
  // A link can open the panel at a field (the chat's "Budget exceeded" notice does).
  await page.goto(`${base}/o/${aid}?settings=budget`);
  await dialog.waitFor();
  assert(
    await dialog.getByLabel("Budget (USD)").evaluate((el) => el === document.activeElement),
    "?settings=budget did not focus the budget",
  );
  await dialog.getByLabel("Budget (USD)").fill("1.25");
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.locator(".room-stats", { hasText: "/ $1.25" }).waitFor();
  const saved = (await (await page.request.get(`${base}/api/orchestrators/${aid}`)).json()) as {
    budgetUsd: number;
    toolPolicy: Record<string, string>;
  };
  assert(saved.budgetUsd === 1.25, `budget saved as ${saved.budgetUsd}`);
  assert(
    JSON.stringify(saved.toolPolicy) === '{"write_file":"ask"}',
    `policy ${JSON.stringify(saved.toolPolicy)}`,
  );
  log("budget $0.10 then $1.25 saved; write_file asks");

  begin("an agent asks twice: approve one from the chat, deny the other with a note");
  const task = sim(
    [
      {
        text: "Writing both notes.",
        tools: [
          {
            name: "write_file",
            input: { path: "notes/approved.md", content: "# Approved\n\nThis one may be written.\n" },
          },
          {
            name: "write_file",
            input: {
              path: "notes/denied.md",
              content: Array.from({ length: 30 }, (_, i) => `Line ${i + 1} of a note nobody wants.`).join(
                "\n",
              ),
            },
          },
        ],
      },
      { tools: [{ name: "report", input: { result: "Wrote what I was allowed to." } }] },
      { text: "Done." },
    ],
    "Write two notes.",
  );
  const composer = page.getByLabel("Message", { exact: true });
  await composer.fill(
    sim([
      {
        text: "A scribe will write both notes.",
        tools: [{ name: "create_agent", input: { name: "scribe", instructions: "You write notes." } }],
      },
      { tools: [{ name: "command_agent", input: { name: "scribe", task } }] },
      { tools: [{ name: "wait_for_agents", input: { names: ["scribe"] } }] },
      { text: "The scribe is done." },
    ]),
  );
  await composer.press("Enter");
  const badge = page.getByRole("button", { name: "2 approvals waiting" });
  await badge.waitFor({ timeout: 60_000 });
  const chat = page.locator(".chat");
  const yes = chat.locator(".approval-card", { hasText: "notes/approved.md" });
  const no = chat.locator(".approval-card", { hasText: "notes/denied.md" });
  await yes.getByText("Denied automatically in 24 h if nobody answers").waitFor();
  await page.locator('.agent-card[data-agent="scribe"][data-status="waiting"]').waitFor();
  assert(
    (await page.locator(".agent-card-below .approval-card").count()) === 2,
    "the agent's card shows both",
  );
  await shot(page, "desktop-approvals-pending");

  // The same moment on a phone: the chat tab holds the cards; the agents tab has them under the card.
  const phone = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await context.storageState(),
  });
  const p = await phone.newPage();
  const phoneErrors: string[] = [];
  p.on("pageerror", (e) => phoneErrors.push(String(e)));
  watchConsole(p, noise);
  await p.goto(`${base}/o/${aid}`);
  await p.locator('[data-connection="live"]').waitFor();
  await p.getByRole("tab", { name: /Agents/ }).click();
  await p.locator(".agent-card-below .approval-card").first().waitFor();
  await shot(p, "phone-approvals-agents");
  // The header's count brings the chat back and the first card into view.
  await p.getByRole("button", { name: "2 approvals waiting" }).click();
  await p.waitForFunction(
    () =>
      document.activeElement?.closest(".chat") !== null &&
      document.activeElement?.classList.contains("approval-card"),
  );
  await p.waitForTimeout(600);
  await shot(p, "phone-approvals-pending");
  await p.locator(".room-header").getByRole("button", { name: "Settings" }).click();
  await p.locator('.policy-row[data-tool="write_file"]').scrollIntoViewIfNeeded();
  await shot(p, "phone-settings-panel");
  await p.getByRole("button", { name: "Cancel" }).click();
  assert(phoneErrors.length === 0, `phone page errors: ${phoneErrors.join("\n")}`);
  await phone.close();

  await badge.click();
  await page.waitForFunction(() => document.activeElement?.classList.contains("approval-card"));
  const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
  assert(focused.includes("notes/approved.md"), "the count did not lead to the first approval");
  await yes.getByRole("button", { name: "Approve" }).click();
  await no.getByRole("textbox", { name: /Note/ }).fill("Not this one, thanks.");
  await no.getByRole("button", { name: "Deny" }).click();
  await yes.getByText("Approved by you").waitFor();
  await no.getByText("Denied by you").waitFor();
  assert(
    (await no.locator(".approval-note-text").textContent()) === "Not this one, thanks.",
    "the denial's note is not shown",
  );
  await waitForIdle(page);
  await page.locator('.agent-card[data-agent="scribe"][data-status="complete"]').waitFor();
  assert((await badge.count()) === 0, "the pending count is still shown");
  await shot(page, "desktop-approvals-resolved");

  const listed = (await (await page.request.get(`${base}/api/orchestrators/${aid}/files`)).json()) as {
    files: { path: string }[];
  };
  const paths = listed.files.map((f) => f.path);
  assert(JSON.stringify(paths) === '["notes/approved.md"]', `files: ${JSON.stringify(paths)}`);
  await page.goto(`${base}/o/${aid}/files`);
  await page.locator('.tree-row[data-path="notes/approved.md"]').waitFor();
  assert(
    (await page.locator('.tree-row[data-path="notes/denied.md"]').count()) === 0,
    "the denied file is listed",
  );
  // The agent's own page shows its side: the denial with the note, in its transcript.
  await page.goto(`${base}/o/${aid}`);
  await page.locator('.agent-card[data-agent="scribe"]').click();
  await page.waitForURL(/\/agents\//);
  await page
    .locator(".agent-main .approval-card[data-status='denied']", { hasText: "Not this one, thanks." })
    .waitFor();
  log(`files: ${paths.join(", ")}; the denial and its note are shown on the chat and the agent's page`);

  const dark = await browser.newContext({
    viewport: DESKTOP,
    colorScheme: "dark",
    storageState: await context.storageState(),
  });
  const d = await dark.newPage();
  watchConsole(d, noise);
  await d.goto(`${base}/o/${aid}`);
  await d.locator('[data-connection="live"]').waitFor();
  await d.locator(".chat .approval-card").last().waitFor();
  await shot(d, "desktop-dark-approvals");
  await dark.close();
}

const external = process.env.E2E_URL;
let app: RunningApp | null = null;
let fixture: Fixture | null = null;
const browser = await launchBrowser();
try {
  const build = process.env.E2E_BUILD !== "0";
  fixture = await startFixture();
  if (!external) checkConnectorVars(build);
  app = external ? null : await startApp({ build });
  const url = external ?? app!.url;
  log(`app at ${url}; MCP test server at ${fixture.url} and ${fixture.plainUrl}`);
  await run({ url }, browser, fixture);
  log("e2e ok");
} catch (err) {
  console.error(`e2e FAILED at step "${step}":`, err);
  const trace = await traced.page
    ?.evaluate(() => (window as unknown as { __wsTrace?: string[] }).__wsTrace ?? [])
    .catch(() => []);
  if (trace?.length) console.error(`--- page socket trace (latest ${trace.length}) ---\n${trace.join("\n")}`);
  if (app) console.error(`--- app log (tail) ---\n${app.log().slice(-4000)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await app?.stop();
  await fixture?.close();
}
