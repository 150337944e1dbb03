// End-to-end: the control room's own controls in headless Chromium against the built app and the
// simulator. At 1440 px (light):
//   1. A budget refusal lifted by a settings change: an orchestrator with a $0.01 budget refuses its
//      first run ("Budget exceeded"); the notice's "Raise the budget" opens the settings at the
//      budget; raised to $5 and saved, Retry runs the same turn to completion.
//   2. New agent: the user creates "scout" with a name and instructions; it appears Idle in the
//      agents pane; the orchestrator hands it a task, and its card goes Executing, then Complete.
//   3. Archive with Undo on the list; the archived orchestrator's own page with Restore (the
//      message box comes back without a reload; its agent's page leads back there); Archive from
//      the settings panel, Undo in the toast.
// Then at 1024 and 390 px in dark: the archive flow again (toast, Undo, the archived page, Restore,
// the settings panel's Archive), and at 390 the budget flow. axe-core on every new state (toast,
// archived notice, budget notice, settings panel): no serious or critical finding. Every page is
// watched: no page error, console error, failed request or 4xx/5xx answer.
//   npm run e2e:control   (E2E_URL=… to use a running app; E2E_PORT, E2E_STATE, E2E_BUILD=0;
//   screenshots in artifacts/control, or E2E_SHOTS)
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { axeScan, blocking, describeFindings } from "./a11y.ts";
import {
  assert,
  begin,
  createOrchestrator,
  currentStep,
  log,
  problems,
  send,
  signUp,
  sim,
  waitForIdle,
  watch,
} from "./chat-harness.ts";
import { launchBrowser, type RunningApp, startWrangler } from "./server.ts";

const SHOTS = process.env.E2E_SHOTS ?? "artifacts/control";
mkdirSync(SHOTS, { recursive: true });
const t0 = Date.now();

async function shot(page: Page, name: string) {
  await page.waitForTimeout(250); // the toast's and the dialog's entrance
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** axe-core on the whole page as it stands; serious or critical findings fail the run at the end. */
const axeFailures: string[] = [];
async function axe(page: Page, state: string) {
  const found = blocking(await axeScan(page));
  if (found.length) axeFailures.push(`${state}:\n${describeFindings(found)}`);
  if (found.length) log(describeFindings(found));
  log(`axe (${state}): ${found.length ? `${found.length} serious/critical` : "0 serious/critical"}`);
}

type Size = { name: string; viewport: { width: number; height: number }; dark: boolean };
const DESKTOP: Size = { name: "1440-light", viewport: { width: 1440, height: 900 }, dark: false };
const SIZES: Size[] = [
  { name: "1024-dark", viewport: { width: 1024, height: 768 }, dark: true },
  { name: "390-dark", viewport: { width: 390, height: 844 }, dark: true },
];
const isPhone = (s: Size) => s.viewport.width < 600;

const toast = (page: Page) => page.locator(".toast");
const composer = (page: Page) => page.getByLabel("Message", { exact: true });

/** Back to the orchestrators list the way a user goes: the top bar's link (in the menu on a phone). */
async function toList(page: Page, s: Size) {
  if (new URL(page.url()).pathname === "/") return;
  if (isPhone(s)) await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Orchestrators" }).click();
  await page.getByRole("heading", { name: "Orchestrators", exact: true }).waitFor();
}

/** On a phone the control room shows one pane at a time: the chat, or the agents. */
async function showPane(page: Page, s: Size, pane: "Chat" | "Agents") {
  if (isPhone(s)) await page.getByRole("tab", { name: new RegExp(pane) }).click();
}

// ---- 1. the budget ----

async function budgetFlow(page: Page, s: Size, name: string) {
  begin(`${s.name}: a $0.01 budget refuses the run; the chat says Budget exceeded`);
  await toList(page, s);
  const id = await createOrchestrator(page, name, "0.01");
  await showPane(page, s, "Chat");
  await send(page, sim([{ text: "Within budget now: here is the answer." }], "Answer in one line."));
  const notice = page.locator(".msg-notice", { hasText: "Budget exceeded" });
  await notice.waitFor({ timeout: 30_000 });
  await waitForIdle(page);
  assert(
    (await page.locator(".msg-assistant", { hasText: "Within budget now" }).count()) === 0,
    "nothing ran past the refusal",
  );
  await shot(page, `${s.name}-budget-exceeded`);
  await axe(page, `${s.name} budget exceeded`);

  begin(`${s.name}: "Raise the budget" opens the settings at the budget; raise it to $5`);
  await notice.getByRole("link", { name: "Raise the budget" }).click();
  await page.waitForURL(/\?settings=budget$/);
  const dialog = page.getByRole("dialog", { name: "Orchestrator settings" });
  const budget = dialog.getByLabel("Budget (USD)");
  await budget.waitFor();
  assert(await budget.evaluate((el) => el === document.activeElement), "the budget field has the focus");
  assert((await budget.inputValue()) === "0.01", `the budget shows ${await budget.inputValue()}`);
  await budget.fill("5");
  await shot(page, `${s.name}-budget-raise`);
  await axe(page, `${s.name} settings at the budget`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert(!page.url().includes("settings="), "the panel left the URL");
  const stats = page.locator(".room-stats");
  if (!isPhone(s) || (await stats.isVisible())) await stats.getByText("/ $5.00").waitFor();
  const saved = (await (await page.request.get(page.url().replace("/o/", "/api/orchestrators/"))).json()) as {
    budgetUsd: number;
  };
  assert(saved.budgetUsd === 5, `budget saved as ${saved.budgetUsd}`);

  begin(`${s.name}: Retry runs the refused turn to completion`);
  const failed = page.locator(".turn-failed").last();
  await failed.getByRole("button", { name: "Retry" }).click();
  await page.locator(".msg-assistant", { hasText: "Within budget now: here is the answer." }).waitFor({
    timeout: 30_000,
  });
  await waitForIdle(page);
  await page.locator(".turn-completed").last().waitFor();
  await shot(page, `${s.name}-budget-retried`);
  log(`${s.name}: refused at $0.01, raised to $5, retried: completed`);
  return id;
}

// ---- 2. New agent ----

const scoutTask = sim(
  [
    { text: `Surveying the workspace. ${"Reading, noting, comparing. ".repeat(80)}` },
    {
      tools: [
        {
          name: "write_file",
          input: { path: "notes/scout.md", content: "# Scout\n\nThe workspace had nothing in it yet.\n" },
        },
      ],
    },
    { tools: [{ name: "report", input: { result: "Surveyed the workspace; notes in notes/scout.md." } }] },
    { text: "Done." },
  ],
  "Survey the workspace and write notes/scout.md.",
);

async function newAgentFlow(page: Page, s: Size) {
  begin(`${s.name}: New agent: create "scout" with a name and instructions`);
  await showPane(page, s, "Agents");
  await page.getByRole("button", { name: "New agent" }).click();
  const dialog = page.getByRole("dialog", { name: "New agent" });
  await dialog.getByLabel("Name").fill("scout");
  await dialog
    .getByLabel(/^Instructions/)
    .fill("Survey the workspace and keep short notes of what you find.");
  await shot(page, `${s.name}-new-agent-dialog`);
  await axe(page, `${s.name} New agent dialog`);
  await dialog.getByRole("button", { name: "Create agent" }).click();
  await dialog.waitFor({ state: "hidden" });
  const card = page.locator('.agent-card[data-agent="scout"]');
  await card.waitFor();
  await card.locator('[data-status="idle"]').waitFor();
  await shot(page, `${s.name}-new-agent-idle`);

  begin(`${s.name}: the orchestrator hands scout a task: Executing, then Complete in the pane`);
  if (isPhone(s)) await showPane(page, s, "Chat");
  await send(
    page,
    sim(
      [
        { tools: [{ name: "command_agent", input: { name: "scout", task: scoutTask } }] },
        { text: "Scout is surveying the workspace." },
        { text: "Scout reported back: the notes are in notes/scout.md." },
      ],
      "Have scout survey the workspace.",
    ),
  );
  if (isPhone(s)) await showPane(page, s, "Agents");
  await card.locator('[data-status="executing"]').waitFor({ timeout: 30_000 });
  await shot(page, `${s.name}-new-agent-executing`);
  await card.locator('[data-status="complete"]').waitFor({ timeout: 60_000 });
  await showPane(page, s, "Chat");
  await page.locator(".report-card", { hasText: "scout" }).waitFor({ timeout: 30_000 });
  await page.locator(".msg-assistant", { hasText: "Scout reported back" }).waitFor({ timeout: 30_000 });
  await waitForIdle(page);
  await showPane(page, s, "Agents");
  await shot(page, `${s.name}-new-agent-complete`);
  const task = await card.locator(".agent-task").textContent();
  assert(task?.includes("Survey the workspace"), `the card shows its task (${task})`);
  log(`${s.name}: scout created by hand, ran its task, Complete`);
}

// ---- 3. archive, Undo, Restore ----

async function archiveFlow(page: Page, base: string, s: Size, id: string, name: string) {
  begin(`${s.name}: Archive on the list says so, with Undo`);
  await toList(page, s);
  const row = page.locator(`tr[data-id="${id}"]`);
  await row.waitFor();
  await page.getByRole("button", { name: `Archive ${name}`, exact: true }).click();
  await toast(page).getByText(`Archived ${name}`, { exact: true }).waitFor();
  await row.waitFor({ state: "detached" });
  await page.getByRole("tab", { name: /^Archived \(\d+\)$/ }).waitFor();
  await shot(page, `${s.name}-list-archived-toast`);
  await axe(page, `${s.name} list, Archived toast`);

  const undo = toast(page).getByRole("button", { name: "Undo" });
  if (s.name === "1024-dark") {
    // By keyboard: the Undo shows its focus ring; Enter undoes; the focus lands on the row, ringed.
    await page.keyboard.press("Shift");
    await undo.focus();
    await shot(page, `${s.name}-list-undo-focused`);
    const ring = await undo.evaluate((el) => getComputedStyle(el).outlineStyle);
    assert(ring !== "none", "the focused Undo shows a ring");
    await page.keyboard.press("Enter");
  } else await undo.click();
  await toast(page).getByText(`Restored ${name}`, { exact: true }).waitFor();
  await row.waitFor();
  assert(
    await page.evaluate(() => document.activeElement?.closest("tr")?.getAttribute("data-id")),
    "the focus went back to the restored row",
  );
  await shot(page, `${s.name}-list-undone`);

  begin(`${s.name}: the archived orchestrator's own page: Restore brings the message box back`);
  await page.getByRole("button", { name: `Archive ${name}`, exact: true }).click();
  await toast(page).getByText(`Archived ${name}`, { exact: true }).waitFor();
  await page.getByRole("tab", { name: /^Archived/ }).click();
  await page.getByRole("link", { name, exact: true }).click();
  await page.waitForURL(new RegExp(`/o/${id}$`));
  await page.locator('[data-connection="live"]').waitFor();
  await showPane(page, s, "Chat");
  const notice = page.locator(".archived-notice");
  await notice.waitFor();
  assert((await composer(page).count()) === 0, "no message box while archived");
  assert(
    (await page.getByRole("button", { name: "New agent" }).count()) === 0,
    "no New agent while archived",
  );
  await page.locator(".room-header .badge", { hasText: "Archived" }).waitFor();
  await shot(page, `${s.name}-archived-page`);
  await axe(page, `${s.name} archived page`);
  if (s === DESKTOP) {
    // Its agents' pages say so too, and lead back here to restore it.
    await page.locator('.agent-card[data-agent="scout"]').click();
    await page.waitForURL(/\/agents\//);
    const line = page.locator(".chat-readonly", { hasText: "Its orchestrator is archived" });
    await line.waitFor();
    assert((await composer(page).count()) === 0, "no message box on an archived orchestrator's agent");
    await shot(page, `${s.name}-archived-agent`);
    await line.getByRole("link", { name: "Restore it" }).click();
    await page.waitForURL(new RegExp(`/o/${id}$`));
    await notice.waitFor();
  }
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });
  await notice.getByRole("button", { name: "Restore" }).click();
  await composer(page).waitFor();
  await notice.waitFor({ state: "detached" });
  assert(
    await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true),
    "Restore reloaded the page",
  );
  assert(
    await composer(page).evaluate((el) => el === document.activeElement),
    "the message box has the focus after Restore",
  );
  await toast(page).getByText(`Restored ${name}`, { exact: true }).waitFor();
  await shot(page, `${s.name}-restored`);
  await send(page, sim([{ text: `Back at work (${s.name}).` }], "Are you there?"));
  await page.locator(".msg-assistant", { hasText: `Back at work (${s.name}).` }).waitFor({ timeout: 30_000 });
  await waitForIdle(page);

  begin(`${s.name}: Archive from the settings panel; Undo in the toast`);
  await page.locator(".room-header").getByRole("button", { name: "Settings" }).click();
  const dialog = page.getByRole("dialog", { name: "Orchestrator settings" });
  const archive = dialog.getByRole("button", { name: "Archive orchestrator" });
  await archive.scrollIntoViewIfNeeded();
  await shot(page, `${s.name}-settings-archive`);
  await axe(page, `${s.name} settings panel`);
  await archive.click();
  await dialog.waitFor({ state: "hidden" });
  await notice.waitFor();
  await toast(page).getByText(`Archived ${name}`, { exact: true }).waitFor();
  await shot(page, `${s.name}-settings-archived-toast`);
  await axe(page, `${s.name} archived page with its toast`);
  await toast(page).getByRole("button", { name: "Undo" }).click();
  await composer(page).waitFor();
  await toast(page).getByText(`Restored ${name}`, { exact: true }).waitFor();
  const status = (await (await page.request.get(`${base}/api/orchestrators/${id}`)).json()) as {
    status: string;
  };
  assert(status.status === "active", `after Undo the orchestrator is ${status.status}`);
  log(`${s.name}: archived and undone on the list; restored on its page; archived in settings and undone`);
}

/** The page in use, for a screenshot when a step fails. */
let current = null as Page | null;

async function run(base: string, browser: Browser) {
  const ip = `198.51.100.${1 + Math.floor(Math.random() * 254)}`;
  const context: BrowserContext = await browser.newContext({
    viewport: DESKTOP.viewport,
    colorScheme: "light",
    extraHTTPHeaders: { "CF-Connecting-IP": ip },
  });
  const page = await context.newPage();
  current = page;
  begin("sign up");
  await signUp(page, base);
  watch(page);

  const name = "Tight budget";
  const id = await budgetFlow(page, DESKTOP, name);
  await newAgentFlow(page, DESKTOP);
  await archiveFlow(page, base, DESKTOP, id, name);

  const storageState = await context.storageState();
  for (const s of SIZES) {
    const ctx = await browser.newContext({
      viewport: s.viewport,
      colorScheme: s.dark ? "dark" : "light",
      storageState,
      extraHTTPHeaders: { "CF-Connecting-IP": ip },
      ...(isPhone(s) ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
    });
    const p = await ctx.newPage();
    current = p;
    watch(p);
    if (process.env.E2E_DEBUG) {
      p.on("request", (r) => {
        if (/\/api\/orchestrators\/[^/]+$/.test(r.url())) log(`>> ${r.method()} ${r.url()}`);
      });
      p.on("response", (r) => {
        if (/\/api\/orchestrators\/[^/]+$/.test(r.url())) log(`<< ${r.request().method()} ${r.url()}`);
      });
      p.on("framenavigated", (f) => log(`nav ${f.url()}`));
    }
    await p.goto(`${base}/`);
    await archiveFlow(p, base, s, id, name);
    if (isPhone(s)) await budgetFlow(p, s, `Phone budget`);
    await ctx.close();
  }
  await context.close();
}

const external = process.env.E2E_URL;
let app: RunningApp | null = null;
const browser = await launchBrowser();
try {
  app = external
    ? null
    : await startWrangler({
        port: Number(process.env.E2E_PORT ?? 8831),
        persistTo: process.env.E2E_STATE ?? "/tmp/state-control",
        build: process.env.E2E_BUILD !== "0",
      });
  const url = external ?? app!.url;
  log(`app at ${url}`);
  const started = Date.now();
  await run(url, browser);
  assert(problems.length === 0, `problems on the pages:\n${problems.join("\n")}`);
  assert(axeFailures.length === 0, `axe-core's serious or critical findings:\n${axeFailures.join("\n")}`);
  log(
    `control e2e ok in ${((Date.now() - started) / 1000).toFixed(1)} s (${((Date.now() - t0) / 1000).toFixed(1)} s with the app's start); screenshots in ${SHOTS}`,
  );
} catch (err) {
  console.error(`control e2e FAILED at step "${currentStep()}":`, err);
  if (current && !current.isClosed()) {
    await current.screenshot({ path: `${SHOTS}/FAILED.png` }).catch(() => {});
    console.error(`the page as it stood: ${SHOTS}/FAILED.png (${current.url()})`);
  }
  if (problems.length) console.error(`--- problems ---\n${problems.join("\n")}`);
  if (app) console.error(`--- app log (tail) ---\n${app.log().slice(-4000)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await app?.stop();
}
