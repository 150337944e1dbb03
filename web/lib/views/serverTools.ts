// Server tool cards (DESIGN §9): web_search, web_fetch and code_execution results arrive as
// `tool.result {server:true}` whose content is the readable summary the Worker writes
// (worker/loop/server-tools.ts summarizeServerResult). This takes that summary apart for display —
// search results as titled links, a fetched page as URL, size and excerpt, code as the code with its
// stdout, stderr and return code — and falls back to the plain text (errors, anything unrecognised).

export type SearchResult = { title: string; url: string; href: string | null };

export type ServerView =
  | { kind: "search"; results: SearchResult[] }
  | { kind: "fetch"; url: string; href: string | null; size: string; title: string | null; excerpt: string }
  | {
      kind: "code";
      code: string | null;
      returnCode: number;
      stdout: string;
      stderr: string;
    }
  | { kind: "text"; text: string };

/**
 * An external link a result may carry: an absolute http(s) URL only, refusing control characters
 * and backslashes as web/lib/markdown.ts `safeHref` does (kept separate so tool cards don't pull in
 * the markdown renderer).
 */
export function externalHref(raw: string): string | null {
  const h = raw.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (!h || /[\u0000-\u001f\u007f\\\s]/.test(h)) return null;
  if (!/^https?:\/\//i.test(h) || !URL.canParse(h)) return null;
  return new URL(h).href;
}

function parseSearch(text: string): SearchResult[] | null {
  if (text === "No results.") return [];
  const lines = text.split("\n");
  if (!/^\d+ results?:$/.test(lines[0] ?? "")) return null;
  const results: SearchResult[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const title = /^\d+\. (.*)$/.exec(lines[i]!)?.[1];
    const url = /^ {3}(\S+)$/.exec(lines[i + 1]!)?.[1];
    if (title === undefined || url === undefined) return null;
    results.push({ title, url, href: externalHref(url) });
  }
  return results;
}

const FETCHED = /^Fetched (\S+) \(([^)\n]*)\)(?:\nTitle: ([^\n]*))?(?:\n\n([\s\S]*))?$/;
const CODE = /^Return code (-?\d+)\n\[stdout\]\n/;
const STDERR = "\n[stderr]\n";

/** The code a call ran, from its input: python `code`, a bash `command`, or a file edit's path. */
function codeOf(name: string, input: unknown): string | null {
  if (!input || typeof input !== "object") return null;
  const o = input as Record<string, unknown>;
  if (typeof o.code === "string") return o.code;
  if (name === "text_editor_code_execution" && typeof o.path === "string")
    return `${typeof o.command === "string" ? o.command : "edit"} ${o.path}`;
  if (typeof o.command === "string") return o.command;
  return null;
}

/** How to show a server tool's result; null while it has none. */
export function serverView(
  name: string,
  input: unknown,
  result: string | null,
  isError: boolean,
): ServerView | null {
  if (result === null) return null;
  const code = CODE.exec(result);
  if (code) {
    const rest = result.slice(code[0].length);
    const cut = rest.lastIndexOf(STDERR);
    return {
      kind: "code",
      code: codeOf(name, input),
      returnCode: Number(code[1]),
      stdout: cut >= 0 ? rest.slice(0, cut) : rest,
      stderr: cut >= 0 ? rest.slice(cut + STDERR.length) : "",
    };
  }
  if (!isError && name === "web_search") {
    const results = parseSearch(result);
    if (results) return { kind: "search", results };
  }
  const fetched = !isError && name === "web_fetch" ? FETCHED.exec(result) : null;
  if (fetched) {
    const url = fetched[1]!;
    return {
      kind: "fetch",
      url,
      href: externalHref(url),
      size: fetched[2]!,
      title: fetched[3] ?? null,
      excerpt: fetched[4] ?? "",
    };
  }
  return { kind: "text", text: result };
}

/** The host of a URL, for a compact source line ("en.wikipedia.org"). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
