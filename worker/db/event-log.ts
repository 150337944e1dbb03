// The object's append-only event log. Each event gets the next gapless seq and is written to
// SQLite before anyone sees it; the output gate holds outgoing messages until the write is durable.
import type { EventBody, StreamEvent } from "../../schema/events";

export type LogEntry = { event: StreamEvent; json: string };

export class EventLog {
  private last: number;

  constructor(
    private readonly sql: SqlStorage,
    readonly stream: string,
  ) {
    this.last = sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM events").one().s;
  }

  /** The last written seq. */
  get lastSeq(): number {
    return this.last;
  }

  /** Gives the event the next seq, writes it, and returns it with its JSON (serialised once, for
   *  storage and every watcher). */
  append(body: EventBody): LogEntry {
    const event = { stream: this.stream, seq: this.last + 1, ts: Date.now(), ...body } as StreamEvent;
    const json = JSON.stringify(event);
    this.sql.exec(
      "INSERT INTO events (seq, ts, type, body) VALUES (?, ?, ?, ?)",
      event.seq,
      event.ts,
      event.type,
      json,
    );
    this.last = event.seq;
    return { event, json };
  }

  /** Raw JSON of events after `after`, oldest first: replay splices these without re-parsing. */
  readRaw(after: number, limit: number): string[] {
    const rows = this.sql.exec<{ body: string }>(
      "SELECT body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
      after,
      limit,
    );
    const out: string[] = [];
    for (const row of rows) out.push(row.body);
    return out;
  }

  /** The same with each event's seq and type, for formats that carry them apart (SSE, pages). */
  readRows(after: number, limit: number): { seq: number; type: string; body: string }[] {
    return this.sql
      .exec<{ seq: number; type: string; body: string }>(
        "SELECT seq, type, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
        after,
        limit,
      )
      .toArray();
  }

  read(after: number, limit: number): StreamEvent[] {
    return this.readRaw(after, limit).map((b) => JSON.parse(b) as StreamEvent);
  }

  /** The last `n` events (for status checks), oldest first. */
  tail(n: number): StreamEvent[] {
    return this.read(Math.max(0, this.last - n), n);
  }
}
