// File history (history.ts): every write, edit, delete, rename and restore keeps what it replaced,
// exactly once (also under replays and concurrent repeats of an op), bounded per file and per
// workspace, and never counted against the workspace's caps.
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { INPUT_LIMITS } from "../../../schema/api";
import { orchestrators, users } from "../../../schema/d1";
import { FILE_HISTORY_LIMITS } from "../../limits";
import { Workspace } from "./workspace";

/** A workspace, and `op` to make its op ids: they are global (tool_use_ids), so unique per test. */
async function workspace(): Promise<{ ws: Workspace; id: string; op: (name: string) => string }> {
  const id = `orc_${crypto.randomUUID().slice(0, 8)}`;
  const userId = `usr_${crypto.randomUUID().slice(0, 8)}`;
  const db = drizzle(env.DB);
  await db.insert(users).values({
    id: userId,
    email: `${userId}@x.test`,
    passwordHash: "x",
    passwordSalt: "x",
    passwordIterations: 1,
  });
  await db.insert(orchestrators).values({ id, userId, name: "h", model: "claude-haiku-5-5" });
  return { ws: new Workspace(env, id), id, op: (name) => `${id}:${name}` };
}

/** [version, by, deleted?, current?] newest first, as the history lists them. */
async function timeline(ws: Workspace, path: string) {
  const h = await ws.history(path);
  return h?.versions.map((v) => [v.version, v.updatedBy, v.deleted ? "deleted" : v.current ? "current" : ""]);
}

async function historyRows(id: string): Promise<{ rows: number; bytes: number }> {
  return (await env.DB.prepare(
    "SELECT count(*) AS rows, coalesce(sum(size), 0) AS bytes FROM file_versions WHERE orchestrator_id = ?",
  )
    .bind(id)
    .first<{ rows: number; bytes: number }>())!;
}

const content = async (ws: Workspace, path: string, version: number) => {
  const v = await ws.readVersion(path, version);
  return v && !("deleted" in v) ? v.content : v;
};

describe("file history", () => {
  it("keeps each replaced version with who wrote it; edits and user writes too", async () => {
    const { ws, op } = await workspace();
    await ws.write(op("t1"), "notes/a.md", "one", "alpha");
    await ws.write(op("t2"), "notes/a.md", "two", "beta");
    await ws.edit(op("t3"), "notes/a.md", "two", "three", "alpha");
    await ws.write(op("put_1"), "notes/a.md", "four", "user");
    expect(await timeline(ws, "notes/a.md")).toEqual([
      [4, "user", "current"],
      [3, "alpha", ""],
      [2, "beta", ""],
      [1, "alpha", ""],
    ]);
    expect(await content(ws, "notes/a.md", 1)).toBe("one");
    expect(await content(ws, "notes/a.md", 3)).toBe("three");
    expect(await content(ws, "notes/a.md", 4)).toBe("four");
    expect(await ws.readVersion("notes/a.md", 9)).toBeNull();
    expect(await ws.history("nothing.md")).toBeNull();
  });

  it("applies a stale precondition nowhere: the conflict names the current version", async () => {
    const { ws, id, op } = await workspace();
    await ws.write(op("w1"), "a.md", "one", "alpha");
    await ws.write(op("w2"), "a.md", "two", "alpha");
    const stale = await ws.write(op("u1"), "a.md", "mine", "user", { expect: 1 });
    expect(stale).toMatchObject({ isError: true, changes: [], refused: { kind: "conflict", current: 2 } });
    expect(stale.content).toContain("a.md is at version 2, not 1");
    const exists = await ws.write(op("u2"), "a.md", "mine", "user", { expect: null });
    expect(exists.refused).toEqual({ kind: "conflict", current: 2 });
    const gone = await ws.write(op("u3"), "b.md", "mine", "user", { expect: 1 });
    expect(gone.refused).toEqual({ kind: "conflict", current: null });
    expect((await ws.delete(op("u4"), "a.md", "user", { expect: 1 })).refused).toEqual({
      kind: "conflict",
      current: 2,
    });
    expect((await ws.read("a.md"))?.content).toBe("two");
    expect(await historyRows(id)).toMatchObject({ rows: 1 });
    // The right version applies.
    expect(await ws.write(op("u5"), "a.md", "mine", "user", { expect: 2 })).toMatchObject({ isError: false });
    expect(await ws.write(op("u6"), "new.md", "x", "user", { expect: null })).toMatchObject({
      isError: false,
    });
  });

  it("a delete keeps the content and who deleted it; a restore brings it back as a new version", async () => {
    const { ws, op } = await workspace();
    await ws.write(op("w1"), "a.md", "one", "alpha");
    await ws.write(op("w2"), "a.md", "two", "alpha");
    const del = await ws.delete(op("d1"), "a.md", "user");
    expect(del).toMatchObject({ isError: false, changes: [{ path: "a.md", deleted: true, by: "user" }] });
    expect(await ws.read("a.md")).toBeNull();
    expect(await timeline(ws, "a.md")).toEqual([
      [3, "user", "deleted"],
      [2, "alpha", ""],
      [1, "alpha", ""],
    ]);
    expect(await ws.readVersion("a.md", 3)).toEqual({ deleted: true });
    expect((await ws.restore(op("r0"), "a.md", 3, "user")).refused).toEqual({ kind: "missing" });
    // Undo: restore only if nobody wrote the file since.
    const undo = await ws.restore(op("r1"), "a.md", 2, "user", { expect: null });
    expect(undo).toMatchObject({ isError: false, changes: [{ path: "a.md", size: 3, by: "user" }] });
    expect(await ws.read("a.md")).toMatchObject({ content: "two", version: 4, updatedBy: "user" });
    expect((await ws.restore(op("r2"), "a.md", 1, "user", { expect: null })).refused).toEqual({
      kind: "conflict",
      current: 4,
    });
    // Written again after a delete, numbers go on; an old version can be restored.
    expect((await ws.restore(op("r3"), "a.md", 1, "user")).isError).toBe(false);
    expect(await ws.read("a.md")).toMatchObject({ content: "one", version: 5 });
    await ws.delete(op("d2"), "a.md", "beta");
    await ws.write(op("w3"), "a.md", "fresh", "beta");
    expect((await ws.read("a.md"))?.version).toBe(7);
    expect((await ws.delete(op("d3"), "missing.md", "u")).refused).toEqual({ kind: "missing" });
  });

  it("a rename moves the file and its history; refused onto a file; renumbered above old history", async () => {
    const { ws, op } = await workspace();
    await ws.write(op("w1"), "draft.md", "one", "alpha");
    await ws.write(op("w2"), "draft.md", "two", "beta");
    await ws.write(op("w3"), "taken.md", "t", "alpha");
    expect((await ws.rename(op("m0"), "draft.md", "taken.md", "user")).refused).toEqual({ kind: "exists" });
    expect((await ws.rename(op("m1"), "draft.md", "final.md", "user", { expect: 1 })).refused).toEqual({
      kind: "conflict",
      current: 2,
    });
    const mv = await ws.rename(op("m2"), "draft.md", "final.md", "user", { expect: 2 });
    expect(mv).toMatchObject({
      isError: false,
      changes: [
        { path: "draft.md", deleted: true, by: "user" },
        { path: "final.md", size: 3, by: "user" },
      ],
    });
    expect(await ws.read("draft.md")).toBeNull();
    expect(await ws.history("draft.md")).toBeNull();
    expect(await ws.read("final.md")).toMatchObject({ content: "two", version: 2, updatedBy: "beta" });
    expect(await timeline(ws, "final.md")).toEqual([
      [2, "beta", "current"],
      [1, "alpha", ""],
    ]);
    // Onto a name whose file was deleted: that history stays below the moved versions.
    await ws.delete(op("d1"), "taken.md", "user");
    expect((await ws.rename(op("m3"), "final.md", "taken.md", "user")).isError).toBe(false);
    expect(await timeline(ws, "taken.md")).toEqual([
      [4, "beta", "current"],
      [3, "alpha", ""],
      [2, "user", "deleted"],
      [1, "alpha", ""],
    ]);
    expect(await content(ws, "taken.md", 3)).toBe("one");
    expect(await content(ws, "taken.md", 1)).toBe("t");
  });

  it("exactly once under replay: repeating any op (also concurrently) archives nothing more", async () => {
    const { ws, id, op } = await workspace();
    await ws.write(op("w1"), "a.md", "one", "alpha");
    const ops = [
      () => ws.write(op("w2"), "a.md", "two", "alpha"),
      () => ws.edit(op("e1"), "a.md", "two", "three", "alpha"),
      () => ws.rename(op("m1"), "a.md", "b.md", "user"),
      () => ws.delete(op("d1"), "b.md", "user"),
      () => ws.restore(op("r1"), "b.md", 3, "user"),
    ];
    for (const op of ops) {
      const [first, ...again] = await Promise.all([op(), op(), op()]);
      const applied = [first, ...again].filter((r) => r.changes.length > 0);
      expect(applied).toHaveLength(1);
      expect([first, ...again].every((r) => !r.isError)).toBe(true);
      expect((await op()).changes).toEqual([]);
    }
    expect(await timeline(ws, "b.md")).toEqual([
      [5, "user", "current"],
      [4, "user", "deleted"],
      [3, "alpha", ""],
      [2, "alpha", ""],
      [1, "alpha", ""],
    ]);
    expect(await historyRows(id)).toMatchObject({ rows: 4 });
    const ops5 = await env.DB.prepare("SELECT count(*) AS n FROM file_ops WHERE orchestrator_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(ops5?.n).toBe(6);
  });

  it(`keeps the newest ${FILE_HISTORY_LIMITS.versionsPerFile} earlier versions of a file`, async () => {
    const { ws, op } = await workspace();
    const n = FILE_HISTORY_LIMITS.versionsPerFile + 5;
    for (let i = 1; i <= n; i++) await ws.write(op(`w${i}`), "log.md", `v${i}`, "alpha");
    const versions = (await ws.history("log.md"))!.versions.map((v) => v.version);
    expect(versions).toHaveLength(FILE_HISTORY_LIMITS.versionsPerFile + 1);
    expect(versions[0]).toBe(n);
    expect(versions.at(-1)).toBe(n - FILE_HISTORY_LIMITS.versionsPerFile);
    expect(await ws.readVersion("log.md", 1)).toBeNull();
  });

  it("prunes the workspace's history oldest first past its byte budget, and never refuses a write for it", async () => {
    const { ws, id, op } = await workspace();
    const L = FILE_HISTORY_LIMITS;
    const MIB = 1024 * 1024;
    // Old history straight into D1: just over the budget, 1 MiB per version of 60 deleted files.
    const count = L.workspaceBytes / MIB + 1;
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
       INSERT INTO file_versions (orchestrator_id, path, version, size, deleted, updated_by, updated_at, content)
       SELECT ?1, printf('old/%03d.txt', i), 1, ?3, 0, 'test', i, substr(hex(zeroblob(?3 / 2)), 1, ?3) FROM n`,
    )
      .bind(id, count, MIB)
      .run();
    // The live workspace nearly full too: history doesn't count against its cap.
    const big = "z".repeat(INPUT_LIMITS.fileBytes - 10);
    for (let i = 0; i < INPUT_LIMITS.workspaceBytes / INPUT_LIMITS.fileBytes - 1; i++)
      expect((await ws.write(op(`f${i}`), `f/${i}.txt`, big, "u")).isError).toBe(false);
    expect((await ws.write(op("x1"), "f/0.txt", big.replace("z", "y"), "u")).isError).toBe(false);
    // The first write cut the history to pruneTo of the budget (45 of the 51 MiB, the oldest 6
    // going first); the version just replaced is kept.
    const kept = Math.floor((L.workspaceBytes * L.pruneTo) / MIB);
    expect(await historyRows(id)).toEqual({ rows: kept + 1, bytes: kept * MIB + big.length });
    const old = (i: number) => ws.readVersion(`old/${String(i).padStart(3, "0")}.txt`, 1);
    expect(await old(count - kept)).toBeNull();
    expect(await old(count - kept + 1)).not.toBeNull();
    expect(await content(ws, "f/0.txt", 1)).toBe(big);
  });

  it("a write refused by a cap archives nothing", async () => {
    const { ws, id, op } = await workspace();
    const big = "z".repeat(INPUT_LIMITS.fileBytes - 10);
    const full = INPUT_LIMITS.workspaceBytes / INPUT_LIMITS.fileBytes;
    for (let i = 0; i < full; i++) await ws.write(op(`f${i}`), `f/${i}.txt`, big, "u");
    await ws.write(op("s"), "small.txt", "s".repeat(800), "u");
    expect((await historyRows(id)).rows).toBe(0);
    const grow = await ws.write(op("g"), "small.txt", "s".repeat(2000), "u");
    expect(grow.refused).toEqual({ kind: "limit", limit: "workspaceBytes" });
    expect(await timeline(ws, "small.txt")).toEqual([[1, "u", "current"]]);
    expect((await historyRows(id)).rows).toBe(0);
  });
});
