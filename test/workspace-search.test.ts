// search_files through the public API (a simulated orchestrator calls it): a catastrophic pattern
// over a 1 MiB file answers at once while the Worker keeps serving others, and a search reads a
// bounded amount, says where it stopped and can go on from there (DESIGN §8).
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../schema/events";
import { SEARCH } from "../worker/db/workspace/search";
import { BASE, createOrchestrator, makeUser, runsIdle, sim, type TestUser, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const MIB = 1024 * 1024;

async function putFile(user: TestUser, id: string, path: string, content: string): Promise<void> {
  const res = await SELF.fetch(`${BASE}/api/orchestrators/${id}/files/${path}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "text/plain" },
    body: content,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  await res.body?.cancel();
}

type ToolResult = Extract<StreamEvent, { type: "tool.result" }>;

/** Sends a message whose script calls `tools` in one turn; resolves with their results in order. */
async function callTools(
  user: TestUser,
  id: string,
  tools: { name: string; input: unknown }[],
  runs: number,
): Promise<ToolResult[]> {
  const res = await SELF.fetch(`${BASE}/api/orchestrators/${id}/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ text: sim([{ tools }, { text: "Done." }]) }),
  });
  expect(res.status).toBe(202);
  await res.body?.cancel();
  const events = await waitFor(orchestrator(id), runsIdle(runs), 30_000);
  const called = events.filter((e) => e.type === "tool.called").slice(-tools.length);
  return called.map(
    (c) => events.find((e): e is ToolResult => e.type === "tool.result" && e.toolUseId === c.toolUseId)!,
  );
}

describe("search_files", () => {
  it("answers a catastrophic pattern over a 1 MiB file within 1 s while /api/health keeps answering", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    // RegExp needs seconds for `(a+)+$` against 30 a's and a non-match; each file holds a million.
    const evil = `${"a".repeat(MIB - 1)}!`;
    for (const n of [1, 2, 3, 4]) await putFile(user, id, `evil${n}.txt`, evil);
    await putFile(user, id, "notes.md", "aaaa\nbbbb\n");

    const [one] = await callTools(
      user,
      id,
      [{ name: "search_files", input: { pattern: "(a+)+$", path: "evil1" } }],
      1,
    );
    expect(one).toMatchObject({ isError: false, content: "No matches." });
    expect(one!.ms).toBeLessThan(1000);

    // All four (several slices of work, with pauses between) while another client polls health.
    let searching = true;
    const healthMs: number[] = [];
    const probe = (async () => {
      // Back to back, so some are always waiting on the Worker while the search runs; bounded,
      // because in local workerd a flood of requests also holds back every timer (the search's
      // pauses, the simulated model's pacing, waitFor's polling) until it ends.
      while (searching && healthMs.length < 150) {
        const t0 = Date.now();
        const res = await SELF.fetch(`${BASE}/api/health`);
        expect(res.status).toBe(200);
        await res.body?.cancel();
        healthMs.push(Date.now() - t0);
      }
    })();
    const t0 = Date.now();
    let all: ToolResult | undefined;
    try {
      [all] = await callTools(user, id, [{ name: "search_files", input: { pattern: "(a+)+$" } }], 2);
    } finally {
      searching = false;
      await probe;
    }
    const wall = Date.now() - t0;
    expect(all).toMatchObject({ isError: false, content: "notes.md:1: aaaa" });
    expect(all!.ms).toBeLessThan(4000);
    expect(healthMs.length).toBeGreaterThan(3);
    expect(Math.max(...healthMs)).toBeLessThan(1000);
    console.log(
      `catastrophic search: 1 MiB in ${one!.ms} ms; 4 MiB in ${all!.ms} ms (run ${wall} ms) while /api/health answered ${healthMs.length}× (max ${Math.max(...healthMs)} ms)`,
    );
  });

  it("reads at most SEARCH.bytes per call, says where it stopped, and goes on from there", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const count = SEARCH.bytes / MIB + 3;
    const filler = `${"lorem ipsum dolor sit amet ".repeat(30)}\n`;
    const body = (n: number) => `${filler.repeat(Math.floor((MIB - 100) / filler.length))}needle ${n}\n`;
    for (let n = 0; n < count; n++) await putFile(user, id, `big/${String(n).padStart(2, "0")}.txt`, body(n));

    const [first] = await callTools(
      user,
      id,
      [{ name: "search_files", input: { pattern: "needle \\d+" } }],
      1,
    );
    const found = (r: ToolResult) => r.content.match(/^big\/\d+\.txt:\d+: needle \d+$/gm) ?? [];
    const scanned = found(first!).length;
    expect(scanned).toBeGreaterThan(0);
    expect(scanned).toBeLessThan(count);
    expect(first!.content).toContain(
      `Stopped early: a search reads at most ${SEARCH.bytes / MIB}.0 MiB of files`,
    );
    expect(first!.content).toContain(`${count - scanned} files`);
    const after = /after: "([^"]+)"/.exec(first!.content)?.[1];
    expect(after).toBe(`big/${String(scanned - 1).padStart(2, "0")}.txt`);

    const [rest] = await callTools(
      user,
      id,
      [{ name: "search_files", input: { pattern: "needle \\d+", after } }],
      2,
    );
    expect(found(first!).length + found(rest!).length).toBe(count);
    expect(rest!.content).not.toContain("Stopped early");

    // A path prefix narrows the search to one folder's files.
    const [one] = await callTools(
      user,
      id,
      [{ name: "search_files", input: { pattern: "needle", path: "big/01" } }],
      3,
    );
    expect(found(one!)).toEqual([`big/01.txt:${body(1).split("\n").length - 1}: needle 1`]);
  });

  it("refuses patterns it can't run in linear time, as a tool error the model can act on", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await putFile(user, id, "a.md", "abab\n");
    const results = await callTools(
      user,
      id,
      [
        { name: "search_files", input: { pattern: "(ab)\\1" } },
        { name: "search_files", input: { pattern: "a(?=b)" } },
        // Not valid regex syntax: searched for literally, as before.
        { name: "search_files", input: { pattern: "ab(" } },
      ],
      1,
    );
    expect(results[0]).toMatchObject({ isError: true, content: expect.stringContaining("backreferences") });
    expect(results[1]).toMatchObject({ isError: true, content: expect.stringContaining("lookahead") });
    expect(results[2]).toMatchObject({ isError: false, content: "No matches." });
  });
});
