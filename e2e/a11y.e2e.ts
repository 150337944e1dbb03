// Accessibility sweep: every page, signed out and in, light and dark, at 1440, 1024 and 390 px —
// an axe-core scan of each (serious and critical findings fail), no failed request and no console
// error or warning, and a screenshot of each. Plus what axe can't see (e2e/a11y-checks.ts): focus on
// arrival, the skip link, the event list's one tab stop, focus rings, the 1024 px layout, no raw
// markdown flash, /docs on a phone, and the sign-up and not-found refusals.
//   node e2e/a11y.e2e.ts          (E2E_URL=http://localhost:8787 to use a running app,
//                                  A11Y_OUT=dir for the screenshots (artifacts/a11y),
//                                  A11Y_REPORT=all to print minor and moderate findings too)
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { type AxeFinding, axeScan, blocking, describeFindings } from "./a11y.ts";
import {
  checkControlRoomKeyboard,
  checkDocsPhone,
  checkNarrowLayout,
  checkOwnKey,
  checkRefusals,
  watchMarkdownFlash,
} from "./a11y-checks.ts";
import { launchBrowser, type RunningApp, startApp } from "./server.ts";

const OUT = process.env.A11Y_OUT ?? "artifacts/a11y";
mkdirSync(OUT, { recursive: true });
const SIZES = [
  { name: "1440", width: 1440, height: 900 },
  { name: "1024", width: 1024, height: 768 },
  { name: "390", width: 390, height: 844 },
] as const;

type Problem = { where: string; what: string };

function watch(page: Page, problems: Problem[]) {
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      problems.push({ where: page.url(), what: `console ${m.type()}: ${m.text()}` });
  });
  page.on("pageerror", (e) => problems.push({ where: page.url(), what: `page error: ${e}` }));
  page.on("response", (r) => {
    if (r.status() >= 400)
      problems.push({ where: page.url(), what: `${r.status()} ${r.request().method()} ${r.url()}` });
  });
  page.on("requestfailed", (r) => {
    const why = r.failure()?.errorText ?? "";
    // A navigation away aborts what the old page still had in flight.
    if (why === "net::ERR_ABORTED") return;
    problems.push({ where: page.url(), what: `failed ${r.method()} ${r.url()} ${why}` });
  });
}

async function setup(base: string) {
  const email = `a11y-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  const headers = { "content-type": "application/json", origin: base };
  const su = await fetch(`${base}/api/auth/signup`, {
    method: "POST",
    headers: { ...headers, "CF-Connecting-IP": `198.51.100.${1 + Math.floor(Math.random() * 254)}` },
    body: JSON.stringify({ email, password }),
  });
  if (su.status !== 201 && su.status !== 200) throw new Error(`signup ${su.status}: ${await su.text()}`);
  const cookie = (su.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const h = { ...headers, cookie };
  const o = await fetch(`${base}/api/orchestrators`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ name: "Accessibility sweep", budgetUsd: 5 }),
  });
  const { id } = (await o.json()) as { id: string };
  await fetch(`${base}/api/orchestrators/${id}/messages`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({
      text: "Create a researcher and a writer and have each write a short note about Durable Objects.",
    }),
  });
  // Wait for the team to finish and the files to be written.
  const deadline = Date.now() + 120_000;
  let agentId = "";
  let file = "";
  for (;;) {
    const a = (await (await fetch(`${base}/api/orchestrators/${id}/agents`, { headers: h })).json()) as {
      agents: { id: string; status: string }[];
    };
    const f = (await (await fetch(`${base}/api/orchestrators/${id}/files`, { headers: h })).json()) as {
      files: { path: string }[];
    };
    const ev = (await (
      await fetch(`${base}/api/orchestrators/${id}/events?after=0&limit=1000`, { headers: h })
    ).json()) as { events: { type: string }[] };
    const runs = ev.events.filter((e) => e.type.startsWith("run."));
    const idle = runs.length > 0 && runs[runs.length - 1]!.type !== "run.started";
    if (
      a.agents.length >= 2 &&
      a.agents.every((x) => x.status === "complete") &&
      f.files.length >= 2 &&
      idle
    ) {
      agentId = a.agents[0]!.id;
      file = f.files[0]!.path;
      break;
    }
    if (Date.now() > deadline) throw new Error("the demo team did not finish");
    await new Promise((r) => setTimeout(r, 500));
  }
  return { cookie, id, agentId, file, email, password };
}

async function sweep(browser: Browser, base: string) {
  const s = await setup(base);
  // Sign in once in the browser (the session cookie is __Host-, which only the page can take).
  const first = await browser.newContext();
  const fp = await first.newPage();
  await fp.goto(`${base}/login`);
  await fp.getByLabel("Email").fill(s.email);
  await fp.getByLabel("Password").fill(s.password);
  await fp.getByRole("button", { name: "Sign in" }).click();
  await fp.waitForURL((u) => !u.pathname.startsWith("/login"));
  const storageState = await first.storageState();
  await first.close();
  const pages: [string, string, string][] = [
    ["orchestrators", "/", ".orch-name"],
    ["orchestrator", `/o/${s.id}`, '[data-connection="live"]'],
    ["agent", `/o/${s.id}/agents/${s.agentId}`, ".agent-side h2"],
    ["files", `/o/${s.id}/files?path=${encodeURIComponent(s.file)}`, ".preview-md"],
    ["usage", "/usage", ".stat"],
    ["settings", "/settings", ".settings-section"],
    ["docs", "/docs", ".op"],
  ];
  const signedOutPages: [string, string, string][] = [
    ["login", "/login", "h1"],
    ["signup", "/signup", "h1"],
    // Signed out, a signed-in page sends the visitor to sign in (without a request answering 401).
    ["redirect", `/o/${s.id}/files`, "h1"],
    ["docs-signed-out", "/docs", ".op"],
  ];
  const problems: Problem[] = [];
  const checks: string[] = [];
  const fail = (where: string) => (what: string) => checks.push(`${where}: ${what}`);
  const findings: { where: string; f: AxeFinding[] }[] = [];
  for (const scheme of ["light", "dark"] as const) {
    for (const size of SIZES) {
      for (const signedIn of [false, true]) {
        const ctx = await browser.newContext({
          viewport: { width: size.width, height: size.height },
          colorScheme: scheme,
          ...(signedIn ? { storageState } : {}),
          ...(size.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
        });
        await watchMarkdownFlash(ctx);
        const page = await ctx.newPage();
        watch(page, problems);
        for (const [label, path, ready] of signedIn ? pages : signedOutPages) {
          await page.goto(`${base}${path}`);
          await page.locator(ready).first().waitFor({ timeout: 20_000 });
          await page
            .waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, {
              timeout: 10_000,
            })
            .catch(() => {});
          await page.waitForTimeout(400);
          const where = `${label} ${size.name} ${scheme}`;
          await page.screenshot({ path: `${OUT}/${label}-${size.name}-${scheme}.png` });
          // One scan per page and scheme (layout rarely changes a rule's verdict), plus the phone.
          if (size.name !== "1024") {
            const f = await axeScan(page);
            findings.push({ where, f });
          }
          if (label === "orchestrator" && size.name === "1024") await checkNarrowLayout(page, fail(where));
          if (label.startsWith("docs") && size.name === "390") await checkDocsPhone(page, fail(where));
        }
        if (signedIn && size.name === "1440") {
          await checkControlRoomKeyboard(page, `${base}/o/${s.id}`, fail(`keyboard ${scheme}`));
          if (scheme === "light") await checkOwnKey(page, base, OUT, fail("own key"));
        }
        await ctx.close();
      }
    }
  }
  await checkRefusals(browser, base, s.email, storageState, fail("refusals"));
  const all = process.env.A11Y_REPORT === "all";
  let seriousCount = 0;
  let seriousNodes = 0;
  const tally = new Map<string, [number, number]>();
  for (const { where, f } of findings) {
    for (const v of f) {
      const k = `${v.impact} ${v.id}`;
      const [pages, nodes] = tally.get(k) ?? [0, 0];
      tally.set(k, [pages + 1, nodes + v.count]);
    }
    const shown = all ? f : blocking(f);
    seriousCount += blocking(f).length;
    seriousNodes += blocking(f).reduce((n, v) => n + v.count, 0);
    if (shown.length) console.log(`${where}:\n${describeFindings(shown)}`);
  }
  console.log("\naxe findings per scan (serious+critical / all):");
  for (const { where, f } of findings) {
    const count = (vs: AxeFinding[]) => vs.reduce((n, v) => n + v.count, 0);
    console.log(`  ${where.padEnd(32)} ${count(blocking(f))} / ${count(f)}`);
  }
  console.log("\nfindings by rule:");
  for (const [k, [pages, nodes]] of [...tally].sort())
    console.log(`  ${k}: ${pages} scans, ${nodes} elements`);
  console.log(
    `\n${seriousCount} serious or critical findings (${seriousNodes} elements) over ${findings.length} scans`,
  );
  const uniq = [...new Set(problems.map((p) => `${p.what}  (on ${p.where})`))];
  console.log(
    `${uniq.length} failed requests / console errors${uniq.length ? `:\n  ${uniq.join("\n  ")}` : ""}`,
  );
  console.log(`${checks.length} failed checks${checks.length ? `:\n  ${checks.join("\n  ")}` : ""}`);
  return seriousCount === 0 && uniq.length === 0 && checks.length === 0;
}

const external = process.env.E2E_URL;
let app: RunningApp | null = null;
const browser = await launchBrowser();
try {
  app = external ? null : await startApp({ build: process.env.E2E_BUILD !== "0" });
  const ok = await sweep(browser, external ?? app!.url);
  if (!ok) process.exitCode = 1;
} catch (err) {
  console.error("a11y sweep FAILED:", err);
  if (app) console.error(`--- app log (tail) ---\n${app.log().slice(-4000)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await app?.stop();
}
