// The chat's actions on the engine: cancelling a queued message (it never runs; every watcher hears
// message.cancelled; 409 once a run took it), Stop holding queued messages until the user's next
// action (a message, Resume), edit-and-resend, regenerate and retry with the conversation the model
// then reads (loop/resend.ts), and the conversation export in both formats.
import { runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { conversationExportSchema, type MessageState, type SendMessageResult } from "../schema/api";
import { editNote, regenerateNote } from "../worker/loop/resend";
import type { Orchestrator } from "../worker/objects/orchestrator";
import {
  agentTask,
  api,
  assertGapless,
  BASE,
  createOrchestrator,
  makeUser,
  eventsOfType as of,
  penmanScript,
  runsIdle,
  sim,
  type TestUser,
  terminalRuns,
  waitFor,
} from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

/** A long answer: ~1 s of streaming at the test pace, so messages sent meanwhile queue. */
const long = (label: string) => sim([{ text: `${label} ${"and so on ".repeat(2500)}` }], label);
const send = (user: TestUser, id: string, text: string, clientId?: string) =>
  api<SendMessageResult>(user, "POST", `/api/orchestrators/${id}/messages`, { text, clientId });
/** What the model reads: the stored conversation's text, turn by turn. */
const conversation = (id: string) =>
  runInDurableObject(orchestrator(id), (o: Orchestrator) =>
    o.store.conversation().map((m) => ({
      role: m.role,
      text: m.content.map((b) => (b.type === "text" ? b.text : `[${b.type}]`)),
    })),
  );

async function setup() {
  const user = await makeUser();
  const id = await createOrchestrator(user);
  return { user, id, stub: orchestrator(id) };
}

describe("cancelling a queued message", () => {
  it("never runs it, tells every watcher, and is idempotent; a started message is a 409", async () => {
    const { user, id, stub } = await setup();
    const first = await send(user, id, long("First."));
    const second = await send(user, id, sim([{ text: "never said" }], "Second."));
    const third = await send(user, id, sim([{ text: "Third answer." }], "Third."));
    expect(second.body.queued).toBe(true);
    const path = `/api/orchestrators/${id}/messages/${second.body.messageId}`;
    const cancelled = await api<MessageState>(user, "DELETE", path);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ messageId: second.body.messageId, runId: null, state: "cancelled" });
    // Again: the same answer, no second event.
    expect((await api<MessageState>(user, "DELETE", path)).body.state).toBe("cancelled");
    expect((await api<MessageState>(user, "GET", path)).body.state).toBe("cancelled");
    // The running one can't be cancelled.
    const running = await api<{ error: { code: string } }>(
      user,
      "DELETE",
      `/api/orchestrators/${id}/messages/${first.body.messageId}`,
    );
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe("already_started");
    expect((await api(user, "DELETE", `/api/orchestrators/${id}/messages/msg_nope`)).status).toBe(404);

    const events = await waitFor(stub, runsIdle(2));
    assertGapless(events);
    expect(of(events, "message.cancelled")).toEqual([
      expect.objectContaining({ messageId: second.body.messageId }),
    ]);
    const starts = of(events, "run.started");
    expect(starts.map((s) => s.messageId)).toEqual([first.body.messageId, third.body.messageId]);
    expect(of(events, "text.delta").some((d) => d.text.includes("never said"))).toBe(false);
    const said = (await conversation(id)).flatMap((m) => m.text).join("\n");
    expect(said).not.toContain("Second.");
    expect(said).toContain("Third.");
    // Once its run took it, the third can't be cancelled either.
    const late = await api(user, "DELETE", `/api/orchestrators/${id}/messages/${third.body.messageId}`);
    expect(late.status).toBe(409);
  });

  it("reports can't be cancelled: they are not messages of the user's", async () => {
    const { user, id, stub } = await setup();
    await send(
      user,
      id,
      sim([
        { tools: [{ name: "create_agent", input: { name: "solo", instructions: "Write." } }] },
        { tools: [{ name: "command_agent", input: { name: "solo", task: agentTask("solo", "a.md") } }] },
        { text: "Sent it off." },
      ]),
    );
    const events = await waitFor(stub, runsIdle(2), 30_000);
    const reportRun = of(events, "run.started").find((s) => s.trigger === "agent_report");
    expect(reportRun).toBeDefined();
    const reportId = await runInDurableObject(stub, (o: Orchestrator) =>
      o.store.sql
        .exec<{ id: string }>(
          "SELECT json_extract(payload, '$.messageId') AS id FROM inbox WHERE kind = 'agent_report'",
        )
        .one(),
    );
    expect((await api(user, "DELETE", `/api/orchestrators/${id}/messages/${reportId.id}`)).status).toBe(404);
  });
});

describe("Stop holds queued messages until the user's next action", () => {
  it("after Stop a queued message waits (visible, cancelable); Resume runs it", async () => {
    const { user, id, stub } = await setup();
    await send(user, id, long("Long."));
    const queued = await send(user, id, sim([{ text: "Queued answer." }], "Queued."));
    await waitFor(stub, (ev) => of(ev, "text.delta").length > 0);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`);
    await waitFor(stub, runsIdle(1));
    await new Promise((r) => setTimeout(r, 300));
    let events = await waitFor(stub, runsIdle(1));
    expect(of(events, "run.started")).toHaveLength(1);
    expect(await stub.state()).toMatchObject({ held: true, queued: 1, activeRunId: null });
    const state = await api<MessageState>(
      user,
      "GET",
      `/api/orchestrators/${id}/messages/${queued.body.messageId}`,
    );
    expect(state.body.state).toBe("queued");

    const resumed = await api<{ runId: string | null; held: boolean }>(
      user,
      "POST",
      `/api/orchestrators/${id}/resume`,
    );
    expect(resumed.status).toBe(200);
    expect(resumed.body.runId).toMatch(/^run_/);
    events = await waitFor(stub, runsIdle(2));
    const second = of(events, "run.started")[1]!;
    expect(second).toMatchObject({ runId: resumed.body.runId, messageId: queued.body.messageId });
    expect(of(events, "inbox.held").map((e) => e.held)).toEqual([true, false]);
    expect(terminalRuns(events).map((e) => e.type)).toEqual(["run.interrupted", "run.completed"]);
    // Nothing held, nothing waiting: Resume starts nothing.
    expect(
      (await api<{ runId: null }>(user, "POST", `/api/orchestrators/${id}/resume`)).body.runId,
    ).toBeNull();
  });

  it("a new message after Stop runs the held one first, then itself", async () => {
    const { user, id, stub } = await setup();
    await send(user, id, long("Long."));
    const held = await send(user, id, sim([{ text: "Held answer." }], "Held."));
    await waitFor(stub, (ev) => of(ev, "text.delta").length > 0);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`);
    await waitFor(stub, runsIdle(1));
    const next = await send(user, id, sim([{ text: "Next answer." }], "Next."));
    const events = await waitFor(stub, runsIdle(3));
    expect(
      of(events, "run.started")
        .map((s) => s.messageId)
        .slice(1),
    ).toEqual([held.body.messageId, next.body.messageId]);
  });
});

describe("edit, regenerate and retry", () => {
  it("edit-and-resend: a new turn that says what it replaces; the earlier turn stays", async () => {
    const { user, id, stub } = await setup();
    const first = await send(user, id, sim([{ text: "Answer about cats." }], "Tell me about cats."));
    await waitFor(stub, runsIdle(1));
    const edited = await api<SendMessageResult>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages/${first.body.messageId}/edit`,
      { text: sim([{ text: "Answer about dogs." }], "Tell me about dogs."), clientId: "edit-1" },
    );
    expect(edited.status).toBe(202);
    expect(edited.body.runId).toMatch(/^run_/);
    const events = await waitFor(stub, runsIdle(2));
    const users = of(events, "message.user");
    expect(users[1]).toMatchObject({ messageId: edited.body.messageId, edits: first.body.messageId });
    expect(users[1]!.text).toContain("Tell me about dogs.");
    expect(users[1]!.text).not.toContain("[I edited");
    const conv = await conversation(id);
    expect(conv.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(conv[2]!.text[0]).toBe(editNote(sim([{ text: "Answer about cats." }], "Tell me about cats.")));
    expect(conv[2]!.text[0]).toMatch(/^\[I edited my earlier message “Tell me about cats\. ```sim/);
    expect(conv[3]!.text.join("")).toBe("Answer about dogs.");
    // Idempotent per clientId.
    const again = await api<SendMessageResult>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages/${first.body.messageId}/edit`,
      { text: "whatever", clientId: "edit-1" },
    );
    expect(again.body.messageId).toBe(edited.body.messageId);
    expect(
      (await api(user, "POST", `/api/orchestrators/${id}/messages/msg_nope/edit`, { text: "x" })).status,
    ).toBe(404);
  });

  it("editing a queued message replaces it: the model never sees the first version", async () => {
    const { user, id, stub } = await setup();
    await send(user, id, long("Long."));
    const queued = await send(user, id, sim([{ text: "old" }], "Old version."));
    const edited = await api<SendMessageResult>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages/${queued.body.messageId}/edit`,
      { text: sim([{ text: "New answer." }], "New version.") },
    );
    expect(edited.body.queued).toBe(true);
    const events = await waitFor(stub, runsIdle(2));
    expect(of(events, "message.cancelled").map((e) => e.messageId)).toEqual([queued.body.messageId]);
    const conv = await conversation(id);
    const said = conv.flatMap((m) => m.text).join("\n");
    expect(said).not.toContain("Old version.");
    expect(said).not.toContain("[I edited");
    expect(conv.at(-1)!.text.join("")).toBe("New answer.");
  });

  it("regenerate: the same message again with a note; the earlier answer stays", async () => {
    const { user, id, stub } = await setup();
    const q = sim([{ text: "The answer." }], "A question.");
    const first = await send(user, id, q);
    await waitFor(stub, runsIdle(1));
    const again = await api<SendMessageResult>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages/${first.body.messageId}/regenerate`,
    );
    expect(again.status).toBe(202);
    const events = await waitFor(stub, runsIdle(2));
    expect(of(events, "message.user")[1]).toMatchObject({ text: q, regenerates: first.body.messageId });
    const conv = await conversation(id);
    expect(conv.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(conv[2]!.text).toEqual([regenerateNote(), q]);
    expect(conv[3]!.text.join("")).toBe("The answer.");
    // Regenerating the regenerate points at the original.
    const third = await api<SendMessageResult>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages/${again.body.messageId}/regenerate`,
      {},
    );
    const more = await waitFor(stub, runsIdle(3));
    expect(of(more, "message.user")[2]).toMatchObject({
      messageId: third.body.messageId,
      regenerates: first.body.messageId,
    });
  });

  it("regenerate of a message that has not run yet is a 409", async () => {
    const { user, id, stub } = await setup();
    await send(user, id, long("Long."));
    const queued = await send(user, id, "Queued.");
    const r = await api<{ error: { code: string } }>(
      user,
      "POST",
      `/api/orchestrators/${id}/messages/${queued.body.messageId}/regenerate`,
    );
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("not_retryable");
    await waitFor(stub, runsIdle(2));
  });

  it("retry: a failed run goes again on the same conversation, and completes", async () => {
    const { user, id, stub } = await setup();
    // Five overloaded answers use up the run's five attempts; the sixth attempt succeeds.
    const text = sim([{ fault: "overloaded", times: 5 }, { text: "Recovered." }], "Flaky.");
    await send(user, id, text);
    let events = await waitFor(stub, runsIdle(1), 30_000);
    const failed = terminalRuns(events)[0]!;
    expect(failed).toMatchObject({ type: "run.failed", error: { code: "llm_unavailable" } });
    if (failed.type !== "run.failed") throw new Error("not failed");
    const before = await conversation(id);

    // A completed run, a run that isn't the latest, an unknown run: refused.
    const retried = await api<SendMessageResult>(
      user,
      "POST",
      `/api/orchestrators/${id}/runs/${failed.runId}/retry`,
      {
        clientId: "retry-1",
      },
    );
    expect(retried.status).toBe(202);
    events = await waitFor(stub, runsIdle(2), 30_000);
    const start = of(events, "run.started")[1]!;
    expect(start).toMatchObject({ runId: retried.body.runId, retryOf: failed.runId, trigger: "user" });
    expect(start.messageId).toBeUndefined();
    expect(of(events, "message.user")).toHaveLength(1);
    expect(events.at(-1)?.type).toBe("run.completed");
    const after = await conversation(id);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([{ role: "assistant", text: ["Recovered."] }]);

    const dup = await api<SendMessageResult>(
      user,
      "POST",
      `/api/orchestrators/${id}/runs/${failed.runId}/retry`,
      {
        clientId: "retry-1",
      },
    );
    expect(dup.body.runId).toBe(retried.body.runId);
    for (const runId of [failed.runId, retried.body.runId!]) {
      const r = await api<{ error: { code: string; message: string } }>(
        user,
        "POST",
        `/api/orchestrators/${id}/runs/${runId}/retry`,
      );
      expect(r.status, runId).toBe(409);
      expect(r.body.error.code).toBe("not_retryable");
    }
    expect((await api(user, "POST", `/api/orchestrators/${id}/runs/run_nope/retry`)).status).toBe(404);
  });

  it("retry of a stopped run whose reply was cut off asks for the answer again", async () => {
    const { user, id, stub } = await setup();
    await send(user, id, long("Long."));
    await waitFor(stub, (ev) => of(ev, "text.delta").length > 0);
    await api(user, "POST", `/api/orchestrators/${id}/interrupt`);
    const events = await waitFor(stub, runsIdle(1));
    const runId = of(events, "run.started")[0]!.runId;
    const r = await api<SendMessageResult>(user, "POST", `/api/orchestrators/${id}/runs/${runId}/retry`);
    expect(r.status).toBe(202);
    await waitFor(stub, runsIdle(2));
    const conv = await conversation(id);
    expect(conv.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(conv[2]!.text[0]).toMatch(/^\[Retry: your previous reply was cut off/);
  });
});

describe("export", () => {
  async function exported(user: TestUser, id: string, format?: string) {
    const res = await SELF.fetch(
      `${BASE}/api/orchestrators/${id}/export${format ? `?format=${format}` : ""}`,
      {
        headers: { Authorization: `Bearer ${user.token}` },
      },
    );
    return { res, text: await res.text() };
  }

  it("JSON and Markdown hold the conversation: messages, tools, reports, runs and usage", async () => {
    const { user, id, stub } = await setup();
    await send(user, id, penmanScript("The writer finished: out/p.md.", "Get penman to write."));
    await waitFor(stub, runsIdle(1), 30_000);
    const queued = await send(user, id, long("Another."));
    const cancelMe = await send(user, id, "Never mind this one.");
    await api(user, "DELETE", `/api/orchestrators/${id}/messages/${cancelMe.body.messageId}`);
    await waitFor(stub, runsIdle(2), 30_000);
    const json = await exported(user, id);
    expect(json.res.status).toBe(200);
    expect(json.res.headers.get("content-type")).toContain("application/json");
    expect(json.res.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.json"$/);
    const body = JSON.parse(json.text);
    expect(conversationExportSchema.parse(body)).toEqual(body);
    const entries = conversationExportSchema.parse(body).entries;
    expect(body.orchestrator).toEqual({ id, name: "Test orchestrator", model: expect.any(String) });
    const types = entries.map((e) => e.type);
    expect(types.filter((t) => t === "user")).toHaveLength(3);
    expect(entries.find((e) => e.type === "cancelled")).toMatchObject({
      messageId: cancelMe.body.messageId,
      text: "Never mind this one.",
    });
    const assistant = entries.filter((e) => e.type === "assistant");
    expect(assistant[0]).toMatchObject({ text: "Setting up a writer.", tools: [{ name: "create_agent" }] });
    expect(assistant.some((a) => a.type === "assistant" && a.text === "The writer finished: out/p.md.")).toBe(
      true,
    );
    const wait = assistant
      .flatMap((a) => (a.type === "assistant" ? a.tools : []))
      .find((t) => t.name === "wait_for_agents");
    expect(wait?.result).toContain("penman");
    expect(entries.find((e) => e.type === "report")).toMatchObject({
      agent: "penman",
      result: "penman wrote out/p.md",
    });
    const runs = entries.filter((e) => e.type === "run");
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ outcome: "completed", usage: { outputTokens: expect.any(Number) } });
    expect(body.totals.costUsd).toBeGreaterThan(0);
    // Order: the first user message, its answer, …, the second user message after the first run.
    expect(types[0]).toBe("user");
    const firstRunEnd = types.indexOf("run");
    expect(
      entries.findIndex((e) => e.type === "user" && e.messageId === queued.body.messageId),
    ).toBeGreaterThan(firstRunEnd);

    const md = await exported(user, id, "md");
    expect(md.res.headers.get("content-type")).toContain("text/markdown");
    expect(md.text).toMatch(/^# Test orchestrator\n/);
    expect(md.text).toContain("### You · ");
    expect(md.text).toContain("Get penman to write.");
    expect(md.text).toContain("The writer finished: out/p.md.");
    expect(md.text).toContain("- Tool `create_agent`");
    expect(md.text).toContain("### Report from agent penman");
    expect(md.text).toContain("> penman wrote out/p.md");
    expect(md.text).toContain("_Cancelled before it ran");
    expect(md.text).toContain("_Turn complete");

    const bad = await exported(user, id, "pdf");
    expect(bad.res.status).toBe(400);
    // Someone else's orchestrator is a 404, like any other (test/isolation.test.ts walks them all).
    const other = await makeUser();
    expect((await exported(other, id)).res.status).toBe(404);
  });
});
