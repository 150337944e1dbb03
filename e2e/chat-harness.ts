// What the chat e2e (chat.e2e.ts) needs around its steps: step logging and assertions, screenshots
// into one folder, a watch on every page for errors (page errors, console errors and warnings,
// failed requests, HTTP answers of 400 or more), signing up, and waiting for a run to end.
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { axeScan, blocking } from "./a11y.ts";

export const OUT = process.env.E2E_SHOTS ?? "artifacts/chat";
mkdirSync(OUT, { recursive: true });

let step = "start";
const t0 = Date.now();
export const currentStep = () => step;

export function log(msg: string) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}
export function begin(name: string) {
  step = name;
  log(`— ${name}`);
}
export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed in "${step}": ${msg}`);
}

export async function shot(page: Page, name: string) {
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${OUT}/${name}.png` });
}

/** Everything that went wrong on the pages watched; the run fails if it holds anything. */
export const problems: string[] = [];

export function watch(page: Page) {
  page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("requestfailed", (r) => {
    // A download's navigation is handed to the download manager, which Chromium reports as aborted.
    if (r.failure()?.errorText === "net::ERR_ABORTED" && /\/export\?format=/.test(r.url())) return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
}

export async function signUp(page: Page, base: string) {
  await page.goto(`${base}/signup`);
  await page.getByRole("heading", { name: "Create your account" }).waitFor();
  await page.getByLabel("Email").fill(`chat-e2e-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Orchestrators", exact: true }).waitFor();
}

export async function createOrchestrator(page: Page, name: string, budgetUsd = "5"): Promise<string> {
  await page.getByRole("button", { name: "New orchestrator" }).first().click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Budget (USD)").fill(budgetUsd);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForURL(/\/o\/[^/]+$/);
  await page.locator('[data-connection="live"]').waitFor();
  return new URL(page.url()).pathname.split("/")[2]!;
}

export async function waitForIdle(page: Page, timeout = 60_000) {
  await page.waitForFunction(
    () => document.querySelector(".control-room")?.getAttribute("data-running") === "false",
    undefined,
    { timeout },
  );
}

/** A message carrying a simulator script (DESIGN §6): the model's responses, in order. */
export const sim = (steps: unknown[], prose: string) =>
  `${prose}\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;

export async function send(page: Page, text: string) {
  const composer = page.getByLabel("Message", { exact: true });
  await composer.fill(text);
  await composer.press("Enter");
}

/** axe-core's serious and critical findings inside `selector` (the chat), as one line each. */
export async function axeFindings(page: Page, selector: string): Promise<string[]> {
  return blocking(await axeScan(page, selector)).map(
    (f) =>
      `${f.id} (${f.impact}): ${f.nodes
        .map((n) => n.target)
        .slice(0, 4)
        .join(", ")}`,
  );
}
