// Bounded workspaces (DESIGN §8) through the public API: at most INPUT_LIMITS.workspaceFiles files and
// INPUT_LIMITS.workspaceBytes bytes, holding under parallel writes from the HTTP API and from an agent's
// parallel tool calls; and a file listing that comes in pages which every client follows.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BatonClient } from "../bin/client";
import { type FilesPage, INPUT_LIMITS } from "../schema/api";
import type { StreamEvent } from "../schema/events";
import {
  api,
  BASE,
  createOrchestrator,
  makeUser,
  runsIdle,
  sim,
  soloAgentScript,
  type TestUser,
  waitFor,
} from "./helpers";

const MIB = 1024 * 1024;
const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);

/** Adds `count` files straight into D1 (fast set-up for a nearly full workspace). */
async function fill(orchestratorId: string, count: number, bytesEach = 1): Promise<void> {
  // hex(zeroblob(n)) is 2n zero digits: a text of bytesEach bytes without sending it.
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
     INSERT INTO files (orchestrator_id, path, content, size, version, updated_by, updated_at)
     SELECT ?1, printf('fill/%05d.txt', i), substr(hex(zeroblob((?3 + 1) / 2)), 1, ?3), ?3, 1, 'test', 0 FROM n`,
  )
    .bind(orchestratorId, count, bytesEach)
    .run();
}

async function usage(orchestratorId: string): Promise<{ files: number; bytes: number }> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM files WHERE orchestrator_id = ?",
  )
    .bind(orchestratorId)
    .first<{ files: number; bytes: number }>();
  return row!;
}

function put(user: TestUser, id: string, path: string, body: string): Promise<Response> {
  return SELF.fetch(`${BASE}/api/orchestrators/${id}/files/${path}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "text/plain" },
    body,
  });
}

type ErrorBody = { error: { code: string; message: string; details?: { limit: string; max: number } } };

describe("workspace caps", () => {
  it(`holds ${INPUT_LIMITS.workspaceFiles} files under parallel PUTs: 409 naming the limit, overwrites still work`, async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await fill(id, INPUT_LIMITS.workspaceFiles - 10);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, n) => put(user, id, `new/${n}.md`, `file ${n}`)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(20);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    const refused = JSON.parse(bodies[statuses.indexOf(409)]!) as ErrorBody;
    expect(refused.error).toMatchObject({
      code: "too_many_files",
      message: expect.stringContaining(`the limit is ${INPUT_LIMITS.workspaceFiles} files per workspace`),
      details: { limit: "workspaceFiles", max: INPUT_LIMITS.workspaceFiles },
    });
    expect((await usage(id)).files).toBe(INPUT_LIMITS.workspaceFiles);
    // A full workspace still takes new versions of its files, and room comes back with a delete.
    expect((await put(user, id, "fill/00001.txt", "rewritten")).status).toBe(200);
    expect((await api(user, "DELETE", `/api/orchestrators/${id}/files/fill/00002.txt`)).status).toBe(204);
    expect((await put(user, id, "new/late.md", "fits now")).status).toBe(200);
  });

  it(`holds ${INPUT_LIMITS.workspaceBytes / MIB} MiB under parallel PUTs: 413 naming the limit`, async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    // 99 MiB stored: room for three of the 300 KiB files below, not four.
    await fill(id, INPUT_LIMITS.workspaceBytes / MIB - 1, MIB);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, n) => put(user, id, `big/${n}.txt`, "y".repeat(300 * 1024))),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 413)).toHaveLength(3);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    const refused = JSON.parse(bodies[statuses.indexOf(413)]!) as ErrorBody;
    expect(refused.error).toMatchObject({
      code: "workspace_too_large",
      message: expect.stringContaining(
        `the limit is ${INPUT_LIMITS.workspaceBytes} bytes (100 MiB) per workspace`,
      ),
      details: { limit: "workspaceBytes", max: INPUT_LIMITS.workspaceBytes },
    });
    expect((await usage(id)).bytes).toBeLessThanOrEqual(INPUT_LIMITS.workspaceBytes);
    // Shrinking a file is always allowed, even in a full workspace.
    expect((await put(user, id, "fill/00001.txt", "small now")).status).toBe(200);
  });

  it("refuses an agent's parallel write_file calls past the cap with a tool error it can read", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await fill(id, INPUT_LIMITS.workspaceFiles - 2);
    const writes = [1, 2, 3, 4].map((n) => ({
      name: "write_file",
      input: { path: `out/${n}.md`, content: `${n}` },
    }));
    const task = sim([
      { tools: writes },
      { tools: [{ name: "report", input: { result: "tried" } }] },
      { text: "ok" },
    ]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: soloAgentScript("writer", "Write.", task),
    });
    await waitFor(orchestrator(id), runsIdle(1), 30_000);
    const agentId = (await orchestrator(id).agents())[0]!.id;
    const events = await waitFor(agentStub(agentId), runsIdle(1));
    const results = events.filter(
      (e): e is Extract<StreamEvent, { type: "tool.result" }> => e.type === "tool.result",
    );
    const writeResults = results.slice(0, 4);
    expect(writeResults.filter((r) => !r.isError)).toHaveLength(2);
    const refused = writeResults.filter((r) => r.isError);
    expect(refused).toHaveLength(2);
    for (const r of refused)
      expect(r.content).toContain(`the limit is ${INPUT_LIMITS.workspaceFiles} files per workspace`);
    expect((await usage(id)).files).toBe(INPUT_LIMITS.workspaceFiles);
  });
});

describe("GET …/files", () => {
  it("pages the listing with ?cursor=&limit=, and the CLI client follows it to the end", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const total = INPUT_LIMITS.filesPage * 2 + 345;
    await fill(id, total);

    const first = await api<FilesPage>(user, "GET", `/api/orchestrators/${id}/files`);
    expect(first.status).toBe(200);
    expect(first.body.files).toHaveLength(INPUT_LIMITS.filesPage);
    expect(first.body.nextCursor).toBe(first.body.files.at(-1)!.path);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
      const page: { body: FilesPage } = await api<FilesPage>(
        user,
        "GET",
        `/api/orchestrators/${id}/files${q}`,
      );
      seen.push(...page.body.files.map((f) => f.path));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort());

    const small = await api<FilesPage>(
      user,
      "GET",
      `/api/orchestrators/${id}/files?limit=7&cursor=fill%2F00010.txt`,
    );
    expect(small.body.files.map((f) => f.path)).toEqual(
      [11, 12, 13, 14, 15, 16, 17].map((n) => `fill/${String(n).padStart(5, "0")}.txt`),
    );
    expect(small.body.nextCursor).toBe("fill/00017.txt");

    const client = new BatonClient(BASE, user.token, (input, init) => SELF.fetch(input, init));
    expect((await client.files(id)).map((f) => f.path)).toEqual(seen);
  });
});
