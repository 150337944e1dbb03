// The chat e2e's second half: queued messages (placed after the running turn, cancelled, held by a
// Stop below its divider, resumed), and the chat at 1440 dark, 1024 and 390 px in both themes with
// its actions, find and export — plus an edit on the phone and a queue-and-cancel at 1024 dark.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { assert, axeFindings, begin, log, send, shot, sim, waitForIdle, watch } from "./chat-harness.ts";

/** What axe-core found in the chat at each size and theme (the run reports it at the end). */
export const axeReport: string[] = [];

const LONG = sim(
  [{ text: "This is a long answer that keeps streaming. ".repeat(300) }],
  "Please write at length.",
);

/** Whether the first element matching `a` comes before the first matching `b` in the document. */
const before = (page: Page, a: string, b: string) =>
  page.evaluate(
    ([a, b]) => {
      const x = [...document.querySelectorAll(a)].at(-1);
      const y = document.querySelector(b);
      return !!x && !!y && !!(x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING);
    },
    [a, b] as const,
  );

export async function queueAndCancel(page: Page, prefix: string, opts: { stopAndResume: boolean }) {
  begin(`${prefix}: messages sent mid-stream queue after the running turn; cancel one`);
  await send(page, LONG);
  await page.waitForFunction(
    () => (document.querySelector(".md-streaming")?.textContent?.length ?? 0) > 200,
    undefined,
    { timeout: 30_000 },
  );
  // Each pass's own words: earlier passes left their lines in the same conversation.
  const oneText = `Queued one (${prefix}): cancel me.`;
  const twoText = `Queued two (${prefix}): keep me.`;
  await send(page, oneText);
  await send(page, twoText);
  const one = page.locator(".msg-queued", { hasText: oneText });
  const two = page.locator(".msg-queued", { hasText: twoText });
  await one.getByText("Queued", { exact: true }).waitFor();
  await two.getByText("Queued", { exact: true }).waitFor();
  assert(
    await before(page, ".msg-assistant", ".msg-queued"),
    "queued messages come after the running answer",
  );
  await shot(page, `${prefix}-queued`);
  axeReport.push(...(await axeFindings(page, ".chat")).map((f) => `${prefix} (queued): ${f}`));
  await one.getByRole("button", { name: "Cancel" }).click();
  await page.locator(".msg-cancelled", { hasText: oneText }).waitFor();
  assert((await one.count()) === 0, "the cancelled message left the queue");

  if (opts.stopAndResume) {
    begin(`${prefix}: Stop holds the queued message below its divider; Resume runs it`);
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.locator(".turn-interrupted").last().waitFor();
    await two.getByText("Held", { exact: true }).waitFor();
    assert(
      await before(page, ".turn-interrupted", ".msg-queued"),
      "the Stopped divider is above the held message",
    );
    await page.waitForTimeout(800);
    assert((await two.count()) === 1, "the held message did not run on its own");
    await page.locator(".queue").scrollIntoViewIfNeeded();
    await shot(page, `${prefix}-held`);
    await page.getByRole("button", { name: "Resume now" }).click();
    await two.waitFor({ state: "detached" });
    await waitForIdle(page);
    const resumedAfterStop = await page.evaluate((text) => {
      const stopped = [...document.querySelectorAll(".turn-interrupted")].at(-1);
      const kept = [...document.querySelectorAll(".msg-user")].find((m) => m.textContent?.includes(text));
      return (
        !!stopped && !!kept && !!(stopped.compareDocumentPosition(kept) & Node.DOCUMENT_POSITION_FOLLOWING)
      );
    }, twoText);
    assert(resumedAfterStop, "the resumed message runs after the Stopped divider");
    await shot(page, `${prefix}-resumed`);
  } else {
    await two.waitFor({ state: "detached", timeout: 60_000 });
    await waitForIdle(page);
  }
  // What the model never saw is not in the conversation's runs: only the kept message ran.
  log(`${prefix}: queued, cancelled${opts.stopAndResume ? ", held, resumed" : ", ran after the turn"}`);
}

const SIZES = [
  { name: "1440-dark", viewport: { width: 1440, height: 900 }, dark: true },
  { name: "1024-light", viewport: { width: 1024, height: 768 }, dark: false },
  { name: "1024-dark", viewport: { width: 1024, height: 768 }, dark: true },
  { name: "390-light", viewport: { width: 390, height: 844 }, dark: false },
  { name: "390-dark", viewport: { width: 390, height: 844 }, dark: true },
] as const;

export async function viewports(browser: Browser, signedIn: BrowserContext, base: string, id: string) {
  const storageState = await signedIn.storageState();
  for (const s of SIZES) {
    begin(`${s.name}: the chat, its actions, find and export`);
    const phone = s.viewport.width < 600;
    const ctx = await browser.newContext({
      viewport: s.viewport,
      colorScheme: s.dark ? "dark" : "light",
      storageState,
      ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
    });
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    const p = await ctx.newPage();
    watch(p);
    await p.goto(`${base}/o/${id}`);
    await p.locator('[data-connection="live"]').waitFor();
    if (phone) await p.getByRole("tab", { name: /Chat/ }).click();
    await p.locator(".msg-assistant").last().waitFor();

    const card = p.locator(".report-card").first();
    await card.scrollIntoViewIfNeeded();
    await card.locator("summary").click();
    await card.locator(".report-body .md").waitFor();
    await shot(p, `${s.name}-report`);

    const last = p.locator(".msg-user:not(.msg-queued)").last();
    await last.scrollIntoViewIfNeeded();
    if (!phone) await last.hover();
    await last.getByRole("button", { name: "Copy message" }).click();
    const copied = await p.evaluate(() => navigator.clipboard.readText());
    assert(copied.length > 0, "the message was copied");
    await shot(p, `${s.name}-actions`);

    await p.getByRole("button", { name: "Find", exact: true }).click();
    await p.getByRole("searchbox", { name: "Find in conversation" }).fill("penman");
    await p.locator(".find-count", { hasText: /^1 of \d+$/ }).waitFor();
    await shot(p, `${s.name}-find`);
    await p.getByRole("searchbox", { name: "Find in conversation" }).press("Escape");
    await p.getByRole("button", { name: "Export" }).click();
    await p.getByRole("link", { name: /JSON/ }).waitFor();
    await shot(p, `${s.name}-export`);
    await p.keyboard.press("Escape");
    const findings = await axeFindings(p, ".chat");
    log(
      `${s.name}: axe in the chat: ${findings.length ? findings.join("; ") : "no serious or critical findings"}`,
    );
    axeReport.push(...findings.map((f) => `${s.name}: ${f}`));

    if (s.name === "390-light") {
      begin("390-light: edit and send again on a phone");
      await last.getByRole("button", { name: "Edit" }).click();
      const box = p.getByRole("textbox", { name: "Edit message" });
      await box.fill(sim([{ text: "Edited from a phone, answered." }], "From the phone."));
      await shot(p, `${s.name}-editing`);
      await box.press("Enter");
      await p.locator(".msg-assistant", { hasText: "Edited from a phone, answered." }).waitFor();
      await waitForIdle(p);
      await shot(p, `${s.name}-edited`);
    }
    if (s.name === "1024-dark") await queueAndCancel(p, s.name, { stopAndResume: false });
    await ctx.close();
  }
}
