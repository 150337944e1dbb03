import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { orchestrators, users } from "../../schema/d1";
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
    expect(first).toMatchObject({ isError: false, change: { path: "notes/a.md", size: 3, by: "alpha" } });
    const replay = await ws.write("op-1", "notes/a.md", "one", "alpha");
    expect(replay).toEqual({ content: first.content, isError: false, change: null });
    expect((await ws.read("notes/a.md"))?.version).toBe(1);

    const edit = await ws.edit("op-2", "notes/a.md", "one", "two", "beta");
    expect(edit.isError).toBe(false);
    // Replaying the edit must not fail ("old not found") nor apply twice.
    expect(await ws.edit("op-2", "notes/a.md", "one", "two", "beta")).toMatchObject({
      isError: false,
      change: null,
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
    expect((await ws.search("X X")).join()).toContain("a.txt:1: x x");
  });
});
