import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { INPUT_LIMITS } from "../../../schema/api";
import { orchestrators, users } from "../../../schema/d1";
import { formatHit } from "./search";
import { normalisePath, Workspace } from "./workspace";

async function workspace(): Promise<Workspace> {
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
  await db.insert(orchestrators).values({ id, userId, name: "w", model: "claude-haiku-5-5" });
  return new Workspace(env, id);
}

describe("workspace", () => {
  it("applies each op id exactly once: a replay returns the stored result and changes nothing", async () => {
    const ws = await workspace();
    const first = await ws.write("op-1", "notes/a.md", "one", "alpha");
    expect(first).toMatchObject({ isError: false, changes: [{ path: "notes/a.md", size: 3, by: "alpha" }] });
    const replay = await ws.write("op-1", "notes/a.md", "one", "alpha");
    expect(replay).toEqual({ content: first.content, isError: false, changes: [] });
    expect((await ws.read("notes/a.md"))?.version).toBe(1);

    const edit = await ws.edit("op-2", "notes/a.md", "one", "two", "beta");
    expect(edit.isError).toBe(false);
    // Replaying the edit must not fail ("old not found") nor apply twice.
    expect(await ws.edit("op-2", "notes/a.md", "one", "two", "beta")).toMatchObject({
      isError: false,
      changes: [],
    });
    expect(await ws.read("notes/a.md")).toMatchObject({ content: "two", version: 2, updatedBy: "beta" });

    expect((await ws.delete("op-3", "notes/a.md", "beta")).isError).toBe(false);
    expect((await ws.delete("op-3", "notes/a.md", "beta")).isError).toBe(false);
    expect(await ws.read("notes/a.md")).toBeNull();
  });

  it("explains bad edits and paths instead of failing", async () => {
    const ws = await workspace();
    await ws.write("w1", "a.txt", "x x", "u");
    expect((await ws.edit("e1", "a.txt", "x", "y", "u")).content).toMatch(/more than once/);
    expect((await ws.edit("e2", "a.txt", "zzz", "y", "u")).content).toMatch(/not found/);
    expect((await ws.edit("e3", "missing.txt", "a", "b", "u")).content).toMatch(/does not exist/);
    expect((await ws.write("w2", "../etc/passwd", "x", "u")).content).toMatch(/\.\./);
    expect(normalisePath("/a//b\\\\c.md")).toBe("a/b/c.md");
    // Never trimmed: an edge space is refused, naming where it is.
    expect(() => normalisePath(" a.md")).toThrow(
      "path: contains U+0020 SPACE at position 1, at the start of a name",
    );
    expect(() => normalisePath("a\u202Eb.md")).toThrow(
      "path: contains U+202E RIGHT-TO-LEFT OVERRIDE at position 2",
    );
    expect(() => normalisePath("\u{1F600}\u200B.md")).toThrow("U+200B ZERO WIDTH SPACE at position 2");
    expect((await ws.write("w3", "x\u2066.md", "x", "u")).content).toMatch(/^path: contains U\+2066/);
    expect((await ws.search("X X")).hits.map(formatHit).join()).toContain("a.txt:1: x x");
  });

  it("refuses an edit that would take the workspace past its byte limit, and says which limit", async () => {
    const ws = await workspace();
    const big = "z".repeat(INPUT_LIMITS.fileBytes - 10);
    const full = INPUT_LIMITS.workspaceBytes / INPUT_LIMITS.fileBytes;
    for (let n = 0; n < full; n++)
      expect((await ws.write(`f${n}`, `f/${n}.txt`, big, "u")).isError).toBe(false);
    // 1,000 bytes left; this file takes 800 of them, and the edit would need 396 more.
    expect((await ws.write("s", "small.txt", `${"s".repeat(796)}TAIL`, "u")).isError).toBe(false);
    const grow = await ws.edit("e1", "small.txt", "TAIL", "TAIL".repeat(100), "u");
    expect(grow).toMatchObject({
      isError: true,
      refused: { kind: "limit", limit: "workspaceBytes" },
      changes: [],
    });
    expect(grow.content).toContain(`the limit is ${INPUT_LIMITS.workspaceBytes} bytes`);
    expect(await ws.edit("e2", "small.txt", "TAIL", "y", "u")).toMatchObject({ isError: false });
    expect((await ws.write("w", "new.txt", "n".repeat(500), "u")).refused).toEqual({
      kind: "limit",
      limit: "workspaceBytes",
    });
    // CRLF text: `$` matches before the \r, as a person reading the line expects.
    await ws.write("crlf", "dos.txt", "one\r\ntwo\r\n", "u");
    expect((await ws.search("one$", { path: "dos" })).hits).toEqual([
      { path: "dos.txt", line: 1, text: "one" },
    ]);
  });
});
