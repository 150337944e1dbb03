// The workspace's history and the user's file actions through the public API: agents' writes kept
// as versions with who made them, a stale If-Match refused (412) instead of overwriting, rename,
// delete and restore (undo) with their file.changed events, search, and versions archived exactly
// once while the objects are torn down mid-run.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { FileContent, FileHistoryInfo, FileSearchResult } from "../schema/api";
import type { StreamEvent } from "../schema/events";
import {
  allEvents,
  api,
  BASE,
  crashAndWake,
  createOrchestrator,
  makeUser,
  runsIdle,
  sim,
  soloAgentScript,
  type TestUser,
  terminalRuns,
  waitFor,
} from "./helpers";

type ErrorBody = { error: { code: string; message: string; details?: { currentVersion?: number | null } } };

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const agentStub = (id: string) => env.AGENT.getByName(id);

function req(
  user: TestUser,
  method: string,
  path: string,
  opts: { body?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${user.token}`, ...opts.headers };
  if (opts.json !== undefined) headers["Content-Type"] = "application/json";
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers,
    body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body,
  });
}

/** An orchestrator whose agent `alpha` writes notes/a.md twice and edits it, then reports. */
async function agentWritesThrice(user: TestUser, id: string): Promise<void> {
  const task = sim([
    { tools: [{ name: "write_file", input: { path: "notes/a.md", content: "one\n" } }] },
    { tools: [{ name: "write_file", input: { path: "notes/a.md", content: "two\n" } }] },
    { tools: [{ name: "edit_file", input: { path: "notes/a.md", old: "two", new: "three" } }] },
    { tools: [{ name: "report", input: { result: "wrote notes/a.md" } }] },
    { text: "done" },
  ]);
  await api(user, "POST", `/api/orchestrators/${id}/messages`, {
    text: soloAgentScript("alpha", "w", task, "all done"),
  });
  await waitFor(orchestrator(id), runsIdle(1), 30_000);
}

const fileEvents = (events: StreamEvent[]) =>
  events.flatMap((e) =>
    e.type === "file.changed" ? [[e.path, e.by, e.deleted ? "deleted" : e.size] as const] : [],
  );

describe("file versions over the API", () => {
  it("an agent's writes are versions with who made them; a user edit with a stale version is a 412", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await agentWritesThrice(user, id);
    const base = `/api/orchestrators/${id}`;
    const history = await api<FileHistoryInfo>(user, "GET", `${base}/file-versions/notes/a.md`);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ path: "notes/a.md", current: 3 });
    expect(history.body.versions.map((v) => [v.version, v.updatedBy, v.current, v.size])).toEqual([
      [3, "alpha", true, 6],
      [2, "alpha", false, 4],
      [1, "alpha", false, 4],
    ]);
    const v1 = await req(user, "GET", `${base}/files/notes/a.md?version=1`);
    expect(v1.headers.get("ETag")).toBe('"1"');
    expect(await v1.json<FileContent>()).toMatchObject({ content: "one\n", version: 1, updatedBy: "alpha" });
    const raw = await req(user, "GET", `${base}/files/notes/a.md?version=2&raw=1`);
    expect(await raw.text()).toBe("two\n");
    expect((await req(user, "GET", `${base}/files/notes/a.md?version=9`)).status).toBe(404);

    // The user saves an edit based on version 3: fine. Saving again based on 3: conflict, no overwrite.
    const current = await req(user, "GET", `${base}/files/notes/a.md`);
    const etag = current.headers.get("ETag")!;
    expect(etag).toBe('"3"');
    const saved = await req(user, "PUT", `${base}/files/notes/a.md`, {
      body: "mine\n",
      headers: { "If-Match": etag },
    });
    expect(saved.status).toBe(200);
    expect(saved.headers.get("ETag")).toBe('"4"');
    expect(await saved.json<FileContent>()).toMatchObject({ version: 4, updatedBy: "user" });
    const stale = await req(user, "PUT", `${base}/files/notes/a.md`, {
      body: "lost?\n",
      headers: { "If-Match": etag },
    });
    expect(stale.status).toBe(412);
    const body = await stale.json<ErrorBody>();
    expect(body.error).toMatchObject({ code: "version_conflict", details: { currentVersion: 4 } });
    expect(body.error.message).toContain("notes/a.md is at version 4, not 3");
    // Create-only: refused when the file exists, fine when it doesn't.
    const createOnly = { "If-None-Match": "*" };
    expect(
      (await req(user, "PUT", `${base}/files/notes/a.md`, { body: "x", headers: createOnly })).status,
    ).toBe(412);
    expect(
      (await req(user, "PUT", `${base}/files/notes/b.md`, { body: "b", headers: createOnly })).status,
    ).toBe(200);
    for (const bad of ["3", 'W/"4"', '"4", "5"', "*"]) {
      const res = await req(user, "PUT", `${base}/files/notes/a.md`, {
        body: "x",
        headers: { "If-Match": bad },
      });
      expect(res.status, bad).toBe(400);
      expect((await res.json<ErrorBody>()).error.message).toContain("If-Match:");
    }
    expect((await api<FileContent>(user, "GET", `${base}/files/notes/a.md`)).body.content).toBe("mine\n");
    const versions = await api<FileHistoryInfo>(user, "GET", `${base}/file-versions/notes/a.md`);
    expect(versions.body.versions.map((v) => [v.version, v.updatedBy])).toEqual([
      [4, "user"],
      [3, "alpha"],
      [2, "alpha"],
      [1, "alpha"],
    ]);
    const events = await allEvents(orchestrator(id));
    expect(fileEvents(events)).toEqual([
      ["notes/a.md", "alpha", 4],
      ["notes/a.md", "alpha", 4],
      ["notes/a.md", "alpha", 6],
      ["notes/a.md", "user", 5],
      ["notes/b.md", "user", 1],
    ]);
  });

  it("rename moves the file with its history: the old path deleted and the new one in the stream", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const base = `/api/orchestrators/${id}`;
    await req(user, "PUT", `${base}/files/draft.md`, { body: "one" });
    await req(user, "PUT", `${base}/files/draft.md`, { body: "two" });
    await req(user, "PUT", `${base}/files/other.md`, { body: "o" });
    const onto = await req(user, "PATCH", `${base}/files/draft.md`, { json: { path: "other.md" } });
    expect(onto.status).toBe(409);
    expect((await onto.json<ErrorBody>()).error.code).toBe("file_exists");
    const stale = await req(user, "PATCH", `${base}/files/draft.md`, {
      json: { path: "final/report.md" },
      headers: { "If-Match": '"1"' },
    });
    expect(stale.status).toBe(412);
    expect((await req(user, "PATCH", `${base}/files/nope.md`, { json: { path: "x.md" } })).status).toBe(404);
    expect((await req(user, "PATCH", `${base}/files/draft.md`, { json: { path: "/draft.md" } })).status).toBe(
      400,
    );
    const bad = await req(user, "PATCH", `${base}/files/draft.md`, { json: { path: "../up.md" } });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.message).toMatch(/^path: /);

    const moved = await req(user, "PATCH", `${base}/files/draft.md`, {
      json: { path: "final/report.md" },
      headers: { "If-Match": '"2"' },
    });
    expect(moved.status).toBe(200);
    expect(await moved.json<FileContent>()).toMatchObject({
      path: "final/report.md",
      content: "two",
      version: 2,
    });
    expect((await req(user, "GET", `${base}/files/draft.md`)).status).toBe(404);
    expect((await req(user, "GET", `${base}/file-versions/draft.md`)).status).toBe(404);
    const history = await api<FileHistoryInfo>(user, "GET", `${base}/file-versions/final/report.md`);
    expect(history.body.versions.map((v) => v.version)).toEqual([2, 1]);
    const list = await api<{ files: { path: string }[] }>(user, "GET", `${base}/files`);
    expect(list.body.files.map((f) => f.path)).toEqual(["final/report.md", "other.md"]);
    expect(fileEvents(await allEvents(orchestrator(id))).slice(-2)).toEqual([
      ["draft.md", "user", "deleted"],
      ["final/report.md", "user", 3],
    ]);
  });

  it("delete keeps the history; restoring the last version undoes it, only if nobody wrote it since", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const base = `/api/orchestrators/${id}`;
    await req(user, "PUT", `${base}/files/a.md`, { body: "one" });
    await req(user, "PUT", `${base}/files/a.md`, { body: "two" });
    expect((await req(user, "DELETE", `${base}/files/a.md`, { headers: { "If-Match": '"1"' } })).status).toBe(
      412,
    );
    expect((await req(user, "DELETE", `${base}/files/a.md`, { headers: { "If-Match": '"2"' } })).status).toBe(
      204,
    );
    expect((await req(user, "DELETE", `${base}/files/a.md`)).status).toBe(404);
    const history = await api<FileHistoryInfo>(user, "GET", `${base}/file-versions/a.md`);
    expect(history.body).toMatchObject({ current: null });
    expect(history.body.versions.map((v) => [v.version, v.deleted, v.updatedBy])).toEqual([
      [3, true, "user"],
      [2, false, "user"],
      [1, false, "user"],
    ]);
    const marker = await req(user, "GET", `${base}/files/a.md?version=3`);
    expect(marker.status).toBe(404);
    expect((await marker.json<ErrorBody>()).error.message).toContain("is its deletion");

    const undo = await req(user, "POST", `${base}/file-versions/a.md`, {
      json: { version: 2 },
      headers: { "If-None-Match": "*" },
    });
    expect(undo.status).toBe(200);
    expect(await undo.json<FileContent>()).toMatchObject({ path: "a.md", content: "two", version: 4 });
    // A second undo (a double click) finds the file back: refused, not a second version.
    const again = await req(user, "POST", `${base}/file-versions/a.md`, {
      json: { version: 2 },
      headers: { "If-None-Match": "*" },
    });
    expect(again.status).toBe(412);
    expect((await again.json<ErrorBody>()).error.details?.currentVersion).toBe(4);
    expect((await req(user, "POST", `${base}/file-versions/a.md`, { json: { version: 3 } })).status).toBe(
      404,
    );
    expect((await req(user, "POST", `${base}/file-versions/a.md`, { json: { version: 1 } })).status).toBe(
      200,
    );
    expect((await api<FileContent>(user, "GET", `${base}/files/a.md`)).body).toMatchObject({
      content: "one",
      version: 5,
    });
    expect(fileEvents(await allEvents(orchestrator(id)))).toEqual([
      ["a.md", "user", 3],
      ["a.md", "user", 3],
      ["a.md", "user", "deleted"],
      ["a.md", "user", 3],
      ["a.md", "user", 3],
    ]);
  });

  it("search: path:line matches with the linear-time matcher; a bad pattern is a 400 naming q", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const base = `/api/orchestrators/${id}`;
    await req(user, "PUT", `${base}/files/notes/moons.md`, {
      body: "# Moons\n\nIo is volcanic.\nEuropa has ice.\n",
    });
    await req(user, "PUT", `${base}/files/io.txt`, { body: "nothing here" });
    const found = await api<FileSearchResult>(user, "GET", `${base}/file-search?q=io`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      matches: [
        { path: "io.txt", line: null, text: "io.txt" },
        { path: "notes/moons.md", line: 3, text: "Io is volcanic." },
      ],
      note: null,
      after: null,
    });
    const scoped = await api<FileSearchResult>(user, "GET", `${base}/file-search?q=ice&path=notes/`);
    expect(scoped.body.matches).toEqual([{ path: "notes/moons.md", line: 4, text: "Europa has ice." }]);
    const literal = await api<FileSearchResult>(
      user,
      "GET",
      `${base}/file-search?q=${encodeURIComponent("(io")}`,
    );
    expect(literal.body.matches).toEqual([]);
    const bad = await api<ErrorBody>(user, "GET", `${base}/file-search?q=${encodeURIComponent("(a)\\1")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^q: /);
  });
});

describe("file versions under eviction", () => {
  it("an agent rewriting a file while its objects crash archives each replaced version exactly once", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const prose = "Moons circle planets, and this sentence pads the stream. ".repeat(60);
    const write = (content: string) => ({
      text: prose,
      tools: [{ name: "write_file", input: { path: "log.md", content } }],
    });
    const task = sim([
      write("v1"),
      write("v2"),
      write("v3"),
      { text: prose, tools: [{ name: "report", input: { result: "wrote log.md thrice" } }] },
      { text: "done" },
    ]);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: soloAgentScript("scribe", "w", task, "all done"),
    });
    const created = await waitFor(orchestrator(id), (ev) => ev.some((e) => e.type === "agent.created"));
    const made = created.find((e) => e.type === "agent.created");
    const aid = made?.type === "agent.created" ? made.agent.id : "";
    let crashes = 0;
    for (let round = 0; round < 25; round++) {
      if (terminalRuns(await allEvents(orchestrator(id))).length) break;
      await crashAndWake(
        () => agentStub(aid),
        () => orchestrator(id),
      );
      crashes++;
      await new Promise((r) => setTimeout(r, 30 + (round % 4) * 40));
    }
    const events = await waitFor(orchestrator(id), runsIdle(1), 30_000);
    expect(crashes).toBeGreaterThan(2);
    expect(terminalRuns(events).map((e) => e.type)).toEqual(["run.completed"]);
    const history = await api<FileHistoryInfo>(user, "GET", `/api/orchestrators/${id}/file-versions/log.md`);
    expect(history.body.versions.map((v) => [v.version, v.updatedBy, v.size])).toEqual([
      [3, "scribe", 2],
      [2, "scribe", 2],
      [1, "scribe", 2],
    ]);
    // Each version was written by its own tool call, recorded once.
    const rows = await env.DB.prepare(
      `SELECT v.version, v.op_id, (SELECT count(*) FROM file_ops o WHERE o.op_id = v.op_id) AS ops
         FROM file_versions v WHERE v.orchestrator_id = ? ORDER BY v.version`,
    )
      .bind(id)
      .all<{ version: number; op_id: string; ops: number }>();
    expect(rows.results.map((r) => r.ops)).toEqual([1, 1]);
    expect(new Set(rows.results.map((r) => r.op_id)).size).toBe(2);
    const ops = await env.DB.prepare("SELECT count(*) AS n FROM file_ops WHERE orchestrator_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(ops?.n).toBe(3);
  });
});
