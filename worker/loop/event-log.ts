// The object's append-only event log. Each event gets the next gapless seq and is written to
// SQLite before anyone sees it; the output gate holds outgoing messages until the write is durable.
import type { EventBody, StreamEvent } from "../../schema/events";

export type LogEntry = { event: StreamEvent; json: string };

const ROWS_PER_INSERT = 25;

export class EventLog {
  /** Last seq handed out; events past `written` are held by a group commit. */
  private assigned: number;
  private written: number;

  constructor(
    private readonly sql: SqlStorage,
    readonly stream: string,
  ) {
    this.written = sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM events").one().s;
    this.assigned = this.written;
  }

  /** The last written (readable) seq. */
  get lastSeq(): number {
    return this.written;
  }

  /** Gives the event its seq and its JSON (serialised once, for storage and every watcher). */
  next(body: EventBody): LogEntry {
    const event = { stream: this.stream, seq: ++this.assigned, ts: Date.now(), ...body } as StreamEvent;
    return { event, json: JSON.stringify(event) };
  }

  /** Writes entries in order, up to 25 rows per INSERT (100 bound values). */
  write(entries: LogEntry[]): void {
    for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
      const chunk = entries.slice(i, i + ROWS_PER_INSERT);
      const values: (string | number)[] = [];
      for (const { event, json } of chunk) values.push(event.seq, event.ts, event.type, json);
      const rows = chunk.map(() => "(?, ?, ?, ?)").join(", ");
      this.sql.exec(`INSERT INTO events (seq, ts, type, body) VALUES ${rows}`, ...values);
      this.written = chunk[chunk.length - 1]!.event.seq;
    }
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
    return this.read(Math.max(0, this.written - n), n);
  }
}
