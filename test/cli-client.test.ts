// bin/client.ts (the library behind `baton`) against the real Worker: send-and-follow over SSE to
// the run's terminal event, API errors, and the SSE parser on awkward chunk boundaries.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BatonClient, BatonError, sseMessages, streamPathOf } from "../bin/client";
import { formatEvent, runSummary, table, usd } from "../bin/format";
import type { StreamEvent } from "../schema/events";
import { BASE, createOrchestrator, makeUser, sim } from "./helpers";

const clientFor = (token: string) => new BatonClient(BASE, token, (input, init) => SELF.fetch(input, init));

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(enc.encode(chunk));
      c.close();
    },
  });
}

describe("bin/client.ts", () => {
  it("sends and follows the run to run.completed, seeing its text, tools and agents", async () => {
    const user = await makeUser();
    const client = clientFor(user.token);
    const created = await client.createOrchestrator({ name: "CLI test" });
    expect((await client.listOrchestrators()).map((o) => o.id)).toEqual([created.id]);

    const seen: StreamEvent[] = [];
    const { sent, end } = await client.sendAndFollow(
      created.id,
      sim([
        { text: "Making one.", tools: [{ name: "create_agent", input: { name: "eta", instructions: "x" } }] },
        { text: "Done here." },
      ]),
      { clientId: "cli-test-1", onEvent: (ev, ours) => ours && seen.push(ev) },
    );
    expect(end).toMatchObject({ type: "run.completed", runId: sent.runId });
    const types = seen.map((e) => e.type);
    expect(types[0]).toBe("run.started");
    expect(types).toContain("text.delta");
    expect(types).toContain("tool.called");
    expect(types).toContain("agent.created");
    expect(types.at(-1)).toBe("run.completed");
    // Gapless and in order, even though SSE delivered them.
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => seen[0]!.seq + i));
    expect(runSummary(end!)).toMatch(
      /^✔ run completed · [\d,]+ in, [\d,]+ cache write, [\d,]+ cache read, [\d,]+ out tokens · \$/,
    );

    const agents = await client.agents(created.id);
    expect(agents.map((a) => a.name)).toEqual(["eta"]);
    const all: StreamEvent[] = [];
    for await (const ev of client.allEvents(streamPathOf(created.id))) all.push(ev);
    expect(all.at(-1)!.seq).toBe(end!.seq);
    const usage = await client.usage({ groupBy: "orchestrator" });
    expect(usage.rows[0]).toMatchObject({ key: created.id, label: "CLI test" });
  });

  it("follows a second message to its own run, and reports a failed run", async () => {
    const user = await makeUser();
    const client = clientFor(user.token);
    const id = await createOrchestrator(user);
    await client.sendAndFollow(id, sim([{ text: "first" }]));
    const second = await client.sendAndFollow(id, sim([{ fault: "server_error", times: 99 }]));
    expect(second.end).toMatchObject({ type: "run.failed", runId: second.sent.runId });
    expect(runSummary(second.end!)).toMatch(/^✘ run failed: /);
  }, 60_000);

  it("turns API refusals into BatonError with the status, code and message", async () => {
    const user = await makeUser();
    const bad = clientFor("bat_not-a-real-token");
    await expect(bad.listOrchestrators()).rejects.toMatchObject({ status: 401, code: "unauthenticated" });
    const client = clientFor(user.token);
    const missing = await client.agents("orc_nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(BatonError);
    expect(missing).toMatchObject({ status: 404, code: "not_found" });
    // A 404 stream isn't retried: it fails at once.
    const it = client.stream(streamPathOf("orc_nope"))[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ status: 404 });
  });

  it("stops following with a 401 once its token is revoked: the server ends the stream (§8)", async () => {
    const user = await makeUser();
    const client = clientFor(user.token);
    const id = await createOrchestrator(user);
    const following = (async () => {
      for await (const _ of client.stream(streamPathOf(id))) {
        // nothing streams here; the end is what counts
      }
    })().catch((e: unknown) => e);
    const orch = env.ORCHESTRATOR.getByName(id);
    while ((await orch.stats()).watchers.sse === 0) await new Promise((r) => setTimeout(r, 20));
    const listed = await SELF.fetch(`${BASE}/api/tokens`, {
      headers: { Authorization: `Bearer ${user.token}` },
    });
    const [token] = (await listed.json<{ tokens: { id: string }[] }>()).tokens;
    const t0 = Date.now();
    await SELF.fetch(`${BASE}/api/tokens/${token!.id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${user.token}` },
    });
    const err = await following;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(BatonError);
    expect(err).toMatchObject({ status: 401, code: "unauthenticated" });
  });

  it("parses SSE split anywhere, with CRLF, comments and multi-line data", async () => {
    const raw =
      'retry: 2000\r\n: stream x\r\n\r\nid: 1\r\nevent: a\r\ndata: {"seq":1}\r\n\r\nid: 2\ndata: line one\ndata: line two\n\n: keep-alive\n\n';
    for (const size of [1, 3, 7, raw.length]) {
      const chunks: string[] = [];
      for (let i = 0; i < raw.length; i += size) chunks.push(raw.slice(i, i + size));
      const out = [];
      for await (const m of sseMessages(streamOf(chunks))) out.push(m);
      expect(out, `chunk size ${size}`).toEqual([
        { id: "1", event: "a", data: '{"seq":1}' },
        { id: "2", data: "line one\nline two" },
      ]);
    }
  });

  it("lists agent templates", async () => {
    const user = await makeUser();
    const client = clientFor(user.token);
    expect(await client.templates()).toEqual([]);
    await client.request("POST", "/api/templates", {
      name: "writer",
      instructions: "Write.",
      tools: ["read_file"],
    });
    expect(await client.templates()).toMatchObject([
      { name: "writer", instructions: "Write.", model: null, tools: ["read_file"] },
    ]);
  });

  it("formats events, money and tables for people", () => {
    const names = new Map([["ag_1", "alpha"]]);
    const base = { stream: "orchestrator:o", seq: 1, ts: 0 };
    expect(formatEvent({ ...base, type: "agent.status", agentId: "ag_1", status: "executing" }, names)).toBe(
      "  • alpha: executing",
    );
    expect(
      formatEvent({ ...base, type: "tool.called", toolUseId: "t", name: "list_agents", input: {} }, names),
    ).toBe("  ⚙ list_agents {}");
    expect(
      formatEvent({ ...base, type: "text.delta", messageId: "m", index: 0, text: "x" }, names),
    ).toBeNull();
    expect([usd(0), usd(0.0123), usd(2.5)]).toEqual(["$0.00", "$0.0123", "$2.50"]);
    expect(
      table(
        ["k", "cost"],
        [
          ["a", "$1.00"],
          ["bb", "$10.00"],
        ],
      ),
    ).toBe("k     cost\na    $1.00\nbb  $10.00");
  });
});
