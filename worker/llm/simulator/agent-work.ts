// The demo brain as an agent (offered `write_file` and `report`), step by step from the
// conversation (which calls it made since its task and what they returned):
// - A task that names an existing file and asks for a change reads the file, writes it back
//   revised (drafts.ts `revise`), and reports what changed.
// - Any other task writes a file shaped by its part and the request (drafts.ts `draftFor`) — a
//   research-like one searches the web first when web_search is declared — and reports.
import type { PastCall, ToolCall } from "./conversation";
import { draftFor, partOfTask, pathsIn, requestOf, revise } from "./drafts";
import { hashOf } from "./hash";
import { keywords, quote, slugify, titleOf } from "./prose";

export type Decision = { why: string; text?: string; tools: ToolCall[] };

const EDIT =
  /\b(add|edit|update|revise|change|fix|shorten|shorter|expand|rewrite|improve|append|extend|tweak|polish|correct|trim|condense|tighten)\b/i;

export function work(said: string, calls: PastCall[], canSearch: boolean): Decision {
  if (calls.some((c) => c.name === "report")) {
    return { why: "I've reported; my part is done.", text: "Reported back; my part is done.", tools: [] };
  }
  const target = pathsIn(said)[0];
  if (target && EDIT.test(requestOf(said))) return edit(said, target, calls);
  return draft(said, calls, canSearch);
}

function edit(said: string, path: string, calls: PastCall[]): Decision {
  const read = calls.find((c) => c.name === "read_file");
  if (!read) {
    return {
      why: `I'm asked to change ${path}: read it first, so the change fits what is there.`,
      text: `Reading ${path} first.`,
      tools: [{ name: "read_file", input: { path } }],
    };
  }
  // A file that isn't there yet is written fresh, in its place.
  const missing = read.result?.isError === true;
  if (missing && !/not found|no such|does not exist|doesn't exist/i.test(read.result?.text ?? "")) {
    return report(`Could not change ${path}: ${quote(read.result?.text ?? "", 160)}`);
  }
  const write = calls.find((c) => c.name === "write_file");
  const { content, change } = missing
    ? { content: draftFor(said, partOfTask(said)), change: "wrote it (it didn't exist yet)" }
    : revise(read.result?.text ?? "", said);
  if (!write) {
    return {
      why: `I have ${path}; ${change}, keeping the rest as it was.`,
      text: `Updating ${path}: ${change}.`,
      tools: [{ name: "write_file", input: { path, content } }],
    };
  }
  return report(
    write.result?.isError
      ? `Could not write ${path}: ${quote(write.result.text, 160)}`
      : `Updated ${path}: ${change}.`,
  );
}

function draft(said: string, calls: PastCall[], canSearch: boolean): Decision {
  const request = requestOf(said);
  const part = partOfTask(said);
  // The hash keeps two agents given the same request (researcher, writer) from overwriting each other.
  const path = `notes/${slugify(request)}-${part}-${hashOf(said).slice(0, 4)}.md`;
  const write = calls.find((c) => c.name === "write_file");
  if (!write) {
    const call: ToolCall = { name: "write_file", input: { path, content: draftFor(said, part) } };
    if (canSearch && part !== "review" && researchLike(said)) {
      // The search runs inside this response; the text after it cites a (simulated) result.
      const query = keywords(request, 6).join(" ") || quote(request, 80);
      return {
        why: `My task: "${quote(request, 100)}". It's research: search the web first, then write ${path}.`,
        text: `I searched the web for "${query}" (simulated results) and will write my notes to ${path}.`,
        tools: [{ name: "web_search", input: { query } }, call],
      };
    }
    return {
      why: `My task: "${quote(request, 100)}". I'll write ${path}, then report.`,
      text: `I'll write ${path}.`,
      tools: [call],
    };
  }
  return report(
    write.result?.isError
      ? `Could not write ${path}: ${quote(write.result.text, 160)}`
      : `Wrote ${path} — ${part === "review" ? "a review checklist for" : part === "research" ? "research notes on" : "a draft of"} ${titleOf(request).toLowerCase()}.`,
  );
}

function report(result: string): Decision {
  return { why: "Done; report the outcome.", tools: [{ name: "report", input: { result } }] };
}

function researchLike(said: string): boolean {
  return /\b(research|find out|look up|search)/i.test(said);
}
