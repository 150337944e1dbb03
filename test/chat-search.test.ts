// GET …/search: finding text in a conversation — your messages (cancelled ones too), the
// orchestrator's text, tool calls (name, input, result) and agents' reports, one match per entry with
// a one-line snippet, case-insensitive, capped by `limit`; bad queries name the field, and someone
// else's orchestrator is a 404.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type SearchResponse, type SendMessageResult, searchResponse } from "../schema/api";
import {
  api,
  createOrchestrator,
  makeUser,
  penmanScript,
  runsIdle,
  sim,
  type TestUser,
  waitFor,
} from "./helpers";

const send = (user: TestUser, id: string, text: string) =>
  api<SendMessageResult>(user, "POST", `/api/orchestrators/${id}/messages`, { text });
const search = (user: TestUser, id: string, query: string) =>
  api<SearchResponse & { error?: { code: string; message: string } }>(
    user,
    "GET",
    `/api/orchestrators/${id}/search?${query}`,
  );

describe("conversation search", () => {
  it("finds messages, the orchestrator's text, tool calls and reports, with snippets", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const stub = env.ORCHESTRATOR.getByName(id);
    const first = await send(
      user,
      id,
      penmanScript("The Writer finished: out/p.md is ready for you.", "Get the scribe to write."),
    );
    await waitFor(stub, runsIdle(1), 30_000);
    const long = sim([{ text: `Long. ${"and so on ".repeat(2500)}` }], "Another.");
    await send(user, id, long);
    const cancelMe = await send(user, id, "Never mind this zebra.");
    await api(user, "DELETE", `/api/orchestrators/${id}/messages/${cancelMe.body.messageId}`);
    await waitFor(stub, runsIdle(2), 30_000);

    // The orchestrator's text, case-insensitive, with the query placed in its snippet (the message
    // that scripted it matches too, first: it holds the same words).
    const text = await search(user, id, "q=WRITER%20FINISHED");
    expect(text.status).toBe(200);
    expect(searchResponse.parse(text.body)).toEqual(text.body);
    expect(text.body.truncated).toBe(false);
    expect(text.body.matches.map((m) => m.type)).toEqual(["user", "assistant"]);
    expect(text.body.matches[1]).toEqual({
      type: "assistant",
      ts: expect.any(Number),
      messageId: expect.any(String),
      snippet: "The Writer finished: out/p.md is ready for you.",
      at: 4,
      occurrences: 1,
    });
    const scripted = text.body.matches[0]!;
    expect(scripted.messageId).toBe(first.body.messageId);
    expect(scripted.snippet.startsWith("…")).toBe(true);
    expect(scripted.snippet.slice(scripted.at, scripted.at + 15)).toBe("Writer finished");

    // A path: in a tool's input, the agent's report and the closing text, oldest first.
    const path = await search(user, id, "q=out/p.md");
    const types = path.body.matches.map((m) => m.type);
    expect(types).toContain("tool");
    expect(types).toContain("report");
    expect(types.at(-1)).toBe("assistant");
    const tool = path.body.matches.find((m) => m.type === "tool");
    expect(tool).toMatchObject({ tool: "command_agent", toolUseId: expect.any(String) });
    expect(path.body.matches.find((m) => m.type === "report")).toMatchObject({
      agent: "penman",
      agentId: expect.any(String),
      snippet: "penman wrote out/p.md",
    });
    for (const m of path.body.matches) {
      expect(m.snippet.slice(m.at, m.at + "out/p.md".length).toLowerCase()).toBe("out/p.md");
    }

    // Your words, cancelled ones too; a long message's snippet is clipped around the match.
    const cancelled = await search(user, id, "q=zebra");
    expect(cancelled.body.matches).toEqual([
      expect.objectContaining({ type: "cancelled", messageId: cancelMe.body.messageId }),
    ]);
    const mine = await search(user, id, "q=scribe");
    expect(mine.body.matches[0]).toMatchObject({ type: "user", messageId: first.body.messageId });
    const many = await search(user, id, "q=so%20on&limit=1");
    expect(many.body.matches).toHaveLength(1);
    expect(many.body.truncated).toBe(true);
    expect(many.body.matches[0]!.occurrences).toBeGreaterThan(100);
    expect(many.body.matches[0]!.snippet.length).toBeLessThanOrEqual(162);
    expect(many.body.matches[0]!.snippet.endsWith("…")).toBe(true);

    const none = await search(user, id, "q=nothing%20like%20this");
    expect(none.body).toEqual({ query: "nothing like this", matches: [], truncated: false });

    // Bad input names the field; someone else's orchestrator is a 404.
    for (const [q, field] of [
      ["", "q"],
      ["q=%20%20", "q"],
      [`q=${"x".repeat(201)}`, "q"],
      ["q=a&limit=0", "limit"],
      ["q=a&limit=201", "limit"],
    ] as const) {
      const bad = await search(user, id, q);
      expect(bad.status, q).toBe(400);
      expect(bad.body.error?.code).toBe("invalid_request");
      expect(bad.body.error?.message).toContain(field);
    }
    const other = await makeUser();
    expect((await search(other, id, "q=penman")).status).toBe(404);
  });
});
