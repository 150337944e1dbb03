// End-to-end: the workspace you can manage, in headless Chromium against the real app. The demo
// brain's agents write a few files; then, at 1440, 1024 and 390 px, in light and in dark mode, a file
// is uploaded (dropped on the workspace, or picked on a phone), edited in the lazy CodeMirror editor
// and saved as version 2, the diff of that change shown (the lazy merge view), renamed into a folder
// with its history, deleted and brought back with Undo, and found by search, whose hit opens the file
// at its line. Checks on the way: the editor and diff chunks load only when opened, full paths on
// hover, the agents' files carry their authors, keyboard focus is visible, axe-core finds nothing
// serious, and no console error or failed request happens anywhere. Screenshots in $SHOTS
// (default artifacts/files/).
//   node e2e/files.e2e.ts    (E2E_BUILD=0 to skip the build, E2E_URL to use a running app)
import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, type RunningApp, startApp } from "./server.ts";

const OUT = process.env.SHOTS ?? "artifacts/files";
mkdirSync(OUT, { recursive: true });
const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");

const SIZES = [
  { tag: "1440", viewport: { width: 1440, height: 900 } },
  { tag: "1024", viewport: { width: 1024, height: 768 } },
  { tag: "390", viewport: { width: 390, height: 844 } },
] as const;

let step = "start";
const t0 = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
function begin(name: string) {
  step = name;
  log(`— ${name}`);
}
function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed in "${step}": ${msg}`);
}
async function shot(page: Page, name: string) {
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${OUT}/${name}.png` });
}

/** Everything that went wrong on a page: console errors and warnings, page errors, failed requests. */
function watch(page: Page, problems: string[]) {
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => {
    // A request the page itself gave up on (a navigation away, a replaced fetch) isn't a failure.
    if (r.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`);
  });
}

/** The lazy chunks a page fetched so far, by name (codemirror, codemirrorBase, merge, …). */
function chunks(page: Page): Set<string> {
  const seen = new Set<string>();
  page.on("request", (r) => {
    const m = /\/assets\/([A-Za-z]+)-[\w-]+\.js$/.exec(r.url());
    if (m) seen.add(m[1]!);
  });
  return seen;
}

async function api<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const r = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.status === 204 ? null : r.json();
    },
    { method, path, body },
  ) as Promise<T>;
}

/**
 * axe-core on the page as it is: no serious or critical findings in this page's own content (the
 * workspace, its dialogs and toasts). Findings in the shared frame (top bar, connection badge) are
 * logged, not failed: they belong to the app-wide accessibility pass.
 */
async function axe(page: Page, where: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const found = (await page.evaluate(async () => {
    type Node = { target: string[] };
    const w = window as unknown as {
      axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: Node[] }[] }> };
    };
    const r = await w.axe.run({ resultTypes: ["violations"] });
    const ours = (n: Node) => {
      const el = document.querySelector(n.target[0] ?? "");
      return Boolean(el?.closest(".files-page, dialog, .toast-region") && !el.closest("[data-connection]"));
    };
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({
        id: `${v.id} (${v.impact})`,
        ours: v.nodes.filter(ours).map((n) => n.target.join(" ")),
        elsewhere: v.nodes.filter((n) => !ours(n)).map((n) => n.target.join(" ")),
      }));
  })) as { id: string; ours: string[]; elsewhere: string[] }[];
  const elsewhere = found.filter((v) => v.elsewhere.length).map((v) => `${v.id}: ${v.elsewhere.join(", ")}`);
  if (elsewhere.length) log(`axe, outside the files page (${where}): ${elsewhere.join("; ")}`);
  const bad = found.filter((v) => v.ours.length).map((v) => `${v.id}: ${v.ours.join(", ")}`);
  assert(bad.length === 0, `axe on ${where}:\n${bad.join("\n")}`);
  log(`axe: nothing serious on ${where}`);
}

type Setup = {
  id: string;
  state: Awaited<ReturnType<BrowserContext["storageState"]>>;
  agentFile: string;
  agent: string;
};

/** An account, an orchestrator, and the demo brain's two agents' files. */
async function setup(browser: Browser, base: string): Promise<Setup> {
  begin("sign up; the demo brain's agents write files");
  const context = await browser.newContext({
    extraHTTPHeaders: { "CF-Connecting-IP": `198.51.100.${1 + Math.floor(Math.random() * 254)}` },
  });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await api(page, "POST", "/api/auth/signup", {
    email: `files-${Date.now()}@example.com`,
    password: "correct horse battery staple",
  });
  const orch = await api<{ id: string }>(page, "POST", "/api/orchestrators", { name: "Workspace e2e" });
  await api(page, "POST", `/api/orchestrators/${orch.id}/messages`, {
    text: "Create a researcher and a writer and have each write a short note about Durable Objects.",
  });
  type Listed = { files: { path: string; updatedBy: string }[] };
  type Agents = { agents: { name: string; status: string }[] } | { name: string; status: string }[];
  const deadline = Date.now() + 180_000;
  for (;;) {
    const listed = await api<Listed>(page, "GET", `/api/orchestrators/${orch.id}/files`);
    const raw = await api<Agents>(page, "GET", `/api/orchestrators/${orch.id}/agents`);
    const agents = Array.isArray(raw) ? raw : raw.agents;
    const done = agents.length >= 2 && agents.every((a) => a.status === "complete");
    const byAgent = listed.files.find((f) => f.updatedBy !== "user");
    if (done && byAgent && listed.files.length >= 2) {
      log(`agents wrote ${listed.files.map((f) => `${f.path} (${f.updatedBy})`).join(", ")}`);
      const state = await context.storageState();
      await context.close();
      return { id: orch.id, state, agentFile: byAgent.path, agent: byAgent.updatedBy };
    }
    assert(Date.now() < deadline, `agents did not finish: ${JSON.stringify(agents)}`);
    await page.waitForTimeout(500);
  }
}

/** Drops a text file on the workspace (a synthetic drag and drop: Chromium's own DataTransfer). */
async function dropFile(page: Page, name: string, text: string, folder: string, screenshot: string) {
  const target = page.locator(folder ? `.tree-row[data-folder="${folder}"]` : ".files-tree");
  const transfer = await page.evaluateHandle(
    ({ name, text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: "text/markdown" }));
      return dt;
    },
    { name, text },
  );
  await target.dispatchEvent("dragover", { dataTransfer: transfer });
  const overlay = await page.locator(".drop-overlay").textContent();
  assert(overlay?.includes(folder ? `${folder}/` : "the workspace"), `the drop overlay says "${overlay}"`);
  await shot(page, screenshot);
  await target.dispatchEvent("drop", { dataTransfer: transfer });
}

async function exercise(
  browser: Browser,
  base: string,
  s: Setup,
  size: (typeof SIZES)[number],
  dark: boolean,
) {
  const tag = `${size.tag}-${dark ? "dark" : "light"}`;
  const phone = size.viewport.width < 760;
  const context = await browser.newContext({
    viewport: size.viewport,
    colorScheme: dark ? "dark" : "light",
    storageState: s.state,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  watch(page, problems);
  const loaded = chunks(page);
  // At 1024 px the file is dropped on a folder (it goes into it); elsewhere on the workspace.
  const folder = size.tag === "1024" ? "notes" : "";
  const name = `${folder ? `${folder}/` : ""}plan-${tag}.md`;
  const moved = `docs/${tag}/plan.md`;
  const marker = `ship it ${tag}`;
  const filesUrl = `${base}/o/${s.id}/files`;
  const backToTree = async () => {
    if (phone) await page.getByRole("button", { name: "Files", exact: true }).click();
  };

  begin(`${tag}: the workspace`);
  await page.goto(filesUrl);
  await page.locator(`.tree-row[data-path="${s.agentFile}"]`).waitFor();
  await page.locator('[data-connection="live"]').waitFor();
  const title = await page.locator(`.tree-row[data-path="${s.agentFile}"]`).getAttribute("title");
  assert(title === s.agentFile, `the row's tooltip is ${title}, not the full path`);
  await shot(page, `${tag}-files`);

  begin(`${tag}: upload`);
  const text = `# Plan ${tag}\n\nStep one: write it down.\n`;
  if (phone) {
    await page.locator('input[type="file"]').setInputFiles({
      name: name.split("/").pop()!,
      mimeType: "text/markdown",
      buffer: Buffer.from(text),
    });
  } else {
    await dropFile(page, name.split("/").pop()!, text, folder, `${tag}-drop`);
  }
  await page.locator(".toast", { hasText: `Uploaded ${name}` }).waitFor();
  await page.waitForURL((u) => u.searchParams.get("path") === name);
  // Rendered markdown (the renderer is a lazy chunk: wait for it, not its plain-text stand-in).
  await page.locator(".preview-md .md:not(.md-plain) h1").waitFor();
  if (!phone) await page.locator(`.tree-row[data-path="${name}"]`).waitFor();
  await shot(page, `${tag}-uploaded`);
  if (tag === "1440-light") await axe(page, "an uploaded file");

  begin(`${tag}: edit and save (the editor loads now, not before)`);
  assert(
    !loaded.has("codemirror") && !loaded.has("codemirrorBase"),
    `editor code loaded early: ${[...loaded]}`,
  );
  await page.locator(".file-modes").getByRole("link", { name: "Edit" }).click();
  const content = page.locator(".editor-host .cm-content");
  await content.waitFor();
  assert(loaded.has("codemirror"), `the editor chunk was not fetched: ${[...loaded]}`);
  assert(!loaded.has("merge"), "the diff chunk loaded with the editor");
  await page.waitForFunction(() => document.activeElement?.classList.contains("cm-content"));
  await page.keyboard.press("Control+End");
  await page.keyboard.type(`Step two: ${marker}.\n`);
  await page.locator(".editor-status", { hasText: "Unsaved changes" }).waitFor();
  await page.keyboard.press("Control+s");
  await page.locator(".editor-status", { hasText: "Saved as version 2." }).waitFor();
  await shot(page, `${tag}-edited`);
  if (tag === "1440-light" || tag === "1440-dark") await axe(page, `the editor (${tag})`);

  begin(`${tag}: the diff of that change`);
  await page.locator(".file-modes").getByRole("link", { name: "History" }).click();
  await page.locator('.history-row[data-version="2"][aria-current="true"]').waitFor();
  await page.locator(".diff-host .cm-changedLine", { hasText: marker }).waitFor();
  assert(loaded.has("merge"), `the diff chunk was not fetched: ${[...loaded]}`);
  const by = (await page.locator(".version-header").textContent()) ?? "";
  assert(/By You/.test(by), `version 2 is not shown as yours: ${by}`);
  await shot(page, `${tag}-diff`);
  if (tag === "1440-light" || tag === "390-dark") await axe(page, `the diff (${tag})`);

  begin(`${tag}: rename into a folder, with the history`);
  await page.getByRole("button", { name: "Rename" }).click();
  const dialog = page.locator("dialog.dialog");
  await dialog.getByLabel("Path").fill(moved);
  await shot(page, `${tag}-rename`);
  await dialog.getByRole("button", { name: "Rename" }).click();
  await page.waitForURL((u) => u.searchParams.get("path") === moved);
  if (!phone) await page.locator(`.tree-row[data-path="${moved}"]`).waitFor();
  type History = {
    current: number | null;
    versions: { version: number; deleted: boolean; updatedBy: string }[];
  };
  const enc = moved.split("/").map(encodeURIComponent).join("/");
  const hist = await api<History>(page, "GET", `/api/orchestrators/${s.id}/file-versions/${enc}`);
  assert(
    hist.versions.length === 2 && hist.current === 2,
    `history after the rename: ${JSON.stringify(hist)}`,
  );

  begin(`${tag}: delete, then Undo`);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.locator(".toast", { hasText: `Deleted ${moved}` }).waitFor();
  await page.waitForURL((u) => u.searchParams.get("path") === null);
  await page.locator(`.tree-row[data-path="${moved}"]`).waitFor({ state: "detached" });
  await shot(page, `${tag}-deleted`);
  await page.locator(".toast").getByRole("button", { name: "Undo" }).click();
  await page.locator(".toast", { hasText: `Restored ${moved}` }).waitFor();
  await page.waitForURL((u) => u.searchParams.get("path") === moved);
  const back = await api<{ content: string; version: number }>(
    page,
    "GET",
    `/api/orchestrators/${s.id}/files/${enc}`,
  );
  assert(back.content.includes(marker) && back.version === 4, `restored: ${JSON.stringify(back)}`);
  const after = await api<History>(page, "GET", `/api/orchestrators/${s.id}/file-versions/${enc}`);
  assert(
    JSON.stringify(after.versions.map((v) => [v.version, v.deleted])) ===
      "[[4,false],[3,true],[2,false],[1,false]]",
    `history after undo: ${JSON.stringify(after.versions)}`,
  );
  await shot(page, `${tag}-restored`);

  begin(`${tag}: search, and open the hit at its line`);
  await backToTree();
  await page.getByLabel("Search in files").fill(marker);
  const hit = page.locator(".search-hit", { hasText: marker });
  await hit.waitFor();
  assert(
    (await hit.getAttribute("data-line")) === "4",
    `the hit is on line ${await hit.getAttribute("data-line")}`,
  );
  await shot(page, `${tag}-search`);
  if (tag === "1440-light" || tag === "390-light") await axe(page, `search results (${tag})`);
  await hit.click();
  await page.waitForURL((u) => u.searchParams.get("path") === moved && u.searchParams.get("line") === "4");
  await page.locator(".code-line-target", { hasText: marker }).waitFor();
  await shot(page, `${tag}-search-hit`);

  if (tag === "1440-light" || tag === "390-dark") {
    begin(`${tag}: a new file, straight into the editor`);
    await backToTree();
    await page.getByRole("button", { name: "New file" }).click();
    const created = `notes/new-${tag}.md`;
    await page.locator("dialog.dialog").getByLabel("Path").fill(created);
    await page.locator("dialog.dialog").getByRole("button", { name: "Create" }).click();
    await page.waitForURL(
      (u) => u.searchParams.get("path") === created && u.searchParams.get("mode") === "edit",
    );
    await page.waitForFunction(() => document.activeElement?.classList.contains("cm-content"));
    await page.keyboard.type("Fresh.");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator(".editor-status", { hasText: "Saved as version 2." }).waitFor();
    await shot(page, `${tag}-new-file`);
    // The same path again is refused at the field, not overwritten.
    await backToTree();
    await page.getByRole("button", { name: "New file" }).click();
    await page.locator("dialog.dialog").getByLabel("Path").fill(created);
    await page.locator("dialog.dialog").getByRole("button", { name: "Create" }).click();
    await page.locator("dialog.dialog .field-error", { hasText: "already a file" }).waitFor();
    await page.locator("dialog.dialog").getByRole("button", { name: "Cancel" }).click();
  }

  if (tag === "1440-light") {
    begin(`${tag}: keyboard, and the agent's file's author`);
    await page.getByLabel("Search in files").focus();
    await page.keyboard.press("Tab");
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { what: el.outerHTML.slice(0, 80), shadow: getComputedStyle(el).boxShadow };
    });
    assert(
      ring.shadow !== "none",
      `no visible focus after Tab from the search box (${JSON.stringify(ring)})`,
    );
    log(`Tab from the search box: ${ring.what}… with focus ring ${ring.shadow}`);
    await page.goto(`${filesUrl}?path=${encodeURIComponent(s.agentFile)}&mode=history`);
    const who = page.locator(".version-header a.author");
    await who.waitFor();
    assert(((await who.textContent()) ?? "").includes(s.agent), `version 1 is not shown as by ${s.agent}`);
    await shot(page, `${tag}-agent-file-history`);
    await axe(page, "an agent's file's history");
  }

  assert(problems.length === 0, `console errors or failed requests:\n${problems.join("\n")}`);
  await context.close();
  log(`${tag}: ok`);
}

const external = process.env.E2E_URL;
let app: RunningApp | null = null;
const browser = await launchBrowser();
try {
  app = external ? null : await startApp({ build: process.env.E2E_BUILD !== "0" });
  const base = external ?? app!.url;
  log(`app at ${base}`);
  const s = await setup(browser, base);
  for (const dark of [false, true]) for (const size of SIZES) await exercise(browser, base, s, size, dark);
  log(`files e2e ok; screenshots in ${OUT}`);
} catch (err) {
  console.error(`files e2e FAILED at step "${step}":`, err);
  if (app) console.error(`--- app log (tail) ---\n${app.log().slice(-4000)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await app?.stop();
}
