// bench/web: what the browser downloads and how soon it shows something.
//   - bundle: the initial JS and CSS (dist/client/index.html's entry script, its modulepreloads
//     and static imports, its stylesheets) raw, gzipped and brotli'd; every lazy chunk in total;
//   - first render in headless Chromium against `npm start`'s server (e2e/server.ts startApp):
//     navigation start → first meaningful element, for the login page (its form) and for an
//     orchestrator page holding a few hundred events (its first message, then the whole history
//     rendered: data-contiguous == lastSeq), each in a fresh context (cold cache), --repeat times.
// Times come from the page's own clock (performance.now(), 0 = navigation start): paint entries
// and a MutationObserver installed before any script runs. Table on stderr, JSON on stdout.
//   npm run build && npx tsx bench/web.ts --repeat 5 --events 300 [--build] [--cpu-throttle 4]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { Browser, BrowserContext } from "playwright-core";
import { launchBrowser, startApp } from "../e2e/server.ts";
import { emit, machine, numArg, pct, printTable, round, sleep } from "./lib/cli.ts";
import { prose, simScript } from "./lib/watch.ts";

const REPEAT = numArg("repeat", 5);
const EVENTS = numArg("events", 300);
const THROTTLE = numArg("cpu-throttle", 1);
const BUILD = process.argv.includes("--build");
// Issue 14: at most 150 KB gzipped up front, with the Files page's editor and diff view lazy.
const TARGET_INITIAL_JS_GZIP_KB = 150;
/** The editor and diff chunks (web/lib/editor/*): never part of the initial download. */
const EDITOR_CHUNK = /^assets\/(codemirror|codemirrorBase|merge)-[\w-]+\.js$/;
const CLIENT = "dist/client";

type Sizes = { files: string[]; raw: number; gzip: number; brotli: number };
const kb = (n: number) => round(n / 1024, 1);

function sizes(files: string[]): Sizes {
  const out: Sizes = { files, raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) {
    const buf = readFileSync(join(CLIENT, f));
    out.raw += buf.length;
    out.gzip += gzipSync(buf, { level: 9 }).length;
    out.brotli += brotliCompressSync(buf).length;
  }
  return out;
}

/** The files index.html makes the browser fetch before the app can render, and the rest. */
function bundle() {
  const html = readFileSync(join(CLIENT, "index.html"), "utf8");
  const attr = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!.replace(/^\//, ""));
  const js = new Set([
    ...attr(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...attr(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ]);
  // Static imports of initial chunks are initial too (Vite usually preloads them; follow anyway).
  for (const f of [...js]) {
    const src = readFileSync(join(CLIENT, f), "utf8");
    for (const m of src.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) js.add(`assets/${m[1]}`);
  }
  const css = attr(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g);
  const all = readdirSync(join(CLIENT, "assets")).map((f) => `assets/${f}`);
  const lazyJs = all.filter((f) => f.endsWith(".js") && !js.has(f));
  const lazyCss = all.filter((f) => f.endsWith(".css") && !css.includes(f));
  const editor = all.filter((f) => EDITOR_CHUNK.test(f));
  return {
    editorJs: { ...sizes(editor), initial: editor.filter((f) => js.has(f)) },
    initialJs: sizes([...js]),
    initialCss: sizes(css),
    lazyJs: sizes(lazyJs),
    lazyCss: sizes(lazyCss),
  };
}

// Runs in the page before its scripts: records when each selector first matches.
const probe = (marks: Record<string, string>) => `
  window.__marks = {};
  const want = ${JSON.stringify(marks)};
  const check = () => {
    for (const [name, sel] of Object.entries(want))
      if (!(name in window.__marks) && document.querySelector(sel)) window.__marks[name] = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  window.__lcp = 0;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
    .observe({ type: "largest-contentful-paint", buffered: true });
`;

const collect = `(() => {
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  const nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  const js = res.filter((r) => r.name.endsWith(".js")).map((r) => new URL(r.name).pathname.slice(1));
  const waterfall = [{ name: "document", start: 0, end: nav ? Math.round(nav.responseEnd) : null }].concat(
    res.map((r) => ({ name: new URL(r.name).pathname.replace(/-[w-]{8}.(js|css)$/, ".$1"), start: Math.round(r.startTime), end: Math.round(r.responseEnd) })));
  return { marks: window.__marks, lcp: window.__lcp, fcp: paint["first-contentful-paint"] ?? null,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : null, js, waterfall };
})()`;

type Visit = {
  marks: Record<string, number>;
  lcp: number;
  fcp: number | null;
  domContentLoaded: number | null;
  js: string[];
  /** Requests in the order they started (ms from navigation start), to see where the time goes. */
  waterfall: { name: string; start: number; end: number | null }[];
};

async function visit(
  browser: Browser,
  url: string,
  marks: Record<string, string>,
  state?: string,
): Promise<Visit> {
  const ctx: BrowserContext = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    // The app's CSP forbids eval; the probes are strings (tsx rewrites functions, which would then
    // not run in the page), so let them through. CSP checking itself costs nothing measurable.
    bypassCSP: true,
    ...(state
      ? { storageState: JSON.parse(state) as Awaited<ReturnType<BrowserContext["storageState"]>> }
      : {}),
  });
  try {
    const page = await ctx.newPage();
    if (THROTTLE > 1) {
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
    }
    await page.addInitScript({ content: probe(marks) });
    await page.goto(url);
    const names = JSON.stringify(Object.keys(marks));
    await page.waitForFunction(`${names}.every((n) => n in (window.__marks ?? {}))`, null, {
      timeout: 60_000,
    });
    await sleep(100); // let the LCP entry for the last paint land
    return (await page.evaluate(collect)) as Visit;
  } finally {
    await ctx.close();
  }
}

async function seed(browser: Browser, url: string) {
  const ctx = await browser.newContext();
  const req = ctx.request;
  const headers = { Origin: url };
  const email = `bench-web-${Date.now()}@example.com`;
  const signup = await req.post(`${url}/api/auth/signup`, {
    data: { email, password: "bench-password-123" },
    headers,
  });
  if (!signup.ok()) throw new Error(`signup: ${signup.status()} ${await signup.text()}`);
  const orch = (await (
    await req.post(`${url}/api/orchestrators`, {
      data: { name: "Web bench", model: "claude-haiku-5-5" },
      headers,
    })
  ).json()) as { id: string };
  // ~3 words per delta: a text of EVENTS deltas, a tool call, a short closing text.
  const script = simScript(
    [
      { text: prose(Math.round(EVENTS * 4.5)), tools: [{ name: "list_agents", input: {} }] },
      { text: "That is all." },
    ],
    "Tell me a long story, then check your agents.",
  );
  const sent = await req.post(`${url}/api/orchestrators/${orch.id}/messages`, {
    data: { text: script },
    headers,
  });
  if (!sent.ok()) throw new Error(`message: ${sent.status()} ${await sent.text()}`);
  for (const deadline = Date.now() + 120_000; ; ) {
    const page = (await (
      await req.get(`${url}/api/orchestrators/${orch.id}/events?after=0&limit=1000`)
    ).json()) as {
      events: { type: string }[];
      lastSeq: number;
    };
    if (page.events.some((e) => e.type === "run.completed")) {
      const state = JSON.stringify(await ctx.storageState());
      await ctx.close();
      return { id: orch.id, lastSeq: page.lastSeq, state };
    }
    if (Date.now() > deadline) throw new Error("seed run did not complete");
    await sleep(250);
  }
}

const started = machine();
const b = bundle();
const app = await startApp({ build: BUILD });
const browser = await launchBrowser();
const login: Visit[] = [];
const orch: Visit[] = [];
let seeded: { id: string; lastSeq: number } = { id: "", lastSeq: 0 };
try {
  const s = await seed(browser, app.url);
  seeded = { id: s.id, lastSeq: s.lastSeq };
  for (let r = 0; r < REPEAT; r++) {
    login.push(await visit(browser, `${app.url}/login`, { form: "form.auth-card input[type=email]" }));
    orch.push(
      await visit(
        browser,
        `${app.url}/o/${s.id}`,
        {
          header: ".control-room .room-header h1",
          firstMessage: ".msg-assistant, .msg-user",
          history: `.control-room[data-contiguous="${s.lastSeq}"]`,
        },
        s.state,
      ),
    );
  }
} finally {
  await browser.close();
  await app.stop();
}

const med = (xs: (number | null | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === "number");
  return v.length ? round(pct(v, 50), 1) : null;
};
const all = (xs: (number | null | undefined)[]) =>
  xs.map((x) => (typeof x === "number" ? round(x, 1) : null));
const orchJs = [...new Set(orch[0]?.js ?? [])];
const result = {
  repeat: REPEAT,
  cpuThrottle: THROTTLE,
  bundle: {
    initialJs: {
      ...b.initialJs,
      rawKb: kb(b.initialJs.raw),
      gzipKb: kb(b.initialJs.gzip),
      brotliKb: kb(b.initialJs.brotli),
    },
    initialCss: { ...b.initialCss, gzipKb: kb(b.initialCss.gzip) },
    lazyJs: { count: b.lazyJs.files.length, rawKb: kb(b.lazyJs.raw), gzipKb: kb(b.lazyJs.gzip) },
    lazyCss: { count: b.lazyCss.files.length, gzipKb: kb(b.lazyCss.gzip) },
    // The Files page's editor and diff view (lazy: fetched when Edit or a version is opened).
    editorJs: { files: b.editorJs.files, gzipKb: kb(b.editorJs.gzip), inInitial: b.editorJs.initial },
    // Everything the orchestrator page loaded (initial + its route's chunks), gzipped from disk.
    orchestratorPageJs: { files: orchJs, gzipKb: kb(sizes(orchJs).gzip) },
    targetInitialJsGzipKb: TARGET_INITIAL_JS_GZIP_KB,
    meetsTarget: b.initialJs.gzip / 1024 <= TARGET_INITIAL_JS_GZIP_KB && b.editorJs.initial.length === 0,
  },
  loginPage: {
    fcpMs: { median: med(login.map((v) => v.fcp)), samples: all(login.map((v) => v.fcp)) },
    formMs: { median: med(login.map((v) => v.marks.form)), samples: all(login.map((v) => v.marks.form)) },
    lcpMs: med(login.map((v) => v.lcp)),
    domContentLoadedMs: med(login.map((v) => v.domContentLoaded)),
    waterfall: login[login.length - 1]?.waterfall ?? [],
  },
  orchestratorPage: {
    events: seeded.lastSeq,
    fcpMs: { median: med(orch.map((v) => v.fcp)), samples: all(orch.map((v) => v.fcp)) },
    headerMs: { median: med(orch.map((v) => v.marks.header)), samples: all(orch.map((v) => v.marks.header)) },
    firstMessageMs: {
      median: med(orch.map((v) => v.marks.firstMessage)),
      samples: all(orch.map((v) => v.marks.firstMessage)),
    },
    historyRenderedMs: {
      median: med(orch.map((v) => v.marks.history)),
      samples: all(orch.map((v) => v.marks.history)),
    },
    lcpMs: med(orch.map((v) => v.lcp)),
    // The last sample's requests (a WebSocket doesn't appear in resource timing).
    waterfall: orch[orch.length - 1]?.waterfall ?? [],
  },
};
printTable([
  {
    "initial JS gz KB": result.bundle.initialJs.gzipKb,
    "initial CSS gz KB": result.bundle.initialCss.gzipKb,
    "lazy JS gz KB": result.bundle.lazyJs.gzipKb,
    "editor+diff gz KB (lazy)": result.bundle.editorJs.gzipKb,
    "login FCP ms": result.loginPage.fcpMs.median,
    "login form ms": result.loginPage.formMs.median,
    "orch FCP ms": result.orchestratorPage.fcpMs.median,
    "orch 1st msg ms": result.orchestratorPage.firstMessageMs.median,
    [`orch ${seeded.lastSeq} ev ms`]: result.orchestratorPage.historyRenderedMs.median,
  },
]);
emit("web", started, result);
