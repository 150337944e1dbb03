// The object store's in-memory copies must never disagree with its SQLite: every check below reads
// the same storage through a second, cold Store and compares.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SPILL_AT, SPILL_CHARS } from "../worker/db/ledger";
import type { RunStart } from "../worker/db/runs";
import { Store } from "../worker/db/store";
import { runOver } from "../worker/db/store-types";
import type { Orchestrator } from "../worker/objects/orchestrator";

/**
 * A bare store with a stand-in for the object's log, which says which run is under way (its last
 * run boundary: the run.started the runner logs with insertRun, until a terminal status): the store
 * reads a run that has no row yet from there (db/runs.ts). Cold stores share the stand-in.
 */
async function withStore(fn: (store: Store, cold: () => Store, sql: SqlStorage) => void): Promise<void> {
  const stub = env.ORCHESTRATOR.getByName(`store-${crypto.randomUUID()}`);
  await runInDurableObject(stub, (_o: Orchestrator, state) => {
    let underWay: RunStart | null = null;
    const logged = (store: Store): Store => {
      store.runUnderWayInLog = () => underWay;
      const insertRun = store.insertRun.bind(store);
      store.insertRun = (id, trigger, input) => {
        insertRun(id, trigger, input);
        underWay = { id, trigger, createdAt: Date.now(), input: input ?? null };
      };
      const setRunStatus = store.setRunStatus.bind(store);
      store.setRunStatus = (id, status) => {
        setRunStatus(id, status);
        if (runOver(status) && underWay?.id === id) underWay = null;
      };
      return store;
    };
    fn(logged(new Store(state.storage)), () => logged(new Store(state.storage)), state.storage.sql);
  });
}

/** Counts the statements run through `sql.exec` while `fn` runs. */
function countStatements(sql: SqlStorage, fn: () => void): number {
  const original = sql.exec.bind(sql);
  let n = 0;
  Object.defineProperty(sql, "exec", {
    configurable: true,
    value: (query: string, ...bindings: unknown[]) => {
      n++;
      return original(query, ...bindings);
    },
  });
  try {
    fn();
  } finally {
    Object.defineProperty(sql, "exec", { configurable: true, value: original });
  }
  return n;
}

const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 3, cacheWriteTokens: 2 };

describe("Store", () => {
  it("writes a meta value only when it changes, and reads it back from SQLite the same", async () => {
    await withStore((store, cold, sql) => {
      store.set("status", "executing");
      expect(countStatements(sql, () => store.set("status", "executing"))).toBe(0);
      expect(countStatements(sql, () => store.set("status", "complete"))).toBe(1);
      // Null on a key never written writes nothing: it reads back as undefined, taken as null.
      store.set("waiting", null);
      expect(countStatements(sql, () => store.set("waiting", null))).toBe(0);
      store.set("pausedTurn", "m1");
      expect(countStatements(sql, () => store.set("pausedTurn", null))).toBe(1);
      expect(cold().get("status")).toBe("complete");
      expect(cold().get("waiting")).toBeUndefined();
      expect(cold().get("pausedTurn")).toBeNull();
      expect(cold().get("note")).toBeUndefined();
    });
  });

  it("forgets its copies when a transaction rolls back", async () => {
    await withStore((store, cold) => {
      store.set("status", "idle");
      store.insertRun("r1", "user");
      store.appendMessage("r1", "m1", "user", [{ type: "text", text: "hi" }]);
      expect(store.conversation()).toHaveLength(1);
      expect(() =>
        store.transaction(() => {
          store.set("status", "executing");
          store.addRunUsage("r1", usage, 0.5);
          store.appendMessage("r1", "m2", "assistant", [{ type: "text", text: "hello" }]);
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(store.get("status")).toBe("idle");
      expect(store.run("r1")?.steps).toBe(0);
      expect(store.conversation().map((m) => m.messageId)).toEqual(["m1"]);
      expect(
        cold()
          .conversation()
          .map((m) => m.messageId),
      ).toEqual(["m1"]);
    });
  });

  it("keeps run totals and the conversation exactly as SQLite has them", async () => {
    await withStore((store, cold) => {
      store.insertRun("r1", "user");
      expect(store.run("r1")?.status).toBe("active");
      for (let i = 0; i < 7; i++) store.addRunUsage("r1", usage, 0.1);
      store.setRunStatus("r1", "completed");
      expect(store.run("r1")).toEqual(cold().run("r1"));
      expect(store.run("r1")).toMatchObject({ steps: 7, inputTokens: 70, status: "completed" });
      // A caller changing what it got back changes nothing stored.
      const run = store.run("r1")!;
      run.steps = 99;
      expect(store.run("r1")?.steps).toBe(7);

      const blocks = [{ type: "text" as const, text: "one" }];
      store.appendMessage("r1", "m1", "user", blocks);
      blocks[0]!.text = "changed after the append";
      store.appendMessage("r1", "m2", "assistant", [{ type: "text", text: "two" }]);
      store.appendMessage("r1", "m3", "user", [{ type: "text", text: "three" }]);
      expect(store.conversation()).toEqual(cold().conversation());
      expect(store.conversation()[0]!.content).toEqual([{ type: "text", text: "one" }]);
      const third = store.conversation()[2]!.idx;
      store.replacePrefix(third, [{ type: "text", text: "summary" }], "r1");
      expect(store.conversation()).toEqual(cold().conversation());
      expect(store.conversation().map((m) => m.messageId)).toEqual([`summary_${third}`, "m3"]);
    });
  });

  it("sends rows bound for D1 oldest first, and drops exactly those D1 took", async () => {
    await withStore((store, cold) => {
      store.queueD1("message", { n: 1 });
      store.queueD1("message", { n: 2 });
      const first = store.nextD1()!;
      expect(first.payloads).toEqual([{ n: 1 }, { n: 2 }]);
      // Queued during the (async) D1 send: stays after the send's rows are dropped.
      store.queueD1("message", { n: 3 });
      first.sent();
      expect(store.nextD1()!.payloads).toEqual([{ n: 3 }]);
      // A partial read (limit reached) drops only what it read.
      for (let n = 4; n < 7; n++) store.queueD1("message", { n });
      const two = store.nextD1(2)!;
      expect(two.payloads).toEqual([{ n: 3 }, { n: 4 }]);
      two.sent();
      expect(store.nextD1()!.payloads).toEqual([{ n: 5 }, { n: 6 }]);
      // The stored row still holds every row queued since its last write: a restart sends them again.
      expect(cold().nextD1()!.payloads).toEqual([3, 4, 5, 6].map((n) => ({ n })));
      store.nextD1()!.sent();
      expect(store.nextD1()).toBeNull();
      expect(store.hasD1()).toBe(false);
    });
  });

  it("writes one ledger row for a billed call's totals, context size, run usage and D1 rows", async () => {
    await withStore((store, cold, sql) => {
      store.insertRun("r1", "user");
      const changes = () => sql.exec<{ n: number }>("SELECT total_changes() AS n").one().n;
      const before = changes();
      store.transaction(() => {
        store.addRunUsage("r1", usage, 0.25);
        store.set("totals", { ...usage, costUsd: 0.25 });
        store.set("contextTokens", 20);
        store.queueD1("message", { id: "m1" });
        store.queueD1("tool_call", { id: "t1" });
      });
      expect(changes() - before).toBe(1);
      // A cold store (a restart) reads it all back, the run's usage over its row's.
      const fresh = cold();
      expect(fresh.get("totals")).toEqual({ ...usage, costUsd: 0.25 });
      expect(fresh.get("contextTokens")).toBe(20);
      expect(fresh.run("r1")).toMatchObject({ status: "active", steps: 1, inputTokens: 10, costUsd: 0.25 });
      expect(fresh.nextD1()!.payloads).toEqual([{ id: "m1" }, { id: "t1" }]);
      // The run's row takes its usage with its end, and reads the same cold.
      store.setRunStatus("r1", "completed");
      expect(cold().run("r1")).toEqual(store.run("r1"));
      expect(store.run("r1")).toMatchObject({ status: "completed", steps: 1, outputTokens: 5 });
    });
  });

  it("keeps each run's usage when the ledger moves on to the next run", async () => {
    await withStore((store, cold) => {
      store.insertRun("r1", "user");
      store.addRunUsage("r1", usage, 0.1);
      // r1 never reached a status change (a crash), and r2 bills: r1's usage goes to its own row.
      store.insertRun("r2", "user");
      store.addRunUsage("r2", usage, 0.2);
      expect(cold().run("r1")).toMatchObject({ steps: 1, inputTokens: 10 });
      expect(cold().run("r2")).toMatchObject({ steps: 1, costUsd: 0.2 });
      // Usage billed after a run ended (a late side call) lands in its row at once.
      store.setRunStatus("r2", "completed");
      store.addRunUsage("r2", usage, 0.2);
      expect(cold().run("r2")).toMatchObject({ status: "completed", steps: 2, costUsd: 0.4 });
    });
  });

  it("moves a D1 backlog to the outbox table and still sends it oldest first", async () => {
    await withStore((store, cold, sql) => {
      for (let n = 1; n <= SPILL_AT + 1; n++) store.queueD1("message", { n });
      expect(sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM outbox").one().c).toBe(SPILL_AT + 1);
      store.queueD1("message", { n: SPILL_AT + 2 });
      const seen: number[] = [];
      for (let next = store.nextD1(20); next; next = store.nextD1(20)) {
        seen.push(...next.payloads.map((p) => (p as { n: number }).n));
        next.sent();
      }
      expect(seen).toEqual(Array.from({ length: SPILL_AT + 2 }, (_, i) => i + 1));
      expect(sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM outbox").one().c).toBe(0);
      expect(cold().nextD1()!.payloads).toEqual([{ n: SPILL_AT + 2 }]);
    });
  });

  it("keeps the ledger row small: rows too big to carry from write to write go to the outbox table", async () => {
    await withStore((store, _cold, sql) => {
      const ledgerChars = () =>
        sql.exec<{ n: number }>("SELECT length(value) AS n FROM meta WHERE key = 'ledger'").one().n;
      const outboxRows = () => sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM outbox").one().c;
      // Tool results saved one after another (parallel calls): each would otherwise be rewritten
      // with every later one.
      for (let n = 1; n <= 5; n++) {
        store.queueD1("tool_call", { n, result: "r".repeat(SPILL_CHARS) });
        expect(ledgerChars()).toBeLessThan(SPILL_CHARS);
        expect(outboxRows()).toBe(n);
      }
      // Small rows stay in the ledger; all are still sent oldest first.
      store.queueD1("message", { n: 6 });
      expect(outboxRows()).toBe(5);
      const seen: number[] = [];
      for (let next = store.nextD1(2); next; next = store.nextD1(2)) {
        seen.push(...next.payloads.map((p) => (p as { n: number }).n));
        next.sent();
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });

  it("reads totals from an object's rows from before the ledger, until its next billed call", async () => {
    await withStore((store, cold, sql) => {
      const legacy = { ...usage, costUsd: 1.5 };
      sql.exec("INSERT INTO meta (key, value) VALUES ('totals', ?)", JSON.stringify({ v: legacy }));
      sql.exec("INSERT INTO meta (key, value) VALUES ('contextTokens', ?)", JSON.stringify({ v: 42 }));
      expect(store.get("totals")).toEqual(legacy);
      expect(store.get("contextTokens")).toBe(42);
      store.set("totals", { ...legacy, costUsd: 2 });
      expect(cold().get("totals")).toMatchObject({ costUsd: 2 });
      expect(cold().get("contextTokens")).toBe(42);
    });
  });

  it("keeps an outer transaction's ledger changes when a nested one rolls back", async () => {
    await withStore((store, cold) => {
      store.transaction(() => {
        store.queueD1("message", { n: 1 });
        try {
          store.transaction(() => {
            store.queueD1("message", { n: 2 });
            throw new Error("inner");
          });
        } catch {}
        store.set("contextTokens", 7);
      });
      expect(store.nextD1()!.payloads).toEqual([{ n: 1 }]);
      expect(cold().nextD1()!.payloads).toEqual([{ n: 1 }]);
      expect(cold().get("contextTokens")).toBe(7);
    });
  });

  it("round-trips inbox rows and tool results", async () => {
    await withStore((store) => {
      store.inbox.add("in1", "user", { text: "hello", messageId: "m1" }, "client-1");
      expect(store.inbox.byClientId("client-1")).toMatchObject({
        id: "in1",
        kind: "user",
        payload: { text: "hello", messageId: "m1" },
        runId: null,
      });
      expect(store.inbox.count()).toBe(1);
      expect(store.inbox.waiting().map((r) => r.id)).toEqual(["in1"]);
      store.inbox.take("in1", "r1");
      expect(store.inbox.count()).toBe(0);
      expect(store.inbox.waiting()).toEqual([]);
      const row = {
        toolUseId: "tu1",
        runId: "r1",
        name: "list_files",
        content: "[]",
        isError: false,
        ms: 3,
        createdAt: 1,
      };
      store.toolResults.save(row);
      store.toolResults.save({ ...row, content: "a second write is ignored", isError: true });
      expect(store.toolResults.get("tu1")).toEqual(row);
      expect(store.toolResults.get("tu2")).toBeUndefined();
    });
  });
});
