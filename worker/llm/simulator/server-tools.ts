// Server tools in the simulator (DESIGN §9): web_search, web_fetch and code_execution (with the
// bash and file-edit sub-tools its newer versions call) run "inside the response", as the API
// runs them. Every result is deterministic and plainly labelled simulated: search results point at
// https://example.com/sim/…, a fetched page says no fetch was made, code is never run. A call the
// request didn't declare is refused with a 400 (undeclaredCall, for client tools too).
import type {
  ContentBlock,
  TextCitation,
  WebFetchToolResultErrorCode,
  WebSearchToolResultErrorCode,
} from "@anthropic-ai/sdk/resources/messages";
import { asRecord, type ToolCall } from "./conversation";
import { hashOf } from "./hash";
import { serverToolUseId } from "./ids";
import { quote, slugify } from "./prose";
import type { SimRequest, Tool } from "./request";

const SERVER_TOOL_NAMES = new Set([
  "web_search",
  "web_fetch",
  "code_execution",
  "bash_code_execution",
  "text_editor_code_execution",
]);

/** The tool a call needs declared: its own, or code_execution for the sub-tools code execution uses. */
const declaringName = (name: string) =>
  name === "bash_code_execution" || name === "text_editor_code_execution" ? "code_execution" : name;

/** A server tool's declaration: `{type: "<name>_<version>", name}`, e.g. web_search_20260318. */
function declaration(request: SimRequest, name: string): Tool | undefined {
  const base = declaringName(name);
  return (request.tools ?? []).find(
    (t) => t.name === base && typeof t.type === "string" && t.type.startsWith(`${base}_`),
  );
}

/** Whether the request declares this server tool (so the model may call it). */
export const declaresServerTool = (request: SimRequest, name: string): boolean =>
  declaration(request, name) !== undefined;

/**
 * Whether a call by this name is a server tool call: a server tool's name that the request doesn't
 * declare as a tool of its own (a custom tool may take any name).
 */
export function isServerCall(request: SimRequest, name: string): boolean {
  if (!SERVER_TOOL_NAMES.has(name)) return false;
  const custom = (request.tools ?? []).find(
    (t) => t.name === name && (t.type === undefined || t.type === "custom"),
  );
  return !custom;
}

/**
 * The 400 message for a call the request did not declare, or null when all are declared. A model
 * can only call the tools a request offers, so a script step that calls another is refused the way
 * the API refuses an undeclared server tool.
 */
export function undeclaredCall(request: SimRequest, calls: readonly ToolCall[]): string | null {
  for (const call of calls) {
    if (isServerCall(request, call.name)) {
      if (declaration(request, call.name)) continue;
      const base = declaringName(call.name);
      return (
        `tools: the response calls the server tool \`${call.name}\`, but the request does not declare ` +
        `\`${base}\` (add {"type": "${base}_<version>", "name": "${base}"} to \`tools\`).`
      );
    }
    if ((request.tools ?? []).some((t) => t.name === call.name)) continue;
    return (
      `tools: the response calls the tool \`${call.name}\`, but the request does not declare it ` +
      "(a sim script may only call tools the request offers in `tools`)."
    );
  }
  return null;
}

/** One server tool call as it appears in the response: the call, then its result block. */
export type ServerCall = {
  use: { id: string; name: string; input: Record<string, unknown>; json: string };
  result: ContentBlock;
  billed: "search" | "fetch" | null;
};

/** Counts within one response, for max_uses. */
export type ServerCounters = { search: number; fetch: number };

const DIRECT = { type: "direct" } as const;
const RESULTS_PER_SEARCH = 3;

const maxUses = (request: SimRequest, name: string): number => {
  const v = declaration(request, name)?.max_uses;
  return typeof v === "number" ? v : Number.POSITIVE_INFINITY;
};

/** Runs one declared server tool call, deterministically, and says whether it is billed. */
export function runServerCall(request: SimRequest, call: ToolCall, counters: ServerCounters): ServerCall {
  const id = serverToolUseId();
  const use = { id, name: call.name, input: call.input, json: JSON.stringify(call.input) };
  const done = (result: ContentBlock, billed: ServerCall["billed"] = null): ServerCall => ({
    use,
    result,
    billed,
  });
  switch (call.name) {
    case "web_search": {
      const searchError = (error_code: WebSearchToolResultErrorCode) =>
        done({
          type: "web_search_tool_result",
          tool_use_id: id,
          caller: DIRECT,
          content: { type: "web_search_tool_result_error", error_code },
        });
      const query = typeof call.input.query === "string" ? call.input.query.trim() : "";
      if (!query) return searchError("invalid_tool_input");
      if (counters.search >= maxUses(request, "web_search")) return searchError("max_uses_exceeded");
      counters.search++;
      const slug = `${slugify(query)}-${hashOf(query).slice(0, 6)}`;
      return done(
        {
          type: "web_search_tool_result",
          tool_use_id: id,
          caller: DIRECT,
          content: Array.from({ length: RESULTS_PER_SEARCH }, (_, i) => ({
            type: "web_search_result" as const,
            url: `https://example.com/sim/${slug}/${i + 1}`,
            title: `Simulated result ${i + 1} for "${quote(query, 60)}"`,
            encrypted_content: `sim_enc_${hashOf(query, String(i))}`,
            page_age: null,
          })),
        },
        "search",
      );
    }
    case "web_fetch": {
      const fetchError = (error_code: WebFetchToolResultErrorCode) =>
        done({
          type: "web_fetch_tool_result",
          tool_use_id: id,
          caller: DIRECT,
          content: { type: "web_fetch_tool_result_error", error_code },
        });
      const url = typeof call.input.url === "string" ? call.input.url.trim() : "";
      if (!/^https?:\/\/\S+$/i.test(url)) return fetchError("invalid_tool_input");
      if (counters.fetch >= maxUses(request, "web_fetch")) return fetchError("max_uses_exceeded");
      counters.fetch++;
      const cite = asRecord(declaration(request, "web_fetch")?.citations).enabled === true;
      return done(
        {
          type: "web_fetch_tool_result",
          tool_use_id: id,
          caller: DIRECT,
          content: {
            type: "web_fetch_result",
            url,
            retrieved_at: null,
            content: {
              type: "document",
              title: `Simulated page: ${url}`,
              citations: cite ? { enabled: true } : null,
              source: { type: "text", media_type: "text/plain", data: simulatedPage(url) },
            },
          },
        },
        "fetch",
      );
    }
    case "code_execution":
      return done({
        type: "code_execution_tool_result",
        tool_use_id: id,
        content: {
          type: "code_execution_result",
          stdout: "Simulated: code was not run.\n",
          stderr: "",
          return_code: 0,
          content: [],
        },
      });
    case "bash_code_execution":
      return done({
        type: "bash_code_execution_tool_result",
        tool_use_id: id,
        content: {
          type: "bash_code_execution_result",
          stdout: "Simulated: the command was not run.\n",
          stderr: "",
          return_code: 0,
          content: [],
        },
      });
    default:
      return done({
        type: "text_editor_code_execution_tool_result",
        tool_use_id: id,
        content: editResult(call),
      });
  }
}

function editResult(
  call: ToolCall,
): Extract<ContentBlock, { type: "text_editor_code_execution_tool_result" }>["content"] {
  switch (call.input.command) {
    case "view":
      return {
        type: "text_editor_code_execution_view_result",
        content: "Simulated: the file was not read.",
        file_type: "text",
        num_lines: 1,
        start_line: 1,
        total_lines: 1,
      };
    case "create":
      return { type: "text_editor_code_execution_create_result", is_file_update: false };
    case "str_replace":
      return {
        type: "text_editor_code_execution_str_replace_result",
        lines: null,
        new_lines: null,
        new_start: null,
        old_lines: null,
        old_start: null,
      };
    default:
      return {
        type: "text_editor_code_execution_tool_result_error",
        error_code: "invalid_tool_input",
        error_message: "Simulated: the command must be view, create or str_replace.",
      };
  }
}

function simulatedPage(url: string): string {
  return (
    `Simulated page for ${url}. No real fetch was made: the simulator stands in this text for the ` +
    "page, so the tool loop can be exercised offline."
  );
}

/**
 * Citations for the text that follows server results: the first result of the first search, and
 * the first fetched page when its tool was declared with citations enabled. `blocks` are result
 * blocks of this response, or of the paused response a continuation goes on from.
 */
export function citationsFor(blocks: readonly unknown[]): TextCitation[] {
  const out: TextCitation[] = [];
  let documentIndex = 0;
  let searched = false;
  let fetched = false;
  for (const raw of blocks) {
    const b = asRecord(raw);
    if (b.type === "web_search_tool_result" && !searched && Array.isArray(b.content) && b.content[0]) {
      const first = asRecord(b.content[0]);
      searched = true;
      out.push({
        type: "web_search_result_location",
        url: String(first.url),
        title: typeof first.title === "string" ? first.title : null,
        cited_text: `Simulated: no real web search was made (${String(first.url)}).`,
        encrypted_index: `sim_idx_${hashOf(String(first.url))}`,
      });
    }
    if (b.type === "web_fetch_tool_result") {
      const c = asRecord(b.content);
      if (c.type !== "web_fetch_result") continue;
      const doc = asRecord(c.content);
      const data = String(asRecord(doc.source).data ?? "");
      if (!fetched && asRecord(doc.citations).enabled === true) {
        fetched = true;
        const sentence = data.slice(0, data.indexOf(".") + 1 || data.length);
        out.push({
          type: "char_location",
          cited_text: sentence,
          document_index: documentIndex,
          document_title: typeof doc.title === "string" ? doc.title : null,
          start_char_index: 0,
          end_char_index: sentence.length,
          file_id: null,
        });
      }
      documentIndex++;
    }
  }
  return out;
}
