// Smoke check: the app started the README's way renders in Chromium and its API answers.
import { mkdirSync } from "node:fs";
import { launchBrowser, startApp } from "./server.ts";

const app = await startApp({ build: process.env.SMOKE_BUILD !== "0" });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(app.url, { waitUntil: "networkidle" });
  const health = await page.evaluate(async () => (await fetch("/api/health")).json());
  if (health.ok !== true) throw new Error(`/api/health answered ${JSON.stringify(health)}`);
  const title = await page.title();
  if (!title.includes("Baton")) throw new Error(`unexpected title ${title}`);
  mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/smoke-home.png" });
  if (errors.length) throw new Error(`page errors: ${errors.join("\n")}`);
  console.log(`smoke ok: ${app.url} title="${title}" health=${JSON.stringify(health)}`);
} finally {
  await browser.close();
  await app.stop();
}
