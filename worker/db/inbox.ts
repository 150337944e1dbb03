// What waits for the object to be free: user messages, tasks and agent reports, in its own SQLite.
// A run takes them in (runner.ts); Stop all cancels what waits; a repeat send is found by clientId.
// A message or task that finds the object idle never waits: the run it starts keeps it in its row
// (runs.ts), and Store.input() looks in both places.
import { type InboxKind, type InboxPayload, type InboxRow, type InboxSql, toInbox } from "./store-types";

export class Inbox {
  constructor(private readonly sql: () => SqlStorage) {}

  byClientId(clientId: string): InboxRow | undefined {
    const r = this.sql().exec<InboxSql>("SELECT * FROM inbox WHERE client_id = ?", clientId).toArray()[0];
    return r ? toInbox(r) : undefined;
  }

  /** `takenBy`: the run that takes it in as it arrives (one row, not an insert and an update). */
  add(id: string, kind: InboxKind, payload: InboxPayload, clientId?: string, takenBy?: string | null): void {
    const now = Date.now();
    this.sql().exec(
      "INSERT INTO inbox (id, kind, payload, client_id, run_id, created_at, consumed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      id,
      kind,
      JSON.stringify(payload),
      clientId ?? null,
      takenBy ?? null,
      now,
      takenBy ? now : null,
    );
  }

  /** Everything waiting, oldest first (bounded: sends are rate-limited, tasks and reports capped). */
  waiting(): InboxRow[] {
    return this.sql()
      .exec<InboxSql>("SELECT * FROM inbox WHERE consumed_at IS NULL ORDER BY created_at, id")
      .toArray()
      .map(toInbox);
  }

  count(kind?: InboxKind): number {
    return kind
      ? this.sql()
          .exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE consumed_at IS NULL AND kind = ?", kind)
          .one().n
      : this.sql().exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE consumed_at IS NULL").one().n;
  }

  /** Drops everything waiting (Stop all): consumed by no run. Returns what was dropped. */
  cancelAll(): InboxRow[] {
    return this.sql()
      .exec<InboxSql>("UPDATE inbox SET consumed_at = ? WHERE consumed_at IS NULL RETURNING *", Date.now())
      .toArray()
      .map(toInbox);
  }

  /** The inbox row of a message (a user message, a task, a report) by its message id. */
  byMessageId(messageId: string): InboxRow | undefined {
    const r = this.sql()
      .exec<InboxSql>(
        "SELECT * FROM inbox WHERE json_extract(payload, '$.messageId') = ? ORDER BY created_at LIMIT 1",
        messageId,
      )
      .toArray()[0];
    return r ? toInbox(r) : undefined;
  }

  take(id: string, runId: string | null): void {
    this.sql().exec("UPDATE inbox SET consumed_at = ?, run_id = ? WHERE id = ?", Date.now(), runId, id);
  }

  /** Drops queued agent reports for these agents (a wait already delivered their results). */
  takeReports(agentIds: string[], runId: string): void {
    if (!agentIds.length) return;
    const rows = this.sql()
      .exec<InboxSql>("SELECT * FROM inbox WHERE consumed_at IS NULL AND kind = 'agent_report'")
      .toArray()
      .map(toInbox);
    for (const r of rows) if (agentIds.includes(r.payload.agentId ?? "")) this.take(r.id, runId);
  }
}
