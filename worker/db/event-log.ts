// The object's append-only event log. Each event gets the next gapless seq and is written to
// SQLite before anyone sees it; the output gate holds outgoing messages until the write is durable.
// Rows leave out the stream name, the same in every row of an object (~25% of the table): reads
// splice it back in, so every event reads back whole. Rows written before that (migration
// 0002_events_without_stream strips them) read back as they are.
import type { EventBody, StreamEvent } from "../../schema/events";

export type LogEntry = { event: StreamEvent; json: string };

const LEGACY = '{"stream":';

export class EventLog {
  private last: number;
  /** `{"stream":"<stream>",`: what each stored row leaves out and each read puts back. */
  private readonly prefix: string;
  /** The stream name as JSON, for frames built by hand. */
  readonly streamJson: string;

  constructor(
    private readonly sql: SqlStorage,
    readonly stream: string,
  ) {
    this.last = sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM events").one().s;
    this.streamJson = JSON.stringify(stream);
    this.prefix = `{"stream":${this.streamJson},`;
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
      `{${json.slice(this.prefix.length)}`,
    );
    this.last = event.seq;
    return { event, json };
  }

  /** A stored row as the event's JSON, stream included. */
  private whole(body: string): string {
    return body.startsWith(LEGACY) ? body : this.prefix + body.slice(1);
  }

  /** Raw JSON of events after `after`, oldest first: replay splices these without re-parsing. */
  readRaw(after: number, limit: number): string[] {
    const rows = this.sql.exec<{ body: string }>(
      "SELECT body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
      after,
      limit,
    );
    const out: string[] = [];
    for (const row of rows) out.push(this.whole(row.body));
    return out;
  }

  /** The same with each event's seq and type, for formats that carry them apart (SSE, pages). */
  readRows(after: number, limit: number): { seq: number; type: string; body: string }[] {
    const rows = this.sql
      .exec<{ seq: number; type: string; body: string }>(
        "SELECT seq, type, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
        after,
        limit,
      )
      .toArray();
    for (const r of rows) r.body = this.whole(r.body);
    return rows;
  }

  read(after: number, limit: number): StreamEvent[] {
    return this.readRaw(after, limit).map((b) => JSON.parse(b) as StreamEvent);
  }

  /** The last `n` events (for status checks), oldest first. */
  tail(n: number): StreamEvent[] {
    return this.read(Math.max(0, this.last - n), n);
  }
}
