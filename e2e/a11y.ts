// Accessibility checks for the browser tests: an axe-core scan of the page as it stands (WCAG 2.0,
// 2.1 and 2.2 A/AA rules, plus axe's best practices), and request/console watchers that fail a run
// on a failed request.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export type AxeFinding = {
  id: string;
  impact: string | null;
  help: string;
  count: number;
  nodes: { target: string; summary: string }[];
};

/**
 * Runs axe on the page, or on the part of it `selector` names; answers every violation (callers
 * decide which impacts fail).
 */
export async function axeScan(page: Page, selector?: string): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => "axe" in window);
  // Evaluated over the DevTools protocol, which the page's CSP (script-src 'self') doesn't govern.
  if (!loaded) await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  return page.evaluate(async (sel) => {
    const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
    const result = await axe.run(sel ? document.querySelector(sel)! : document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
      },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      count: v.nodes.length,
      nodes: v.nodes.slice(0, 8).map((n) => ({
        target: n.target.join(" "),
        summary: (n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 300),
      })),
    }));
  }, selector);
}

/** Serious and critical findings only: what fails a run. */
export const blocking = (findings: AxeFinding[]) =>
  findings.filter((f) => f.impact === "serious" || f.impact === "critical");

export function describeFindings(findings: AxeFinding[]): string {
  return findings
    .map(
      (f) =>
        `  [${f.impact}] ${f.id}: ${f.help}\n${f.nodes.map((n) => `      ${n.target} — ${n.summary}`).join("\n")}`,
    )
    .join("\n");
}
