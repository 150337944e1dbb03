// The object's append-only event log. Each event gets the next gapless seq and is written to
// SQLite before anyone sees it; the output gate holds outgoing messages until the write is durable.
// Rows leave out the stream name, the same in every row of an object (~25% of the table): reads
// splice it back in, so every event reads back whole. Rows written before that (migration
// 0002_events_without_stream strips them) read back as they are.
//
// Events appended inside one store transaction share one row (issue 16): a message's completion
// and the usage it brings, say. Such a row is keyed by its last seq, its `type` lists its events'
// types between spaces (" message.completed usage.updated "), and its body is their stored JSON,
// one per line (JSON.stringify never writes a raw newline). Readers split it, so every read path
// still gives one event per seq. A transaction is the unit of durability either way: what it
// writes is kept, or not, together.
import type { EventBody, StreamEvent } from "../../schema/events";

export type LogEntry = { event: StreamEvent; json: string };

const LEGACY = '{"stream":';
/** A shared row's `type` starts with a space. */
const SHARED = 32;

export class EventLog {
  private last: number;
  /** `{"stream":"<stream>",`: what each stored row leaves out and each read puts back. */
  private readonly prefix: string;
  /** Events appended inside the transaction under way, written as its last statement. */
  private held: LogEntry[] = [];
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

  /** The last seq given out (written, or held for the transaction under way). */
  get lastSeq(): number {
    return this.last;
  }

  /**
   * Gives the event the next seq and returns it with its JSON (serialised once, for storage and
   * every watcher). Written now, or with `hold` (inside a store transaction) kept for `writeHeld`,
   * which the transaction calls last, so what it appends is one row.
   */
  append(body: EventBody, hold = false): LogEntry {
    const event = { stream: this.stream, seq: this.last + 1, ts: Date.now(), ...body } as StreamEvent;
    const json = JSON.stringify(event);
    this.last = event.seq;
    if (hold) this.held.push({ event, json });
    else this.insert(event.seq, event.ts, event.type, this.stored(json));
    return { event, json };
  }

  /** Writes the events held since the last call: one row, however many they are. */
  writeHeld(): void {
    const held = this.held;
    if (!held.length) return;
    this.held = [];
    if (held.length === 1) {
      const { event, json } = held[0]!;
      this.insert(event.seq, event.ts, event.type, this.stored(json));
      return;
    }
    const types = held.map((h) => h.event.type).join(" ");
    const body = held.map((h) => this.stored(h.json)).join("\n");
    this.insert(held[held.length - 1]!.event.seq, held[0]!.event.ts, ` ${types} `, body);
  }

  /** How many events are held: where a nested transaction's begin (dropHeld's `from`). */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Forgets what it holds from `from` on: the transaction that appended them rolled back (a nested
   * one leaves what the outer one holds). Their seqs are given out again. Returns what it dropped,
   * for what must be logged whatever the transaction became (text watchers already have).
   */
  dropHeld(from = 0): StreamEvent[] {
    const dropped = this.held.splice(from).map((h) => h.event);
    if (dropped.length) this.last = dropped[0]!.seq - 1;
    return dropped;
  }

  private insert(seq: number, ts: number, type: string, body: string): void {
    this.sql.exec("INSERT INTO events (seq, ts, type, body) VALUES (?, ?, ?, ?)", seq, ts, type, body);
  }

  /** An event's JSON as stored: without its stream. */
  private stored(json: string): string {
    return `{${json.slice(this.prefix.length)}`;
  }

  /** A stored row as the event's JSON, stream included. */
  private whole(body: string): string {
    return body.startsWith(LEGACY) ? body : this.prefix + body.slice(1);
  }

  /**
   * Events after `after`, oldest first, at most `limit`, each with its seq, type and stored JSON
   * (stream included): shared rows split back into their events.
   */
  readRows(after: number, limit: number): { seq: number; type: string; body: string }[] {
    const out: { seq: number; type: string; body: string }[] = [];
    const rows = this.sql.exec<{ seq: number; type: string; body: string }>(
      "SELECT seq, type, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
      after,
      limit,
    );
    for (const row of rows) {
      for (const e of this.split(row)) {
        if (e.seq <= after) continue;
        if (out.length === limit) return out;
        out.push(e);
      }
    }
    for (const h of this.heldAfter(after, limit - out.length))
      out.push({ seq: h.event.seq, type: h.event.type, body: h.json });
    return out;
  }

  /**
   * Held events after `after` (at most `n`): reads inside a transaction see what it appended so
   * far without writing it (a write there would split its row, or outlive a nested rollback).
   */
  private heldAfter(after: number, n: number): LogEntry[] {
    if (!this.held.length || n <= 0) return [];
    return this.held.filter((h) => h.event.seq > after).slice(0, n);
  }

  /** One stored row as its events, stream spliced back in. */
  private split(row: {
    seq: number;
    type: string;
    body: string;
  }): { seq: number; type: string; body: string }[] {
    if (row.type.charCodeAt(0) !== SHARED)
      return [{ seq: row.seq, type: row.type, body: this.whole(row.body) }];
    const types = row.type.trim().split(" ");
    const bodies = row.body.split("\n");
    const first = row.seq - bodies.length + 1;
    return bodies.map((b, i) => ({ seq: first + i, type: types[i]!, body: this.whole(b) }));
  }

  /**
   * Raw JSON of events after `after`, oldest first: replay splices these without re-parsing (the
   * same as readRows' bodies, without an object per event: a long replay reads 100k of them).
   */
  readRaw(after: number, limit: number): string[] {
    const out: string[] = [];
    const rows = this.sql.exec<{ type: string; body: string; seq: number }>(
      "SELECT type, body, seq FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
      after,
      limit,
    );
    for (const row of rows) {
      if (out.length === limit) break;
      if (row.type.charCodeAt(0) !== SHARED) {
        out.push(this.whole(row.body));
        continue;
      }
      for (const e of this.split(row)) {
        if (e.seq <= after) continue;
        if (out.length === limit) return out;
        out.push(e.body);
      }
    }
    for (const h of this.heldAfter(after, limit - out.length)) out.push(h.json);
    return out;
  }

  read(after: number, limit: number): StreamEvent[] {
    return this.readRaw(after, limit).map((b) => JSON.parse(b) as StreamEvent);
  }

  /** The last `n` events (for status checks), oldest first. */
  tail(n: number): StreamEvent[] {
    return this.read(Math.max(0, this.last - n), n);
  }

  /** The newest event of one of these types, or null (a scan from the end: recovery, run info). */
  lastOf<T extends StreamEvent["type"]>(
    types: T[],
    where: (e: Extract<StreamEvent, { type: T }>) => boolean = () => true,
  ): Extract<StreamEvent, { type: T }> | null {
    for (let i = this.held.length - 1; i >= 0; i--) {
      const e = this.held[i]!.event;
      if ((types as string[]).includes(e.type) && where(e as Extract<StreamEvent, { type: T }>))
        return e as Extract<StreamEvent, { type: T }>;
    }
    const marks = types.map((t) => ` ${t} `);
    const rows = this.sql.exec<{ seq: number; type: string; body: string }>(
      `SELECT seq, type, body FROM events WHERE type IN (${types.map(() => "?").join(", ")})
         OR (substr(type, 1, 1) = ' ' AND (${marks.map(() => "instr(type, ?) > 0").join(" OR ")}))
       ORDER BY seq DESC`,
      ...types,
      ...marks,
    );
    for (const row of rows) {
      const events = this.split(row).reverse();
      for (const e of events) {
        if (!(types as string[]).includes(e.type)) continue;
        const event = JSON.parse(e.body) as Extract<StreamEvent, { type: T }>;
        if (where(event)) return event;
      }
    }
    return null;
  }
}
