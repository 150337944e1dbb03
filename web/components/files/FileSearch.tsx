// Search across the workspace (GET …/file-search: the agents' linear-time matcher, case-insensitive,
// plain text or a regular expression). The query lives in the URL (?q=), so Back returns to the
// results; each hit links to its file at its line.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useResource } from "../../hooks/useResource";
import { type FileSearchMatch, workspaceApi } from "../../lib/workspace";
import { Icon } from "../Icon";

const DEBOUNCE_MS = 300;

/** The search box; it sets the query after a pause in typing, or at once on Enter. */
export function FileSearchBox({ query, onQuery }: { query: string; onQuery: (q: string) => void }) {
  const [text, setText] = useState(query);
  const last = useRef(query);
  // The URL changed under us (Back, a cleared search): show what it says.
  useEffect(() => {
    if (query !== last.current) {
      last.current = query;
      setText(query);
    }
  }, [query]);
  useEffect(() => {
    const q = text.trim();
    if (q === last.current) return;
    const t = setTimeout(() => {
      if (q === last.current) return; // Enter already searched for it
      last.current = q;
      onQuery(q);
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, onQuery]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    last.current = text.trim();
    onQuery(text.trim());
  };
  return (
    <form className="files-search" aria-label="File search" onSubmit={submit}>
      <Icon name="search" size={14} />
      <input
        type="search"
        className="input input-sm"
        aria-label="Search in files"
        placeholder="Search in files"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape" && text) {
            e.preventDefault();
            setText("");
            last.current = "";
            onQuery("");
          }
        }}
      />
    </form>
  );
}

/** The matches for `query`, grouped by file. */
export function FileSearchResults({
  orchestratorId,
  query,
  linkTo,
  current,
}: {
  orchestratorId: string;
  query: string;
  linkTo: (path: string, line: number | null) => string;
  /** The file (and line) open now: its hit is marked. */
  current: { path: string | null; line: number | null };
}) {
  const found = useResource(() => workspaceApi.search(orchestratorId, query), `${orchestratorId}:${query}`);
  if (found.error) {
    return (
      <div className="notice notice-error search-note" role="alert">
        {found.error.message}
      </div>
    );
  }
  if (!found.data) {
    return (
      <p className="muted search-note" aria-busy="true">
        Searching…
      </p>
    );
  }
  const groups = group(found.data.matches);
  const lines = found.data.matches.filter((m) => m.line !== null).length;
  return (
    <div className="search-results">
      <p className="muted search-note" role="status">
        {groups.length === 0
          ? `No matches for “${query}”.`
          : `${lines} matching ${lines === 1 ? "line" : "lines"} in ${groups.length} ${groups.length === 1 ? "file" : "files"}`}
      </p>
      <ul aria-label="Search results">
        {groups.map(([path, hits]) => (
          <li key={path}>
            <Link className="search-path" to={linkTo(path, null)} title={path}>
              <Icon name="file" size={14} />
              <span className="truncate">{path}</span>
              {hits.some((h) => h.line === null) && <span className="badge">name</span>}
            </Link>
            <ul>
              {hits
                .filter((h) => h.line !== null)
                .map((h) => (
                  <li key={h.line}>
                    <Link
                      className="search-hit"
                      to={linkTo(path, h.line)}
                      data-line={h.line}
                      aria-current={current.path === path && current.line === h.line ? "true" : undefined}
                    >
                      <span className="search-line num">
                        <span className="sr-only">Line </span>
                        {h.line}
                      </span>
                      <code>{highlight(h.text, query)}</code>
                    </Link>
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
      {found.data.note && <p className="muted search-note">{found.data.note}</p>}
    </div>
  );
}

function group(matches: readonly FileSearchMatch[]): [string, FileSearchMatch[]][] {
  const by = new Map<string, FileSearchMatch[]>();
  for (const m of matches) by.set(m.path, [...(by.get(m.path) ?? []), m]);
  return [...by];
}

/**
 * Marks the first occurrence of a plain-text query. A pattern with regex syntax isn't re-run here
 * (the server's matcher is linear-time; the browser's RegExp is not): its lines show unmarked.
 */
function highlight(text: string, query: string) {
  if (/[\\^$.*+?()[\]{}|]/.test(query)) return text;
  const at = text.toLowerCase().indexOf(query.toLowerCase());
  if (at < 0) return text;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + query.length)}</mark>
      {text.slice(at + query.length)}
    </>
  );
}
