// An agent's notices to its orchestrator (results, usage, status) waiting to be delivered, in the
// agent's own SQLite: queued in the same transaction as what they tell, sent in order, deleted once
// the orchestrator has applied them (it applies each once: objects/notices.ts).
import { type Json, parse } from "./store-types";

export class NoticeQueue {
  constructor(private readonly sql: () => SqlStorage) {}

  queue(payload: unknown): void {
    this.sql().exec("INSERT INTO notifications (payload) VALUES (?)", JSON.stringify(payload));
  }

  /** The oldest `limit` notices, in order. */
  peek(limit = 100): { id: number; payload: unknown }[] {
    return this.sql()
      .exec<{ id: number; payload: Json }>("SELECT id, payload FROM notifications ORDER BY id LIMIT ?", limit)
      .toArray()
      .map((r) => ({ id: r.id, payload: parse<unknown>(r.payload) }));
  }

  /** Deletes the notices up to `uptoId`: delivered. */
  clear(uptoId: number): void {
    this.sql().exec("DELETE FROM notifications WHERE id <= ?", uptoId);
  }
}
