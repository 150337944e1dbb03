// The control room with 50,000 events: a mocked stream (Playwright's request and WebSocket routing)
// replays a long history into the real built SPA, then streams live deltas. Checks that the replay
// lands within a few seconds, that the event list stays virtualised, and that live streaming and
// scrolling don't block the main thread.
//   node e2e/perf.e2e.ts    (E2E_URL to use a running app; otherwise builds and starts one)
import { mkdirSync } from "node:fs";
import { launchBrowser, type RunningApp, startApp } from "./server.ts";

const TOTAL = 50_000;
const OID = "orc_perf";
const STREAM = `orchestrator:${OID}`;

type Ev = Record<string, unknown> & { stream: string; seq: number; ts: number; type: string };

function history(n: number): Ev[] {
  const out: Ev[] = [];
  let seq = 1;
  const t0 = Date.now() - n * 20;
  const push = (body: Record<string, unknown>) =>
    out.push({ stream: STREAM, seq, ts: t0 + seq * 20, ...body, type: String(body.type) } as Ev) && seq++;
  const usage = { inputTokens: 900, outputTokens: 120, cacheReadTokens: 400, cacheWriteTokens: 0 };
  for (let turn = 0; out.length < n; turn++) {
    push({ type: "message.user", messageId: `u${turn}`, text: `Question number ${turn}: what next?` });
    push({ type: "run.started", runId: `r${turn}`, trigger: "user" });
    push({ type: "message.started", messageId: `m${turn}`, model: "claude-sonnet-5-5" });
    for (let i = 0; i < 60 && out.length < n; i++) {
      push({
        type: "text.delta",
        messageId: `m${turn}`,
        index: 0,
        text: i % 15 === 14 ? " **done**.\n\n" : ` word${i}`,
      });
    }
    push({ type: "tool.started", messageId: `m${turn}`, toolUseId: `t${turn}`, name: "list_agents" });
    push({ type: "tool.called", toolUseId: `t${turn}`, name: "list_agents", input: {} });
    push({ type: "tool.result", toolUseId: `t${turn}`, isError: false, content: "[]", ms: 12 });
    push({ type: "message.completed", messageId: `m${turn}`, stopReason: "end_turn", usage, costUsd: 0.002 });
    push({ type: "run.completed", runId: `r${turn}`, usage, costUsd: 0.002 });
  }
  return out.slice(0, n);
}

const external = process.env.E2E_URL;
let app: RunningApp | null = null;
const browser = await launchBrowser();
mkdirSync("artifacts", { recursive: true });
try {
  app = external ? null : await startApp({ build: process.env.E2E_BUILD !== "0" });
  const base = external ?? app!.url;
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  const events = history(TOTAL);
  const totals = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 1 };
  const me = {
    user: { id: "u", email: "perf@example.com", createdAt: 1, budgetUsd: null, defaultModel: null },
    via: "session",
    llm: "simulator",
    anthropicKey: null,
  };
  const orch = {
    id: OID,
    name: "Perf",
    model: "claude-sonnet-5-5",
    systemPrompt: null,
    budgetUsd: null,
    status: "active",
    simulated: true,
    createdAt: 1,
    updatedAt: 1,
    lastActivityAt: 1,
    totals,
  };
  // Who is signed in: the app asks /api/auth/session first (a signed-out visit makes no 401).
  await page.route("**/api/auth/session", (r) => r.fulfill({ json: { me } }));
  await page.route("**/api/me", (r) => r.fulfill({ json: me }));
  await page.route(`**/api/orchestrators/${OID}`, (r) => r.fulfill({ json: orch }));
  await page.route(`**/api/orchestrators/${OID}/events*`, (r) =>
    r.fulfill({ json: { events: [], lastSeq: TOTAL, hasMore: false } }),
  );
  let live: { send: (m: string) => void } | null = null;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    ws.onMessage((m) => {
      const frame = JSON.parse(String(m)) as { type: string; after?: number };
      if (frame.type === "resume") {
        const state = {
          stream: STREAM,
          kind: "orchestrator",
          name: "Perf",
          model: "claude-sonnet-5-5",
          simulated: true,
          status: "idle",
          activeRunId: null,
          queued: 0,
          totals,
          contextTokens: 1000,
          contextWindow: 1_000_000,
          agents: [],
        };
        ws.send(JSON.stringify({ type: "ready", state, lastSeq: TOTAL }));
        for (let i = frame.after ?? 0; i < TOTAL; i += 500) {
          ws.send(JSON.stringify({ type: "events", events: events.slice(i, i + 500) }));
        }
        live = ws;
      } else if (frame.type === "ping") ws.send('{"type":"pong"}');
    });
  });

  const started = Date.now();
  await page.goto(`${base}/o/${OID}`);
  await page.waitForFunction(
    (n) => document.querySelector(".control-room")?.getAttribute("data-contiguous") === String(n),
    TOTAL,
    { timeout: 60_000 },
  );
  const replayMs = Date.now() - started;
  const rows = await page.locator(".ev-row").count();
  const bubbles = await page.locator(".msg-user").count();
  console.log(
    `replayed ${TOTAL} events in ${replayMs} ms; ${rows} event rows in the DOM; ${bubbles} user messages`,
  );
  if (rows > 300) throw new Error(`event list is not virtualised: ${rows} rows rendered`);

  // Live: 40 deltas per 100 ms for 3 s, while measuring long tasks.
  await page.evaluate(() => {
    (window as unknown as { __long: number[] }).__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) (window as unknown as { __long: number[] }).__long.push(e.duration);
    }).observe({ type: "longtask", buffered: false });
  });
  let seq = TOTAL;
  const liveStart = seq;
  const send = (ev: Record<string, unknown>) =>
    (live as { send: (m: string) => void } | null)?.send(
      JSON.stringify({ type: "event", event: { stream: STREAM, seq: ++seq, ts: Date.now(), ...ev } }),
    );
  send({ type: "message.user", messageId: "ulive", text: "Live now" });
  send({ type: "run.started", runId: "rlive", trigger: "user" });
  send({ type: "message.started", messageId: "mlive", model: "claude-sonnet-5-5" });
  for (let tick = 0; tick < 30; tick++) {
    for (let i = 0; i < 40; i++)
      send({ type: "text.delta", messageId: "mlive", index: 0, text: ` tok${tick}.${i}` });
    await page.waitForTimeout(100);
  }
  await page.waitForFunction(
    (n) => document.querySelector(".control-room")?.getAttribute("data-contiguous") === String(n),
    seq,
  );
  // Scroll the event list up and down.
  await page.locator(".events-scroll").hover();
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, i % 2 ? 4000 : -4000);
  const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  const worst = Math.max(0, ...long);
  console.log(`live: ${seq - liveStart} events; ${long.length} long tasks, worst ${Math.round(worst)} ms`);
  await page.screenshot({ path: "artifacts/perf-50k.png" });
  if (worst > 500) throw new Error(`main thread blocked for ${Math.round(worst)} ms while streaming`);
  if (errors.length) throw new Error(`page errors:\n${errors.join("\n")}`);
  console.log("perf ok");
} catch (err) {
  console.error("perf FAILED:", err);
  process.exitCode = 1;
} finally {
  await browser.close();
  await app?.stop();
}
