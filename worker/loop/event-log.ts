// The object's append-only event log. Each event gets the next gapless seq and is written to
// SQLite before anyone sees it; the output gate holds outgoing messages until the write is durable.
import type { EventBody, StreamEvent } from "../../schema/events";

export class EventLog {
  private seq: number;

  constructor(
    private readonly sql: SqlStorage,
    readonly stream: string,
  ) {
    this.seq = sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM events").one().s;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Appends and returns the event with its JSON, so broadcasting doesn't serialise it again. */
  append(body: EventBody): { event: StreamEvent; json: string } {
    const event = { stream: this.stream, seq: this.seq + 1, ts: Date.now(), ...body } as StreamEvent;
    const json = JSON.stringify(event);
    this.sql.exec(
      "INSERT INTO events (seq, ts, type, body) VALUES (?, ?, ?, ?)",
      event.seq,
      event.ts,
      event.type,
      json,
    );
    this.seq = event.seq;
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

  read(after: number, limit: number): StreamEvent[] {
    return this.readRaw(after, limit).map((b) => JSON.parse(b) as StreamEvent);
  }

  /** The last `n` events (for status checks), oldest first. */
  tail(n: number): StreamEvent[] {
    return this.read(Math.max(0, this.seq - n), n);
  }
}
