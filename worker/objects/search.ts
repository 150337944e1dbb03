// GET …/search: find text in an orchestrator's conversation. It reads what the export holds (the
// same fold over the event log: your messages, cancelled ones, the orchestrator's text, each tool
// call's name, input and clipped result, agents' reports), so a match is something a reader of
// the export would see, and a client can place it by messageId. Thinking and deltas of attempts
// that broke off are never searched, as they are never exported.
import type { ExportEntry, SearchMatch, SearchResponse } from "../../schema/api";
import type { EventLog } from "../db/event-log";
import { ExportFold } from "./export";

const PAGE = 500;
/** Characters of context kept before the match in a snippet; the snippet is at most SNIPPET long. */
const BEFORE = 60;
const SNIPPET = 160;

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** Where `q` (lower case, one line) occurs in `text`, and how often; null when it doesn't. */
export function findIn(text: string, q: string): { snippet: string; at: number; occurrences: number } | null {
  const line = oneLine(text);
  const lower = line.toLowerCase();
  const first = lower.indexOf(q);
  if (first < 0) return null;
  let occurrences = 0;
  for (let i = first; i >= 0; i = lower.indexOf(q, i + q.length)) occurrences++;
  const start = Math.max(0, first - BEFORE);
  const end = Math.min(line.length, Math.max(start + SNIPPET, first + q.length));
  const lead = start > 0 ? "…" : "";
  const snippet = `${lead}${line.slice(start, end)}${end < line.length ? "…" : ""}`;
  return { snippet, at: first - start + lead.length, occurrences };
}

const inputText = (input: unknown) =>
  input === undefined || input === null ? "" : typeof input === "string" ? input : JSON.stringify(input);

/** The matches one export entry holds (an assistant message: its text, then each tool call). */
export function entryMatches(e: ExportEntry, q: string): SearchMatch[] {
  switch (e.type) {
    case "user":
    case "cancelled": {
      const m = findIn(e.text, q);
      return m ? [{ type: e.type, ts: e.ts, messageId: e.messageId, ...m }] : [];
    }
    case "report": {
      const m = findIn(e.result, q);
      return m ? [{ type: "report", ts: e.ts, agentId: e.agentId, agent: e.agent, ...m }] : [];
    }
    case "assistant": {
      const out: SearchMatch[] = [];
      const m = findIn(e.text, q);
      if (m) out.push({ type: "assistant", ts: e.ts, messageId: e.messageId, ...m });
      for (const t of e.tools) {
        const tm = findIn([t.name, inputText(t.input), t.result ?? ""].join("\n"), q);
        if (tm) {
          out.push({
            type: "tool",
            ts: e.ts,
            messageId: e.messageId,
            toolUseId: t.toolUseId,
            tool: t.name,
            ...tm,
          });
        }
      }
      return out;
    }
    case "run":
      return [];
  }
}

/**
 * Every match of `query` in the log up to now, oldest first, at most `limit` (then `truncated`).
 * The log is read a page at a time, so a long history never sits in memory at once.
 */
export function searchConversation(log: EventLog, query: string, limit: number): SearchResponse {
  const q = oneLine(query).toLowerCase();
  const fold = new ExportFold();
  const matches: SearchMatch[] = [];
  const upto = log.lastSeq;
  let cursor = 0;
  // The export lists a cancelled message twice (as sent, then as cancelled): one match, marked.
  const mine = new Map<string, SearchMatch>();
  const take = (entries: ExportEntry[]) => {
    for (const e of entries) {
      if (e.type === "cancelled") {
        const sent = mine.get(e.messageId);
        if (sent) sent.type = "cancelled";
        continue;
      }
      for (const m of entryMatches(e, q)) {
        if (m.type === "user" && m.messageId) mine.set(m.messageId, m);
        matches.push(m);
      }
    }
  };
  while (cursor < upto && matches.length <= limit) {
    const events = log.read(cursor, Math.min(PAGE, upto - cursor));
    if (!events.length) break;
    cursor = events[events.length - 1]!.seq;
    for (const ev of events) take(fold.push(ev));
  }
  if (matches.length <= limit) take(fold.end());
  return { query, matches: matches.slice(0, limit), truncated: matches.length > limit };
}
