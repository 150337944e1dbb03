// Pages of an object's event log for GET …/events (DESIGN §4: history and gap fill): the stored
// JSON rows spliced into the answer as they are, or parsed for callers inside the runtime.
import type { EventsPage } from "../../schema/api";
import type { StreamEvent } from "../../schema/events";
import type { EventLog } from "../db/event-log";

function page(log: EventLog, after: number, limit: number) {
  const rows = log.readRows(after, limit);
  const lastSeq = log.lastSeq;
  const reached = rows.length ? rows[rows.length - 1]!.seq : after;
  return { rows, lastSeq, hasMore: reached < lastSeq };
}

export function eventsPage(log: EventLog, after: number, limit: number): EventsPage {
  const { rows, lastSeq, hasMore } = page(log, after, limit);
  return { events: rows.map((r) => JSON.parse(r.body) as StreamEvent), lastSeq, hasMore };
}

export function eventsPageJson(log: EventLog, after: number, limit: number): string {
  const { rows, lastSeq, hasMore } = page(log, after, limit);
  return `{"events":[${rows.map((r) => r.body).join(",")}],"lastSeq":${lastSeq},"hasMore":${hasMore}}`;
}
