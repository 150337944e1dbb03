// The object store's in-memory copies must never disagree with its SQLite: every check below reads
// the same storage through a second, cold Store and compares.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Store } from "../worker/db/store";
import type { Orchestrator } from "../worker/objects/orchestrator";

async function withStore(fn: (store: Store, cold: () => Store, sql: SqlStorage) => void): Promise<void> {
  const stub = env.ORCHESTRATOR.getByName(`store-${crypto.randomUUID()}`);
  await runInDurableObject(stub, (_o: Orchestrator, state) => {
    const store = new Store(state.storage);
    fn(store, () => new Store(state.storage), state.storage.sql);
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

  it("knows an emptied outbox is empty, unless a row was queued while it was being sent", async () => {
    await withStore((store, cold, sql) => {
      store.queueD1("message", { n: 1 });
      store.queueD1("message", { n: 2 });
      const sent = store.outbox();
      expect(sent.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 2 }]);
      store.clearOutbox(sent[sent.length - 1]!.id);
      expect(countStatements(sql, () => expect(store.outbox()).toEqual([]))).toBe(0);

      // Read, then a row queued during the (async) D1 send, then the clear of what was read.
      store.queueD1("message", { n: 3 });
      const batch = store.outbox();
      store.queueD1("message", { n: 4 });
      store.clearOutbox(batch[batch.length - 1]!.id);
      expect(store.outbox().map((r) => r.payload)).toEqual([{ n: 4 }]);
      expect(
        cold()
          .outbox()
          .map((r) => r.payload),
      ).toEqual([{ n: 4 }]);

      // A partial read (limit reached) doesn't prove the rest is gone either.
      for (let n = 5; n < 9; n++) store.queueD1("message", { n });
      const firstTwo = store.outbox(2);
      store.clearOutbox(firstTwo[1]!.id);
      expect(store.outbox().map((r) => r.payload)).toEqual([{ n: 6 }, { n: 7 }, { n: 8 }]);
    });
  });

  it("round-trips inbox rows and tool results", async () => {
    await withStore((store) => {
      store.enqueue("in1", "user", { text: "hello", messageId: "m1" }, "client-1");
      expect(store.inboxByClientId("client-1")).toMatchObject({
        id: "in1",
        kind: "user",
        payload: { text: "hello", messageId: "m1" },
        runId: null,
      });
      expect(store.pendingInbox()).toBe(1);
      expect(store.pendingInboxRows().map((r) => r.id)).toEqual(["in1"]);
      store.consumeInbox("in1", "r1");
      expect(store.pendingInbox()).toBe(0);
      expect(store.pendingInboxRows()).toEqual([]);
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
