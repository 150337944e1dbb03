// bin/client.ts (the library behind `baton`) against the real Worker: send-and-follow over SSE to
// the run's terminal event, API errors, and the SSE parser on awkward chunk boundaries; and the
// `baton` commands themselves (bin/cli.ts main) for approvals, driven the same way.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ArgsError, parseArgs } from "../bin/args";
import { main } from "../bin/cli";
import { BatonClient, BatonError, sseMessages, streamPathOf } from "../bin/client";
import { approvalRows, formatEvent, runSummary, table, usd } from "../bin/format";
import type { StreamEvent } from "../schema/events";
import { BASE, createOrchestrator, makeUser, sim, type TestUser } from "./helpers";

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

/** Runs `baton <argv…>` against the Worker; what it printed, and its exit code. */
async function baton(user: TestUser, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { BATON_URL: BASE, BATON_TOKEN: user.token },
    {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      stdin: async () => "",
      fetch: (input, init) => SELF.fetch(input, init),
    },
  );
  return { code, out: out.join(""), err: err.join("\n") };
}

/** An orchestrator whose agent writes two files in one step, with write_file set to ask. */
const twoWrites = () =>
  sim([
    { tools: [{ name: "create_agent", input: { name: "scribe", instructions: "You write notes." } }] },
    {
      tools: [
        {
          name: "command_agent",
          input: {
            name: "scribe",
            task: sim([
              {
                tools: [
                  { name: "write_file", input: { path: "notes/yes.md", content: "yes" } },
                  { name: "write_file", input: { path: "notes/no.md", content: "no" } },
                ],
              },
              { tools: [{ name: "report", input: { result: "wrote what I could" } }] },
              { text: "Done." },
            ]),
          },
        },
      ],
    },
    { tools: [{ name: "wait_for_agents", input: { names: ["scribe"] } }] },
    { text: "All done." },
  ]);

describe("baton approvals | approve | deny", () => {
  it("lists what waits, approves one, denies one with a note; send says how to answer", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user, { toolPolicy: { write_file: "ask" } });
    expect(await baton(user, "approvals", id)).toMatchObject({
      code: 0,
      out: "",
      err: "No approvals waiting.",
    });

    const sending = baton(user, "send", id, twoWrites());
    const client = clientFor(user.token);
    let waiting = await client.approvals(id);
    for (let i = 0; waiting.length < 2 && i < 400; i++) {
      await new Promise((r) => setTimeout(r, 25));
      waiting = await client.approvals(id);
    }
    expect(waiting.map((a) => a.name)).toEqual(["write_file", "write_file"]);
    const yes = waiting.find((a) => (a.input as { path: string }).path === "notes/yes.md")!;
    const no = waiting.find((a) => (a.input as { path: string }).path === "notes/no.md")!;

    const listed = await baton(user, "approvals", id);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.out.trimEnd().split("\n");
    expect(header).toMatch(/^id\s+tool\s+agent\s+asked\s+denied automatically\s+input$/);
    expect(rows).toHaveLength(2);
    expect(rows.join("\n")).toContain(yes.approvalId);
    expect(rows[0]).toMatch(/write_file\s+scribe\s+.* ago\s+in 24 h\s+\{"path":"notes\//);
    const json = await baton(user, "approvals", id, "--json");
    expect(
      JSON.parse(json.out)
        .map((a: { approvalId: string }) => a.approvalId)
        .sort(),
    ).toEqual([yes.approvalId, no.approvalId].sort());

    expect(await baton(user, "approve", id, yes.approvalId)).toMatchObject({
      code: 0,
      out: `Approved write_file (${yes.approvalId}).\n`,
    });
    expect(await baton(user, "deny", id, no.approvalId, "--note", "Not that one.")).toMatchObject({
      code: 0,
      out: `Denied write_file (${no.approvalId}).\n`,
    });
    // The first decision stands.
    const again = await baton(user, "approve", id, no.approvalId);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/\(409 already_decided\)$/);

    const sent = await sending;
    expect(sent.code).toBe(0);
    expect(sent.out).toContain(
      `  ⏸ approval needed: write_file {"path":"notes/yes.md","content":"yes"} (scribe) — baton approve ${id} ${yes.approvalId}\n`,
    );
    expect(sent.out).toContain("  ▶ approved: write_file\n");
    expect(sent.out).toContain("  ■ denied: write_file — Not that one.\n");
    expect(sent.out).toMatch(/✔ run completed/);
    expect((await client.files(id)).map((f) => f.path)).toEqual(["notes/yes.md"]);
    expect(await baton(user, "approvals", id)).toMatchObject({ err: "No approvals waiting." });
  }, 60_000);

  it("refuses bad usage with exit 2 and the help, and an unknown approval with 404", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const bad = await baton(user, "approve", id);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^approve needs an orchestrator id and an approval id/);
    expect(bad.err).toContain("baton deny <orchestratorId> <approvalId> [--note TEXT]");
    const unknown = await baton(user, "deny", id, "apr_nope", "--note", "x");
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.err).toMatch(/\(404 not_found\)$/);
    const help = await baton(user, "--help");
    expect(help.out).toContain("baton approvals <orchestratorId> [--json]");
  });

  it("parses options the way node's parseArgs does, strictly", () => {
    const options = { note: { type: "string" }, json: { type: "boolean" } } as const;
    const parse = (...args: string[]) => parseArgs({ args, options, allowPositionals: true });
    expect(parse("o1", "apr_1", "--note", "not now", "--json")).toEqual({
      values: { note: "not now", json: true },
      positionals: ["o1", "apr_1"],
    });
    expect(parse("--note=a=b", "-", "--", "--json")).toEqual({
      values: { note: "a=b", json: undefined },
      positionals: ["-", "--json"],
    });
    expect(parseArgs({ args: [], options: { by: { type: "string", default: "day" } } }).values.by).toBe(
      "day",
    );
    for (const bad of [["--nope"], ["-x"], ["--note"], ["--json=1"]]) {
      expect(() => parse(...bad), bad.join(" ")).toThrow(ArgsError);
    }
    expect(() => parseArgs({ args: ["extra"], options })).toThrow(ArgsError);
  });

  it("formats approvals for people", () => {
    const names = new Map([
      ["ag_1", "scribe"],
      ["apr_1", "write_file"],
    ]);
    const base = { stream: "orchestrator:o", seq: 1, ts: 0 };
    expect(
      formatEvent(
        { ...base, type: "approval.resolved", approvalId: "apr_1", decision: "deny", by: "timeout" },
        names,
      ),
    ).toBe("  ■ denied: write_file (nobody answered in time)");
    expect(
      formatEvent(
        {
          ...base,
          type: "approval.requested",
          approvalId: "apr_2",
          toolUseId: "t",
          name: "create_agent",
          input: { name: "x" },
        },
        names,
      ),
    ).toBe('  ⏸ approval needed: create_agent {"name":"x"}');
    const now = 1_000_000_000;
    expect(
      approvalRows(
        [
          {
            approvalId: "apr_3",
            toolUseId: "t",
            name: "delete_file",
            input: { path: "a" },
            status: "pending",
            requestedAt: now - 5 * 60_000,
            expiresAt: now + 3 * 3_600_000,
            runId: "r",
          },
        ],
        names,
        now,
      ),
    ).toEqual([["apr_3", "delete_file", "(orchestrator)", "5 min ago", "in 3 h", '{"path":"a"}']]);
  });
});

describe("baton agents | files | interrupt | unknown commands", () => {
  it("covers what a script needs: files put/ls/get/rm, agents, interrupt, --json everywhere", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    let stdin = "# From stdin\n";
    const run = async (...argv: string[]) => {
      let out = "";
      let err = "";
      const code = await main(
        argv,
        { BATON_TOKEN: user.token, BATON_URL: BASE },
        {
          out: (s) => {
            out += s;
          },
          err: (s) => {
            err += `${s}\n`;
          },
          stdin: async () => stdin,
          fetch: (input, init) => SELF.fetch(input, init),
        },
      );
      return { code, out, err };
    };
    // `baton orchestrators` alone lists them, as `list` does.
    const listed = await run("orchestrators", "--json");
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.out) as { id: string }[]).map((o) => o.id)).toContain(id);
    expect((await run("files", "put", id, "notes/a.md", "-")).code).toBe(0);
    stdin = "second";
    const put = await run("files", "put", id, "notes/b.md", "--json");
    expect(JSON.parse(put.out)).toMatchObject({ path: "notes/b.md", size: 6 });
    const ls = await run("files", "ls", id);
    expect(ls.out).toMatch(/notes\/a\.md +13 +1 +user/);
    expect(
      JSON.parse((await run("files", "ls", id, "--json")).out).map((f: { path: string }) => f.path),
    ).toEqual(["notes/a.md", "notes/b.md"]);
    expect((await run("files", "get", id, "notes/a.md")).out).toBe("# From stdin\n");
    expect((await run("files", "rm", id, "notes/b.md")).code).toBe(0);
    const gone = await run("files", "get", id, "notes/b.md");
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/404 not_found/);

    expect((await run("agents", id)).err).toMatch(/No agents yet/);
    expect(JSON.parse((await run("agents", id, "--json")).out)).toEqual([]);
    const stop = await run("interrupt", id, "--agents", "--json");
    expect(JSON.parse(stop.out)).toEqual({ run: false, agents: 0 });
    expect((await run("interrupt", id)).out).toMatch(/no turn was running/);

    const typo = await run("agnets", id);
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/Unknown command "agnets"\. Did you mean "agents"\?/);
    expect(typo.err).not.toMatch(/Set BATON_TOKEN/);
    const bad = await run("files", "mv", id);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/ls, get, put or rm, not "mv"/);
  });
});
