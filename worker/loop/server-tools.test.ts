// Server tools in the loop, unit by unit: what a request declares (policy, an agent's own list), the
// readable summary of every result kind (errors plainly), citations, and the code-execution estimate.
import type Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { zeroUsage } from "../../schema/events";
import type { ContentBlock, ObjectConfig } from "../db/store";
import {
  collectCitations,
  declaredServerTools,
  summarizeServerResult,
  withCodeExecution,
} from "./server-tools";

const config = (extra: Partial<ObjectConfig> = {}): ObjectConfig => ({
  kind: "orchestrator",
  id: "o",
  userId: "u",
  orchestratorId: "o",
  name: "o",
  model: "claude-sonnet-5-5",
  system: null,
  budgetUsd: null,
  simulated: true,
  ...extra,
});
const names = (c: ObjectConfig) => declaredServerTools(c).map((t) => t.name);
const direct = { type: "direct" } as const;

describe("declaredServerTools", () => {
  it("declares what the policy allows, at the newest versions, with max_uses", () => {
    expect(declaredServerTools(config())).toEqual([
      { type: "web_search_20260318", name: "web_search", max_uses: 5 },
      {
        type: "web_fetch_20260318",
        name: "web_fetch",
        max_uses: 5,
        max_content_tokens: 25_000,
        citations: { enabled: true },
      },
      { type: "code_execution_20260521", name: "code_execution" },
    ]);
    expect(names(config({ toolPolicy: { web_search: "deny", code_execution: "deny" } }))).toEqual([
      "web_fetch",
    ]);
    // "ask" is refused when a policy is saved; should one slip through, nothing is declared for it.
    expect(names(config({ toolPolicy: { web_fetch: "ask" } }))).toEqual(["web_search", "code_execution"]);
  });

  it("narrows an agent to the server tools its own tool list names", () => {
    const agent = (tools: string[] | null, toolPolicy?: ObjectConfig["toolPolicy"]) =>
      config({ kind: "agent", tools, toolPolicy });
    expect(names(agent(null))).toEqual(["web_search", "web_fetch", "code_execution"]);
    expect(names(agent(["read_file", "web_search"]))).toEqual(["web_search"]);
    expect(names(agent(["read_file"]))).toEqual([]);
    // The list can only narrow the policy.
    expect(names(agent(["web_search"], { web_search: "deny" }))).toEqual([]);
  });

  it("hands out fresh objects, so a cache breakpoint set on one never leaks into the next request", () => {
    const a = declaredServerTools(config());
    (a[0] as { cache_control?: unknown }).cache_control = { type: "ephemeral" };
    expect(declaredServerTools(config())[0]).not.toHaveProperty("cache_control");
  });
});

describe("summarizeServerResult", () => {
  it("lists search results as titles and URLs", () => {
    const r = summarizeServerResult({
      type: "web_search_tool_result",
      tool_use_id: "s1",
      caller: direct,
      content: [
        {
          type: "web_search_result",
          title: "A",
          url: "https://a.example/",
          encrypted_content: "x",
          page_age: null,
        },
        {
          type: "web_search_result",
          title: "",
          url: "https://b.example/",
          encrypted_content: "y",
          page_age: "1d",
        },
      ],
    });
    expect(r).toEqual({
      content: "2 results:\n1. A\n   https://a.example/\n2. https://b.example/\n   https://b.example/",
      isError: false,
    });
  });

  it("says a fetched page's URL, size and an excerpt; a PDF's size", () => {
    const page = (source: Anthropic.DocumentBlock["source"]): Anthropic.WebFetchToolResultBlock => ({
      type: "web_fetch_tool_result",
      tool_use_id: "f1",
      caller: direct,
      content: {
        type: "web_fetch_result",
        url: "https://x.example/p",
        retrieved_at: null,
        content: { type: "document", title: "P", citations: null, source },
      },
    });
    const text = summarizeServerResult(
      page({ type: "text", media_type: "text/plain", data: "word ".repeat(300) }),
    );
    expect(text.content).toMatch(
      /^Fetched https:\/\/x\.example\/p \(1,500 characters\)\nTitle: P\n\nword word/,
    );
    expect(text.content).toMatch(/… \[900 more characters\]$/);
    const pdf = summarizeServerResult(
      page({ type: "base64", media_type: "application/pdf", data: "A".repeat(4096) }),
    );
    expect(pdf).toEqual({ content: "Fetched https://x.example/p (PDF, 3 KB)\nTitle: P", isError: false });
  });

  it("gives code output as return code, stdout and stderr; a non-zero return code is an error", () => {
    expect(
      summarizeServerResult({
        type: "code_execution_tool_result",
        tool_use_id: "c1",
        content: { type: "code_execution_result", stdout: "4\n", stderr: "", return_code: 0, content: [] },
      }),
    ).toEqual({ content: "Return code 0\n[stdout]\n4\n\n[stderr]\n", isError: false });
    expect(
      summarizeServerResult({
        type: "bash_code_execution_tool_result",
        tool_use_id: "c2",
        content: {
          type: "bash_code_execution_result",
          stdout: "",
          stderr: "boom",
          return_code: 2,
          content: [],
        },
      }),
    ).toEqual({ content: "Return code 2\n[stdout]\n\n[stderr]\nboom", isError: true });
    expect(
      summarizeServerResult({
        type: "code_execution_tool_result",
        tool_use_id: "c3",
        content: {
          type: "encrypted_code_execution_result",
          encrypted_stdout: "zzz",
          stderr: "",
          return_code: 0,
          content: [],
        },
      }).content,
    ).toBe("Return code 0\n[stdout]\n(encrypted)\n[stderr]\n");
  });

  it("states every error form plainly", () => {
    const cases: [Parameters<typeof summarizeServerResult>[0], string][] = [
      [
        {
          type: "web_search_tool_result",
          tool_use_id: "e1",
          caller: direct,
          content: { type: "web_search_tool_result_error", error_code: "max_uses_exceeded" },
        },
        "Web search failed: this response already used the tool as many times as allowed (max_uses_exceeded).",
      ],
      [
        {
          type: "web_fetch_tool_result",
          tool_use_id: "e2",
          caller: direct,
          content: { type: "web_fetch_tool_result_error", error_code: "url_not_accessible" },
        },
        "Web fetch failed: the page could not be retrieved (url_not_accessible).",
      ],
      [
        {
          type: "code_execution_tool_result",
          tool_use_id: "e3",
          content: { type: "code_execution_tool_result_error", error_code: "execution_time_exceeded" },
        },
        "Code execution failed: the code ran longer than allowed (execution_time_exceeded).",
      ],
      [
        {
          type: "bash_code_execution_tool_result",
          tool_use_id: "e4",
          content: { type: "bash_code_execution_tool_result_error", error_code: "unavailable" },
        },
        "Code execution (bash) failed: the tool is unavailable right now (unavailable).",
      ],
      [
        {
          type: "text_editor_code_execution_tool_result",
          tool_use_id: "e5",
          content: {
            type: "text_editor_code_execution_tool_result_error",
            error_code: "file_not_found",
            error_message: "No such file: a.py",
          },
        },
        "Code execution (file edit) failed: the file was not found (file_not_found).\nNo such file: a.py",
      ],
    ];
    for (const [block, text] of cases)
      expect(summarizeServerResult(block)).toEqual({ content: text, isError: true });
  });
});

describe("collectCitations", () => {
  const search = (url: string, title: string): Anthropic.TextCitationParam => ({
    type: "web_search_result_location",
    url,
    title,
    cited_text: `about ${title}`,
    encrypted_index: "i",
  });
  const fetched = (url: string, title: string): ContentBlock => ({
    type: "web_fetch_tool_result",
    tool_use_id: "f",
    content: {
      type: "web_fetch_result",
      url,
      content: { type: "document", title, source: { type: "text", media_type: "text/plain", data: "d" } },
    },
  });

  it("collects search and document citations in order, one per URL", () => {
    const blocks: ContentBlock[] = [
      fetched("https://doc.example/", "Doc"),
      {
        type: "text",
        text: "a",
        citations: [search("https://a.example/", "A"), search("https://b.example/", "B")],
      },
      {
        type: "text",
        text: "b",
        citations: [
          search("https://a.example/", "A again"),
          {
            type: "char_location",
            cited_text: "d",
            document_index: 0,
            document_title: "Doc",
            start_char_index: 0,
            end_char_index: 1,
          },
        ],
      },
    ];
    expect(collectCitations(blocks)).toEqual([
      { url: "https://a.example/", title: "A", citedText: "about A" },
      { url: "https://b.example/", title: "B", citedText: "about B" },
      { url: "https://doc.example/", title: "Doc", citedText: "d" },
    ]);
  });

  it("finds a document fetched in an earlier (paused) part by its title, and skips what leads nowhere", () => {
    const cite = (title: string | null, document_index: number): ContentBlock => ({
      type: "text",
      text: "x",
      citations: [
        {
          type: "page_location",
          cited_text: "p",
          document_index,
          document_title: title,
          start_page_number: 1,
          end_page_number: 2,
        },
      ],
    });
    expect(collectCitations([cite("Old", 0)], [fetched("https://old.example/", "Old")])).toEqual([
      { url: "https://old.example/", title: "Old", citedText: "p" },
    ]);
    expect(collectCitations([cite(null, 3)])).toEqual([]);
  });
});

describe("withCodeExecution", () => {
  it("bills a response that ran code one session's minimum, and nothing otherwise", () => {
    const use = (name: string): ContentBlock => ({
      type: "server_tool_use",
      id: "s",
      name: name as never,
      input: {},
    });
    expect(withCodeExecution(zeroUsage(), [use("web_search")])).toEqual(zeroUsage());
    expect(withCodeExecution(zeroUsage(), [use("bash_code_execution"), use("code_execution")])).toEqual({
      ...zeroUsage(),
      codeExecutionSeconds: 300,
    });
  });
});
