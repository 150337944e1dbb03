// search_files with bounded work (DESIGN §8). The pattern runs on the linear-time matcher
// (regex.ts), never on RegExp; files are read a page at a time (never the whole workspace at
// once); each search scans at most SEARCH.bytes and spends at most SEARCH.steps of matcher work,
// pausing every SEARCH.slice steps so the isolate keeps answering others. When a bound stops it
// early the result says so, and where to go on from.

import { CallerError } from "../../http/errors";
import { type Budget, BudgetExhausted, Matcher, PatternError, PatternSyntaxError } from "./regex";

export const SEARCH = {
  /** File bytes scanned per search. */
  bytes: 8 * 1024 * 1024,
  /** Matcher steps per search: about one per character, more for patterns that build many states. */
  steps: 12_000_000,
  /**
   * Steps between pauses: at most ~100 ms of CPU. Most searches finish inside one slice and never
   * pause; a pause waits for a timer, which the runtime may run only after pending requests.
   */
  slice: 1_000_000,
  /** File bytes held in memory at once (plus at most one larger file). */
  pageBytes: 1024 * 1024,
  maxMatches: 50,
  lineChars: 200,
} as const;

export type SearchOptions = {
  /** Only files whose path starts with this (a folder such as `notes/`, or a file). */
  path?: string;
  /** Only files whose path sorts after this one: continues a search that stopped early. */
  after?: string;
};
/** A matching line (1-based, its text cut to SEARCH.lineChars), or with line null a matching path. */
export type SearchHit = { path: string; line: number | null; text: string };
export type SearchResult = {
  hits: SearchHit[];
  /** Why the search stopped early (a bound), and how to go on; null when it searched everything. */
  note: string | null;
  /** When it stopped at a bound: search again with this as `after` to go on. */
  after: string | null;
};

/** `path:line: text`, or `path: (path matches)`: one hit as search_files shows it. */
export const formatHit = (h: SearchHit): string =>
  h.line === null ? `${h.path}: (path matches)` : `${h.path}:${h.line}: ${h.text}`;

/** Compiles the model's pattern; one that isn't valid regex syntax is searched for literally. */
export function compilePattern(pattern: string): Matcher {
  try {
    try {
      return new Matcher(pattern);
    } catch (err) {
      if (!(err instanceof PatternSyntaxError)) throw err;
      return new Matcher(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    }
  } catch (err) {
    if (err instanceof PatternError) {
      throw new CallerError(
        `this pattern can't be searched for: ${err.message} (the matcher runs in linear time).`,
      );
    }
    throw err;
  }
}

/**
 * A file's bytes, from its row header: the `size` column is stored after the content, so reading
 * it walks the content's overflow pages (see quota.ts).
 */
const BYTES = "octet_length(content)";

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
/**
 * Lets other requests in: a search never holds the isolate for more than one slice. Only a timer
 * does that (awaiting D1 or a MessageChannel resumes first, ahead of waiting requests).
 */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** SQL for "this orchestrator's files after `after`, under `prefix`", with its parameters. */
function scope(orchestratorId: string, after: string, prefix: string): [string, unknown[]] {
  // A prefix range compares bytes like SQLite does; U+10FFFF sorts after anything that extends it.
  const where = prefix
    ? "orchestrator_id = ? AND path > ? AND path >= ? AND path < ?"
    : "orchestrator_id = ? AND path > ?";
  return [where, prefix ? [orchestratorId, after, prefix, `${prefix}\u{10FFFF}`] : [orchestratorId, after]];
}

export async function searchFiles(
  db: D1Database,
  orchestratorId: string,
  pattern: string,
  opts: SearchOptions = {},
): Promise<SearchResult> {
  const matcher = compilePattern(pattern);
  const prefix = (opts.path ?? "").replace(/^\/+/, "");
  const budget: Budget = { steps: SEARCH.steps, slice: SEARCH.slice };
  const hits: SearchHit[] = [];
  let after = opts.after ?? "";
  let scanned = 0;
  let files = 0;
  /** The note for a search that stopped before `from`'s successors: what's left and how to go on. */
  const stopped = async (why: string, from: string) => {
    const [where, params] = scope(orchestratorId, from, prefix);
    const rest = await db
      .prepare(`SELECT count(*) AS n, coalesce(sum(${BYTES}), 0) AS bytes FROM files WHERE ${where}`)
      .bind(...params)
      .first<{ n: number; bytes: number }>();
    const left = rest?.n ? ` ${rest.n} files (${mib(rest.bytes)}) after it were not searched.` : "";
    const same = prefix ? " and the same path" : "";
    return `Stopped early: ${why}. Searched ${files} files (${mib(scanned)}).${left} To go on, search again with after: ${JSON.stringify(from)}${same}, or narrow the search with path.`;
  };

  for (;;) {
    const [where, params] = scope(orchestratorId, after, prefix);
    // Sizes first, so that one page of contents stays within SEARCH.pageBytes.
    const { results: sizes } = await db
      .prepare(`SELECT path, ${BYTES} AS size FROM files WHERE ${where} ORDER BY path LIMIT 500`)
      .bind(...params)
      .all<{ path: string; size: number }>();
    if (!sizes.length) return { hits, note: null, after: null };
    let take = 0;
    let pageBytes = 0;
    for (const { size } of sizes) {
      if (scanned + pageBytes + size > SEARCH.bytes) break;
      if (take > 0 && pageBytes + size > SEARCH.pageBytes) break;
      pageBytes += size;
      take++;
    }
    if (take === 0) {
      const why = `a search reads at most ${mib(SEARCH.bytes)} of files`;
      return { hits, note: await stopped(why, after), after };
    }
    const last = sizes[take - 1]!.path;
    const { results: rows } = await db
      .prepare(`SELECT path, size, content FROM files WHERE ${where} AND path <= ? ORDER BY path LIMIT ?`)
      .bind(...params, last, take)
      .all<{ path: string; size: number; content: string }>();
    for (const row of rows) {
      try {
        if (await matches(matcher, row.path, 0, row.path.length, budget))
          hits.push({ path: row.path, line: null, text: row.path });
        if (await scanLines(matcher, row, hits, budget)) {
          return {
            hits,
            note: `Showing the first ${SEARCH.maxMatches} matches; narrow the pattern or the path for others.`,
            after: null,
          };
        }
      } catch (err) {
        if (!(err instanceof BudgetExhausted)) throw err;
        const why = `the pattern used up this search's work budget in ${row.path}`;
        return { hits, note: await stopped(why, row.path), after: row.path };
      }
      scanned += row.size;
      files++;
    }
    after = last;
  }
}

/** Whether text[start, end) matches, pausing between slices of work. */
async function matches(matcher: Matcher, text: string, start: number, end: number, budget: Budget) {
  const scan = matcher.scan(text, start, end);
  while (!matcher.resume(scan, budget)) {
    await pause();
    budget.slice = SEARCH.slice;
  }
  return scan.found;
}

/** Adds a hit per matching line; true once SEARCH.maxMatches are found. */
async function scanLines(
  matcher: Matcher,
  file: { path: string; content: string },
  hits: SearchHit[],
  budget: Budget,
): Promise<boolean> {
  const { path, content } = file;
  let start = 0;
  for (let line = 1; start < content.length || line === 1; line++) {
    if (hits.length >= SEARCH.maxMatches) return true;
    let next = content.indexOf("\n", start);
    if (next < 0) next = content.length;
    // A CRLF line ends before its \r, so `$` works on Windows text too.
    const end = next > start && content.charCodeAt(next - 1) === 13 ? next - 1 : next;
    if (await matches(matcher, content, start, end, budget)) {
      hits.push({ path, line, text: content.slice(start, Math.min(end, start + SEARCH.lineChars)) });
    }
    start = next + 1;
  }
  return hits.length >= SEARCH.maxMatches;
}
