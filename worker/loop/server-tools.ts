// Server tools (DESIGN §9): web_search, web_fetch and code_execution run inside the model's
// response. Here: which ones a request declares (the tool policy, narrowed by an agent's own tool
// list), the readable summaries their result blocks become on the stream, the citations a message's
// text carries, and the code-execution time a response is billed (the API reports none).
// The blocks themselves are never changed: they go back to the API verbatim on the next call.
import type Anthropic from "@anthropic-ai/sdk";
import type { Citation, Usage } from "../../schema/events";
import { SERVER_TOOL_PRICES } from "../../schema/models";
import type { ContentBlock, ObjectConfig } from "../db/store";
import { SERVER_TOOL_LIMITS } from "../limits";
import { decide, SERVER_TOOLS, type ServerToolName } from "../policy/tool-policy";

export type ServerToolParam =
  | Anthropic.WebSearchTool20260318
  | Anthropic.WebFetchTool20260318
  | Anthropic.CodeExecutionTool20260521;

/** The newest versions the pinned SDK types, each with the bound the budget reserves for. */
const DECLARATIONS: Record<ServerToolName, () => ServerToolParam> = {
  web_search: () => ({
    type: "web_search_20260318",
    name: "web_search",
    max_uses: SERVER_TOOL_LIMITS.webSearchMaxUses,
  }),
  web_fetch: () => ({
    type: "web_fetch_20260318",
    name: "web_fetch",
    max_uses: SERVER_TOOL_LIMITS.webFetchMaxUses,
    max_content_tokens: SERVER_TOOL_LIMITS.webFetchMaxContentTokens,
    citations: { enabled: true },
  }),
  code_execution: () => ({ type: "code_execution_20260521", name: "code_execution" }),
};

/**
 * The server tools this object's requests declare: those its tool policy allows (a denied tool is
 * not offered), and for an agent given a tool list, only those the list names. Fresh objects each
 * call, so setting a cache breakpoint on one never leaks into the next request.
 */
export function declaredServerTools(config: ObjectConfig): ServerToolParam[] {
  const narrowed = config.kind === "agent" && Array.isArray(config.tools) ? new Set(config.tools) : null;
  return SERVER_TOOLS.filter(
    (name) => decide(config.toolPolicy, name) === "allow" && (!narrowed || narrowed.has(name)),
  ).map((name) => DECLARATIONS[name]());
}

/** Server tool calls that run code (code_execution and the sub-tools its newer versions call). */
const CODE_TOOLS = new Set(["code_execution", "bash_code_execution", "text_editor_code_execution"]);

type ServerResult =
  | Anthropic.WebSearchToolResultBlock
  | Anthropic.WebFetchToolResultBlock
  | Anthropic.CodeExecutionToolResultBlock
  | Anthropic.BashCodeExecutionToolResultBlock
  | Anthropic.TextEditorCodeExecutionToolResultBlock;

const RESULT_TYPES: ReadonlySet<string> = new Set<ServerResult["type"]>([
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
]);

/** A result block of a server tool (the answer to a `server_tool_use` in the same message). */
export function isServerResult(block: { type: string }): block is ServerResult {
  return RESULT_TYPES.has(block.type);
}

const EXCERPT_CHARS = 600;
const OUTPUT_CHARS = 4000;

const ERRORS: Record<string, string> = {
  invalid_tool_input: "the tool's input was invalid",
  unavailable: "the tool is unavailable right now",
  max_uses_exceeded: "this response already used the tool as many times as allowed",
  too_many_requests: "too many requests (rate limited)",
  query_too_long: "the query is too long",
  request_too_large: "the request is too large",
  url_too_long: "the URL is too long",
  url_not_allowed: "the URL is not allowed",
  url_not_in_prior_context: "the URL has to appear earlier in the conversation first",
  url_not_accessible: "the page could not be retrieved",
  unsupported_content_type: "the page's content type is not supported",
  content_too_large: "the page is too large",
  execution_time_exceeded: "the code ran longer than allowed",
  output_file_too_large: "an output file is too large",
  file_not_found: "the file was not found",
};

const TOOL_LABEL: Record<ServerResult["type"], string> = {
  web_search_tool_result: "Web search",
  web_fetch_tool_result: "Web fetch",
  code_execution_tool_result: "Code execution",
  bash_code_execution_tool_result: "Code execution (bash)",
  text_editor_code_execution_tool_result: "Code execution (file edit)",
};

function failed(
  block: ServerResult,
  code: string,
  detail?: string | null,
): { content: string; isError: true } {
  const why = ERRORS[code] ?? code.replace(/_/g, " ");
  return {
    content: `${TOOL_LABEL[block.type]} failed: ${why} (${code}).${detail ? `\n${detail}` : ""}`,
    isError: true,
  };
}

const clip = (text: string, max: number) =>
  text.length <= max
    ? text
    : `${text.slice(0, max)}… [${(text.length - max).toLocaleString("en")} more characters]`;

/**
 * Code output in one shape the UI can take apart: the return code, then the `[stdout]` and
 * `[stderr]` sections.
 */
function codeOutput(
  stdout: string,
  stderr: string,
  returnCode: number,
): { content: string; isError: boolean } {
  return {
    content: `Return code ${returnCode}\n[stdout]\n${clip(stdout, OUTPUT_CHARS)}\n[stderr]\n${clip(stderr, OUTPUT_CHARS)}`,
    isError: returnCode !== 0,
  };
}

/**
 * What `tool.result` says about a server tool's result block: titles and URLs of search results;
 * the fetched URL, its size and an excerpt; stdout, stderr and return code; errors in plain words.
 */
export function summarizeServerResult(block: ServerResult): { content: string; isError: boolean } {
  switch (block.type) {
    case "web_search_tool_result": {
      const c = block.content;
      if (!Array.isArray(c)) return failed(block, c.error_code);
      if (!c.length) return { content: "No results.", isError: false };
      const lines = c.map((r, i) => `${i + 1}. ${r.title || r.url}\n   ${r.url}`);
      return {
        content: `${c.length} result${c.length === 1 ? "" : "s"}:\n${lines.join("\n")}`,
        isError: false,
      };
    }
    case "web_fetch_tool_result": {
      const c = block.content;
      if (c.type === "web_fetch_tool_result_error") return failed(block, c.error_code);
      const doc = c.content;
      const title = doc.title ? `\nTitle: ${doc.title}` : "";
      if (doc.source.type === "base64") {
        const kb = Math.round((doc.source.data.length * 3) / 4 / 1024);
        return { content: `Fetched ${c.url} (PDF, ${kb.toLocaleString("en")} KB)${title}`, isError: false };
      }
      const text = doc.source.data;
      return {
        content: `Fetched ${c.url} (${text.length.toLocaleString("en")} characters)${title}\n\n${clip(text, EXCERPT_CHARS)}`,
        isError: false,
      };
    }
    case "code_execution_tool_result": {
      const c = block.content;
      if (c.type === "code_execution_tool_result_error") return failed(block, c.error_code);
      const stdout = c.type === "encrypted_code_execution_result" ? "(encrypted)" : c.stdout;
      return codeOutput(stdout, c.stderr, c.return_code);
    }
    case "bash_code_execution_tool_result": {
      const c = block.content;
      if (c.type === "bash_code_execution_tool_result_error") return failed(block, c.error_code);
      return codeOutput(c.stdout, c.stderr, c.return_code);
    }
    case "text_editor_code_execution_tool_result": {
      const c = block.content;
      switch (c.type) {
        case "text_editor_code_execution_tool_result_error":
          return failed(block, c.error_code, c.error_message);
        case "text_editor_code_execution_view_result":
          return {
            content: `Viewed a ${c.file_type} file${c.total_lines !== null ? ` (${c.total_lines} lines)` : ""}\n\n${clip(c.content, EXCERPT_CHARS)}`,
            isError: false,
          };
        case "text_editor_code_execution_create_result":
          return { content: c.is_file_update ? "Updated the file." : "Created the file.", isError: false };
        case "text_editor_code_execution_str_replace_result":
          return {
            content: `Edited the file${c.lines ? `:\n${clip(c.lines.join("\n"), EXCERPT_CHARS)}` : "."}`,
            isError: false,
          };
      }
    }
  }
}

type FetchedDoc = { url: string; title: string | null };

function fetchedDocs(blocks: readonly ContentBlock[]): FetchedDoc[] {
  const out: FetchedDoc[] = [];
  for (const b of blocks) {
    if (b.type === "web_fetch_tool_result" && b.content.type === "web_fetch_result") {
      out.push({ url: b.content.url, title: b.content.content.title ?? null });
    }
  }
  return out;
}

/**
 * The sources a message's text cites, in order of first citation, one per URL. Search citations
 * name their URL; a citation into a fetched document (char/page/block location) names the
 * document, found by its title among the pages fetched in this message (then `earlier` ones), or
 * by its index among this message's fetched pages. A citation that leads to no URL is left out.
 */
export function collectCitations(
  blocks: readonly ContentBlock[],
  earlier: readonly ContentBlock[] = [],
): Citation[] {
  const docs = fetchedDocs(blocks);
  const olderDocs = fetchedDocs(earlier);
  const out: Citation[] = [];
  const seen = new Set<string>();
  const add = (c: Citation) => {
    if (!c.url || seen.has(c.url)) return;
    seen.add(c.url);
    out.push(c);
  };
  for (const b of blocks) {
    if (b.type !== "text" || !b.citations) continue;
    for (const c of b.citations) {
      const citedText = c.cited_text ? { citedText: c.cited_text } : {};
      if (c.type === "web_search_result_location") add({ url: c.url, title: c.title ?? null, ...citedText });
      else if (c.type === "search_result_location") {
        if (/^https?:\/\//i.test(c.source)) add({ url: c.source, title: c.title ?? null, ...citedText });
      } else {
        const title = c.document_title ?? null;
        const doc =
          (title !== null &&
            (docs.find((d) => d.title === title) ?? olderDocs.find((d) => d.title === title))) ||
          docs[c.document_index];
        if (doc) add({ url: doc.url, title: title ?? doc.title, ...citedText });
      }
    }
  }
  return out;
}

/**
 * A response's usage with its code-execution time: the API reports none, so a response that ran
 * code is billed one session's minimum (SERVER_TOOL_PRICES explains the estimate).
 */
export function withCodeExecution(usage: Usage, blocks: readonly ContentBlock[]): Usage {
  const ranCode = blocks.some((b) => b?.type === "server_tool_use" && CODE_TOOLS.has(b.name));
  return ranCode ? { ...usage, codeExecutionSeconds: SERVER_TOOL_PRICES.codeExecutionMinimumSeconds } : usage;
}
