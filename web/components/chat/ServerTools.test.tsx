// Server tool cards and cited sources (DESIGN §9): search results as safe external links, a fetched
// page as URL + size + excerpt, code with stdout/stderr/return code, errors plainly, and the
// message's citations as numbered sources.
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { EventBody } from "../../../schema/events";
import { makeStream, usage } from "../../lib/fixtures";
import { externalHref, serverView } from "../../lib/views/serverTools";
import { buildTranscript } from "../../lib/views/transcript";
import { TranscriptView } from "./TranscriptView";

afterEach(cleanup);

/** One server tool call as the Worker streams it. */
function call(id: string, name: string, input: unknown, content: string, isError = false): EventBody[] {
  return [
    { type: "tool.started", messageId: "m1", toolUseId: id, name, server: true },
    { type: "tool.called", toolUseId: id, name, input, server: true },
    { type: "tool.result", toolUseId: id, isError, content, ms: 812, server: true },
  ];
}

function renderTurn() {
  const ev = makeStream();
  const bodies: EventBody[] = [
    { type: "run.started", runId: "r1", trigger: "user" },
    { type: "message.started", messageId: "m1", model: "claude-sonnet-5-5" },
    ...call(
      "s1",
      "web_search",
      { query: "bicycle history" },
      "3 results:\n1. The bicycle\n   https://example.com/sim/bike/1\n2. Sneaky\n   javascript:alert(1)\n3. Draisine\n   https://example.com/sim/bike/3",
    ),
    ...call(
      "f1",
      "web_fetch",
      { url: "https://example.com/bikes" },
      "Fetched https://example.com/bikes (1,234 characters)\nTitle: Bikes\n\nThe first bicycles…",
    ),
    ...call(
      "c1",
      "code_execution",
      { code: "print(2 + 2)" },
      "Return code 1\n[stdout]\n4\n\n[stderr]\nTraceback: boom",
    ),
    ...call(
      "e1",
      "web_fetch",
      { url: "https://down.example" },
      "Web fetch failed: the page could not be retrieved (url_not_accessible).",
      true,
    ),
    { type: "text.delta", messageId: "m1", index: 0, text: "Bicycles date from 1817." },
    {
      type: "message.completed",
      messageId: "m1",
      stopReason: "end_turn",
      usage: { ...usage(), webSearchRequests: 1, webFetchRequests: 2 },
      costUsd: 0.011,
      citations: [
        { url: "https://example.com/sim/bike/1", title: "The bicycle", citedText: "1817" },
        { url: "https://example.com/bikes", title: null },
      ],
    },
    { type: "run.completed", runId: "r1", usage: usage(), costUsd: 0.011 },
  ];
  const t = buildTranscript(bodies.map((b) => ev(b)));
  return render(<TranscriptView items={t.items} />);
}

const card = (container: HTMLElement, toolUseId: string) => {
  const cards = [...container.querySelectorAll<HTMLElement>(".tool-card")];
  const ids = ["s1", "f1", "c1", "e1"];
  return cards[ids.indexOf(toolUseId)]!;
};

describe("server tool cards", () => {
  it("marks server tools and lists search results as safe external links", () => {
    const { container } = renderTurn();
    const search = card(container, "s1");
    expect(within(search).getByText("server")).toBeTruthy();
    expect(within(search).getByText("bicycle history")).toBeTruthy();
    const link = within(search).getByRole("link", { name: "The bicycle" });
    expect(link.getAttribute("href")).toBe("https://example.com/sim/bike/1");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toBe("noopener noreferrer");
    // A URL that isn't plain http(s) is shown, never linked.
    expect(within(search).queryByRole("link", { name: "Sneaky" })).toBeNull();
    expect(within(search).getByText("Sneaky")).toBeTruthy();
    expect(within(search).getAllByRole("link")).toHaveLength(2);
  });

  it("shows a fetched page as URL, size and excerpt, and an error plainly", () => {
    const { container } = renderTurn();
    const fetch = card(container, "f1");
    expect(within(fetch).getByRole("link", { name: "https://example.com/bikes" }).getAttribute("href")).toBe(
      "https://example.com/bikes",
    );
    expect(within(fetch).getByText("· 1,234 characters")).toBeTruthy();
    expect(within(fetch).getByText("The first bicycles…")).toBeTruthy();
    const failed = card(container, "e1");
    expect(failed.className).toContain("tool-error");
    expect(within(failed).getByText(/Web fetch failed: the page could not be retrieved/)).toBeTruthy();
  });

  it("shows code with its stdout, stderr and return code", () => {
    const { container } = renderTurn();
    const code = card(container, "c1");
    // The code itself, in a monospace block (the card's one-line hint repeats it).
    expect(
      within(code)
        .getAllByText("print(2 + 2)")
        .some((e) => e.tagName === "PRE"),
    ).toBe(true);
    expect(within(code).getByText("return code 1")).toBeTruthy();
    expect(code.querySelector('[data-output="stdout"]')?.textContent).toBe("4\n");
    expect(code.querySelector('[data-output="stderr"]')?.textContent).toBe("Traceback: boom");
  });

  it("numbers the message's cited sources under it", () => {
    renderTurn();
    const sources = screen.getByRole("region", { name: "Sources" });
    const items = within(sources).getAllByRole("listitem");
    expect(items.map((li) => li.textContent)).toEqual([
      "The bicycle example.com",
      "https://example.com/bikes example.com",
    ]);
    expect(within(sources).getByRole("link", { name: "The bicycle" }).getAttribute("rel")).toBe(
      "noopener noreferrer",
    );
  });
});

describe("serverView", () => {
  it("falls back to the text for what it doesn't recognise, and vets links", () => {
    expect(serverView("web_search", {}, "something else", false)).toEqual({
      kind: "text",
      text: "something else",
    });
    expect(serverView("web_search", {}, "No results.", false)).toEqual({ kind: "search", results: [] });
    expect(serverView("web_fetch", {}, null, false)).toBeNull();
    expect(externalHref("https://a.example/x y")).toBeNull();
    expect(externalHref("https:evil.example")).toBeNull();
    expect(externalHref("http://a.example/\\evil")).toBeNull();
    expect(externalHref(" https://a.example/ok ")).toBe("https://a.example/ok");
  });
});
