// The outbox table: rows bound for D1 that wait longer than the ledger row should carry them (a
// backlog while D1 is unavailable: ledger.ts), and rows queued before the ledger. Older than what
// the ledger holds, so they are sent first; deleted once D1 has them.
import type { QueuedD1 } from "./ledger";
import { type Json, parse } from "./store-types";

export class OutboxTable {
  /** True once the table is known to be empty, so an idle flush costs no query. */
  private empty = false;
  /** Rows added so far, and how many had been when the last read saw the whole table. */
  private added = 0;
  private wholeAt = -1;

  constructor(private readonly sql: () => SqlStorage) {}

  add(items: QueuedD1[]): void {
    for (const item of items) {
      this.sql().exec(
        "INSERT INTO outbox (kind, payload) VALUES (?, ?)",
        item.kind,
        JSON.stringify(item.payload),
      );
    }
    this.added += items.length;
    this.empty = false;
  }

  /** The oldest `limit` rows, in order. */
  read(limit: number): { id: number; payload: unknown }[] {
    if (this.empty) return [];
    const rows = this.sql()
      .exec<{ id: number; payload: Json }>("SELECT id, payload FROM outbox ORDER BY id LIMIT ?", limit)
      .toArray();
    if (!rows.length) this.empty = true;
    this.wholeAt = rows.length < limit ? this.added : -1;
    return rows.map((r) => ({ id: r.id, payload: parse<unknown>(r.payload) }));
  }

  /** Deletes sent rows; when they were the whole table and nothing was added since, it's empty. */
  clear(uptoId: number): void {
    this.sql().exec("DELETE FROM outbox WHERE id <= ?", uptoId);
    if (this.wholeAt === this.added) this.empty = true;
  }

  /** After a rollback: nothing is known until the next read. */
  forget(): void {
    this.empty = false;
    this.wholeAt = -1;
  }
}
