// Events one transaction appends share a log row (worker/db/event-log.ts). Every read path must
// still give one event per seq, gapless, from any cursor and with any limit, whatever mix of
// shared and single rows the log holds; and a rolled-back transaction's events are never written.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventBody } from "../schema/events";
import { EventLog } from "../worker/db/event-log";
import { Store } from "../worker/db/store";
import type { Orchestrator } from "../worker/objects/orchestrator";

async function withLog(
  fn: (log: EventLog, store: Store, sql: SqlStorage, current: () => EventLog) => void,
): Promise<void> {
  const stub = env.ORCHESTRATOR.getByName(`log-${crypto.randomUUID()}`);
  await runInDurableObject(stub, (_o: Orchestrator, state) => {
    const store = new Store(state.storage);
    let log = new EventLog(state.storage.sql, "orchestrator:test");
    store.onWriteHeld = () => log.writeHeld();
    // As the object does: a nested rollback drops its own held events; an outermost one starts the
    // log again from what SQLite has.
    store.heldCount = () => log.heldCount;
    store.onRollback = (heldFrom) => {
      log.dropHeld(heldFrom ?? 0);
      if (heldFrom === null) log = new EventLog(state.storage.sql, "orchestrator:test");
    };
    fn(
      new Proxy({} as EventLog, {
        get: (_t, key) => {
          const v = (log as unknown as Record<string | symbol, unknown>)[key];
          return typeof v === "function" ? v.bind(log) : v;
        },
      }),
      store,
      state.storage.sql,
      () => log,
    );
  });
}

const text = (n: number): EventBody => ({
  type: "text.delta",
  messageId: "m1",
  index: 0,
  text: `t${n}`,
  offset: n,
});
const rowCount = (sql: SqlStorage) => sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM events").one().c;

describe("shared log rows", () => {
  it("reads one event per seq from any cursor, with any limit", async () => {
    await withLog((log, store, sql) => {
      // Rows: [1] [2 3 4] [5] [6 7] [8]: a nested transaction's events join the outer one's row
      // (were it to roll back alone, only its own would go).
      log.append(text(1));
      store.transaction(() => {
        for (const n of [2, 3, 4]) log.append(text(n), store.inTransaction);
      });
      log.append(text(5));
      store.transaction(() => {
        log.append(text(6), store.inTransaction);
        store.transaction(() => log.append(text(7), store.inTransaction));
      });
      log.append(text(8));
      expect(rowCount(sql)).toBe(5);
      expect(log.lastSeq).toBe(8);
      for (let after = 0; after <= 8; after++) {
        for (let limit = 1; limit <= 9; limit++) {
          const want = Array.from({ length: Math.min(limit, 8 - after) }, (_, i) => after + 1 + i);
          const rows = log.readRows(after, limit);
          expect(rows.map((r) => r.seq)).toEqual(want);
          expect(rows.every((r) => r.type === "text.delta")).toBe(true);
          expect(log.read(after, limit).map((e) => [e.seq, e.type === "text.delta" && e.text])).toEqual(
            want.map((s) => [s, `t${s}`]),
          );
          expect(log.readRaw(after, limit)).toEqual(rows.map((r) => r.body));
        }
      }
      expect(log.tail(3).map((e) => e.seq)).toEqual([6, 7, 8]);
    });
  });

  it("finds the newest event of a type inside a shared row", async () => {
    await withLog((log, store) => {
      log.append({ type: "run.started", runId: "r1", trigger: "user" });
      store.transaction(() => {
        log.append(
          { type: "run.failed", runId: "r1", error: { code: "internal_error", message: "one" } },
          true,
        );
        log.append(text(1), true);
      });
      store.transaction(() => {
        log.append({ type: "run.started", runId: "r2", trigger: "user" }, true);
        log.append(
          { type: "run.failed", runId: "r2", error: { code: "internal_error", message: "two" } },
          true,
        );
      });
      expect(log.lastOf(["run.failed"])?.runId).toBe("r2");
      expect(log.lastOf(["run.failed"], (e) => e.runId === "r1")?.error.message).toBe("one");
      expect(log.lastOf(["run.started", "text.delta"])?.type).toBe("run.started");
      expect(log.lastOf(["message.started"])).toBeNull();
    });
  });

  it("never writes the events of a transaction that rolled back, nested or not", async () => {
    await withLog((log, store, sql) => {
      log.append(text(1));
      expect(() =>
        store.transaction(() => {
          log.append(text(2), true);
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(log.lastSeq).toBe(1);
      store.transaction(() => {
        log.append(text(2), true);
        try {
          store.transaction(() => {
            log.append(text(3), true);
            throw new Error("inner");
          });
        } catch {}
        log.append(text(3), true);
      });
      expect(log.read(0, 10).map((e) => (e.type === "text.delta" ? e.text : ""))).toEqual(["t1", "t2", "t3"]);
      // The outer transaction's events are one row, the nested one's rollback notwithstanding.
      expect(rowCount(sql)).toBe(2);
      expect(log.read(0, 10).map((e) => e.seq)).toEqual([1, 2, 3]);
    });
  });

  it("reads inside a transaction see what it holds without writing it, and a nested one keeps the row whole", async () => {
    await withLog((log, store, sql) => {
      log.append(text(1));
      store.transaction(() => {
        log.append(text(2), true);
        expect(log.read(0, 10).map((e) => e.seq)).toEqual([1, 2]);
        expect(log.readRows(1, 10).map((e) => e.seq)).toEqual([2]);
        expect(log.read(0, 1).map((e) => e.seq)).toEqual([1]);
        expect(log.lastOf(["text.delta"])?.seq).toBe(2);
        expect(rowCount(sql)).toBe(1);
        store.transaction(() => log.append({ type: "run.started", runId: "r1", trigger: "user" }, true));
        log.append(text(3), true);
      });
      expect(rowCount(sql)).toBe(2);
      expect(log.read(0, 10).map((e) => e.type)).toEqual([
        "text.delta",
        "text.delta",
        "run.started",
        "text.delta",
      ]);
    });
  });

  it("a replay still reading through the log it began with never writes what was rolled back", async () => {
    await withLog((log, store, sql, current) => {
      const before = current();
      expect(() =>
        store.transaction(() => {
          log.append(text(1), true);
          log.append(text(2), true);
          throw new Error("boom");
        }),
      ).toThrow("boom");
      log.append(text(1));
      log.append(text(2));
      expect(before).not.toBe(current());
      expect(before.readRaw(0, 10)).toHaveLength(2);
      expect(rowCount(sql)).toBe(2);
    });
  });
});
