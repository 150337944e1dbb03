// Keyboard, focus and rough-edge checks for the accessibility sweep (e2e/a11y.e2e.ts): what axe
// can't see. Each check throws with what it found; the sweep collects them.
import type { Browser, BrowserContext, Page } from "playwright-core";

export type Fail = (what: string) => void;

const activeInfo = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      id: el?.id ?? "",
      cls: el?.className ?? "",
      text: (el?.textContent ?? "").trim().slice(0, 40),
      inEvents: !!el?.closest(".events-scroll"),
      index: el?.parentElement?.getAttribute("data-index") ?? null,
    };
  });

/** Records whether a plain-text (not yet rendered) markdown block was ever on screen. */
export async function watchMarkdownFlash(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const w = window as unknown as { __mdPlainSeen?: boolean };
    w.__mdPlainSeen = false;
    new MutationObserver(() => {
      if (document.querySelector(".md-plain")) w.__mdPlainSeen = true;
    }).observe(document, { childList: true, subtree: true });
  });
}

/** The control room at a desktop size: focus on arrival, skip link, the event list's one tab stop. */
export async function checkControlRoomKeyboard(page: Page, url: string, fail: Fail): Promise<void> {
  await page.goto(url);
  await page.locator('[data-connection="live"]').first().waitFor({ timeout: 20_000 });
  await page.waitForTimeout(300);

  const arrived = await activeInfo(page);
  if (arrived.id !== "composer-input")
    fail(`focus on arrival is on ${JSON.stringify(arrived)}, not the composer`);
  const flashed = await page.evaluate(() => (window as unknown as { __mdPlainSeen?: boolean }).__mdPlainSeen);
  if (flashed) fail("raw markdown (.md-plain) was drawn before the renderer");

  // From nothing focused: the composer within 3 key presses (Tab, Tab to the skip link, Enter).
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  let presses = 0;
  let reached = false;
  for (; presses < 3 && !reached; presses++) {
    await page.keyboard.press("Tab");
    const a = await activeInfo(page);
    if (a.id === "composer-input") reached = true;
    else if (a.text === "Skip to the message box") {
      await page.keyboard.press("Enter");
      reached = (await activeInfo(page)).id === "composer-input";
    }
  }
  if (!reached) fail(`the composer is not reached within 3 Tabs of load (${presses} tried)`);

  // The event list is one tab stop; arrows move inside it; Tab leaves it.
  const stops = await page.$$eval(
    ".events-scroll button, .events-scroll [tabindex]",
    (els) => els.filter((e) => (e as HTMLElement).tabIndex >= 0 && !(e as HTMLElement).hidden).length,
  );
  if (stops !== 1) fail(`the event list has ${stops} tab stops, not 1`);
  await page.keyboard.press("Shift"); // a key first: programmatic focus then shows as keyboard focus
  await page.locator('.events-scroll [tabindex="0"]').focus();
  const start = await activeInfo(page);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  const moved = await activeInfo(page);
  if (!moved.inEvents || Number(moved.index) !== Number(start.index) - 2)
    fail(`ArrowUp twice from row ${start.index} landed on ${JSON.stringify(moved)}`);
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  if (ring === "none") fail("a focused event row shows no focus ring");
  await page.keyboard.press("Tab");
  if ((await activeInfo(page)).inEvents) fail("Tab from an event row stays inside the list");
  await page.keyboard.press("Shift+Tab");
  const back = await activeInfo(page);
  if (!back.inEvents || back.index !== moved.index)
    fail(`Shift+Tab back into the list lands on ${JSON.stringify(back)}, not row ${moved.index}`);

  // Ghost buttons show a ring under keyboard focus.
  const ghost = page.locator(".btn-ghost:visible").first();
  if (await ghost.count()) {
    await ghost.focus();
    const style = await ghost.evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: Number.parseFloat(s.outlineWidth) };
    });
    if (style.style === "none" || style.width < 2)
      fail(`a focused ghost button's ring: ${JSON.stringify(style)}`);
  } else fail("no ghost button on the control room to check the focus ring of");
}

/** At 1024 px the event summaries keep most of their text and the turn row stays on one line. */
export async function checkNarrowLayout(page: Page, fail: Fail): Promise<void> {
  const widths = await page.$$eval(".ev-summary", (els) => els.map((e) => e.getBoundingClientRect().width));
  const narrowest = Math.min(...widths);
  if (!widths.length || narrowest < 150) fail(`event summaries at 1024 px are ${narrowest}px wide`);
  const turns = await page.$$eval(".turn", (els) =>
    els.map((e) => {
      const box = e.getBoundingClientRect();
      // Cut off: a child reaching past the row's right edge.
      const right = Math.max(...[...e.children].map((c) => c.getBoundingClientRect().right));
      return {
        h: box.height,
        line: Number.parseFloat(getComputedStyle(e).lineHeight),
        over: right - box.right,
      };
    }),
  );
  for (const t of turns) {
    if (t.h > 2 * (t.line || 18)) fail(`a turn row at 1024 px is ${t.h}px tall (wrapped)`);
    if (t.over > 1) fail(`a turn row at 1024 px cuts off ${Math.round(t.over)}px of its actions`);
  }
}

/** /docs on a phone: the endpoint list is one tap away, and no description cell is empty. */
export async function checkDocsPhone(page: Page, fail: Fail): Promise<void> {
  const toggle = page.locator(".docs-nav-toggle");
  if (!(await toggle.isVisible())) fail("/docs at 390 px has no endpoint navigation");
  else {
    await toggle.click();
    const links = await page.locator(".docs-nav-link:visible").count();
    if (links < 10) fail(`/docs at 390 px opens a list of ${links} endpoints`);
    await toggle.click();
  }
  const empty = await page.$$eval(
    ".schema-table td",
    (tds) => tds.filter((t) => !t.textContent?.trim()).length,
  );
  if (empty) fail(`/docs shows ${empty} empty table cells`);
}

/**
 * What a visitor gets wrong on purpose: a short password, a taken email, a bad orchestrator URL. The
 * server's refusals (409, 404) are expected here, so this runs in a context of its own.
 */
export async function checkRefusals(
  browser: Browser,
  base: string,
  takenEmail: string,
  storageState: Awaited<ReturnType<BrowserContext["storageState"]>>,
  fail: Fail,
): Promise<void> {
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  // Sign-up is rate-limited per network; this run's attempts count against an address of its own.
  const ip = `203.0.113.${1 + Math.floor(Math.random() * 254)}`;
  await ctx.route("**/api/auth/signup", (route) =>
    route.continue({ headers: { ...route.request().headers(), "cf-connecting-ip": ip } }),
  );
  const page = await ctx.newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  await page.goto(`${base}/signup`);
  await page.getByLabel("Email").fill("someone@example.com");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.locator(".field-error").waitFor();
  const body = (await page.locator("main").textContent()) ?? "";
  if (/Invalid body/.test(body)) fail("sign-up shows developer text (Invalid body …)");
  const said = body.match(/at least 10 characters/gi)?.length ?? 0;
  if (said !== 1) fail(`sign-up says the password rule ${said} times, not once`);
  if (requests.includes("POST /api/auth/signup")) fail("a short password was sent to the server");

  await page.getByLabel("Email").fill(takenEmail);
  await page.getByLabel("Password").fill("another long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  const link = page.locator('.notice-error a[href^="/login"]');
  await link.waitFor({ timeout: 10_000 }).catch(() => fail("the email-taken error has no sign-in link"));
  await ctx.close();

  // A bad orchestrator URL: a not-found view, and no stream opened.
  const signedIn = await browser.newContext({ viewport: { width: 1024, height: 768 }, storageState });
  const p2 = await signedIn.newPage();
  let sockets = 0;
  p2.on("websocket", () => sockets++);
  await p2.goto(`${base}/o/orc_doesnotexist`);
  await p2
    .getByRole("heading", { name: "Orchestrator not found" })
    .waitFor({ timeout: 15_000 })
    .catch(() => fail("a bad orchestrator URL shows no not-found view"));
  await p2.waitForTimeout(500);
  if (sockets) fail(`a bad orchestrator URL opened ${sockets} WebSocket(s)`);
  await signedIn.close();
}

/** Settings → Anthropic API key: set one (shown only as "ends in …"), then remove it. */
export async function checkOwnKey(page: Page, base: string, shots: string, fail: Fail): Promise<void> {
  const key = `sk-ant-api03-e2e${Date.now()}ABCD`;
  await page.goto(`${base}/settings`);
  await page.getByLabel("Key", { exact: true }).fill(key);
  await page.getByRole("button", { name: "Save key" }).click();
  await page
    .getByText("…ABCD")
    .waitFor({ timeout: 10_000 })
    .catch(() => fail("a saved key is not shown as ending in …ABCD"));
  if (((await page.content()) ?? "").includes(key)) fail("the settings page shows the whole key");
  if (await page.locator('[data-simulated="true"], .badge-amber').count())
    fail("with a key of one's own, the page still says Simulated");
  await page.locator("#anthropic-key-title").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/settings-own-key.png` });
  await page.getByRole("button", { name: "Remove" }).click();
  await page
    .getByLabel("Key", { exact: true })
    .waitFor({ timeout: 10_000 })
    .catch(() => fail("removing the key does not bring the form back"));
}
