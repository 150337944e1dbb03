// Bring your own key: a user's Anthropic API key (PUT/DELETE /api/me/anthropic-key) is stored
// sealed, never answered or logged, and is what that user's orchestrator and agents present to the
// model endpoint; without it, calls go back to the simulator. The endpoint here is a Node simulator
// that records each request's x-api-key (test/model-endpoint, wired in vitest.config.ts).
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { Me, OrchestratorInfo } from "../schema/api";
import type { StreamEvent } from "../schema/events";
import { api, createOrchestrator, makeUser, runsIdle, type TestUser, teamScript, waitFor } from "./helpers";
import { WsClient } from "./ws-client";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const newKey = () => `sk-ant-api03-test${crypto.randomUUID().replace(/-/g, "")}`;

/** How many model requests presented `key` so far. */
async function requestsWith(key: string): Promise<number> {
  const res = await fetch(`${env.ANTHROPIC_BASE_URL}/_seen`);
  const { keys } = (await res.json()) as { keys: string[] };
  return keys.filter((k) => k === key).length;
}

let logged: MockInstance[] = [];
const everythingLogged = () =>
  logged.flatMap((spy) =>
    spy.mock.calls.map((args) => args.map((a) => (a instanceof Error ? a.stack : String(a))).join(" ")),
  );

beforeEach(() => {
  logged = (["log", "info", "warn", "error", "debug"] as const).map((level) => vi.spyOn(console, level));
});
afterEach(() => vi.restoreAllMocks());

async function runTeam(user: TestUser, id: string, runs: number): Promise<StreamEvent[]> {
  const sent = await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: teamScript() });
  expect(sent.status).toBe(202);
  const events = await waitFor(orchestrator(id), runsIdle(runs));
  expect(events.filter((e) => e.type === "run.completed")).toHaveLength(runs);
  return events;
}

describe("bring your own key", () => {
  it("is stored sealed, answered only as its last 4 characters, and used for every model call", async () => {
    const user = await makeUser();
    const key = newKey();
    const before = await api<Me>(user, "GET", "/api/me");
    expect(before.body.anthropicKey).toBeNull();
    expect(before.body.llm).toBe("simulator");

    const set = await api<Me>(user, "PUT", "/api/me/anthropic-key", { key });
    expect(set.status).toBe(200);
    expect(set.body.anthropicKey).toEqual({ last4: key.slice(-4), setAt: expect.any(Number) });
    expect(set.body.llm).toBe("anthropic");
    expect(JSON.stringify(set.body)).not.toContain(key);

    // At rest: neither the key nor any 8 characters of it in the clear.
    const row = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(user.id).first();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(key.slice(-12, -4));
    expect(String(row?.anthropic_key_sealed)).toMatch(/^v1\./);

    // The orchestrator and both agents call the model with the user's key (an orchestrator run of 4
    // calls, 3 per agent), and the run completes on that endpoint's answers.
    const id = await createOrchestrator(user);
    const info = await api<OrchestratorInfo>(user, "GET", `/api/orchestrators/${id}`);
    expect(info.body.simulated).toBe(false);
    const events = await runTeam(user, id, 1);
    expect(await requestsWith(key)).toBeGreaterThanOrEqual(4 + 3 + 3);

    // Nowhere in what the API answers, the stream holds, or anything logged.
    for (const path of [
      "/api/me",
      `/api/orchestrators/${id}`,
      "/api/orchestrators",
      `/api/orchestrators/${id}/agents`,
    ]) {
      expect(JSON.stringify((await api(user, "GET", path)).body)).not.toContain(key);
    }
    expect(JSON.stringify(events)).not.toContain(key);
    expect(everythingLogged().join("\n")).not.toContain(key);
  });

  it("falls back to the simulator once deleted, from the next call on", async () => {
    const user = await makeUser();
    const key = newKey();
    await api(user, "PUT", "/api/me/anthropic-key", { key });
    const id = await createOrchestrator(user);
    await runTeam(user, id, 1);
    const withKey = await requestsWith(key);
    expect(withKey).toBeGreaterThan(0);

    const gone = await api<Me>(user, "DELETE", "/api/me/anthropic-key");
    expect(gone.status).toBe(200);
    expect(gone.body.anthropicKey).toBeNull();
    expect(gone.body.llm).toBe("simulator");
    expect((await api<OrchestratorInfo>(user, "GET", `/api/orchestrators/${id}`)).body.simulated).toBe(true);
    // Deleting again is not an error.
    expect((await api(user, "DELETE", "/api/me/anthropic-key")).status).toBe(200);

    await runTeam(user, id, 2);
    expect(await requestsWith(key)).toBe(withKey);
    const row = await env.DB.prepare(
      "SELECT anthropic_key_sealed, anthropic_key_last4 FROM users WHERE id = ?",
    )
      .bind(user.id)
      .first();
    expect(row).toEqual({ anthropic_key_sealed: null, anthropic_key_last4: null });
  });

  it("reaches the model from a socket send, whose admission reads it ahead with the run's templates", async () => {
    const user = await makeUser();
    const key = newKey();
    await api(user, "PUT", "/api/me/anthropic-key", { key });
    const id = await createOrchestrator(user);
    const ws = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    ws.send({ type: "send", text: "hello over the socket" });
    await waitFor(orchestrator(id), runsIdle(1));
    expect(await requestsWith(key)).toBe(1);
    // The run took its reads from the send's admission batch, not a D1 round trip of its own.
    expect((await orchestrator(id).stats()).firstReads).toEqual({ ahead: 1, own: 0 });
    // Removed, it is gone from the next socket send on: that send's read ahead sees no key.
    await api(user, "DELETE", "/api/me/anthropic-key");
    ws.send({ type: "send", text: "and again" });
    await waitFor(orchestrator(id), runsIdle(2));
    expect(await requestsWith(key)).toBe(1);
    expect((await orchestrator(id).stats()).firstReads).toEqual({ ahead: 2, own: 0 });
    // Read ahead and used as read: nothing fell back to the run's own reads.
    expect(everythingLogged().join("\n")).not.toMatch(/failed/);
    ws.close();
  });

  it("is one user's: another user's calls stay on the simulator", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const key = newKey();
    await api(owner, "PUT", "/api/me/anthropic-key", { key });
    const id = await createOrchestrator(other);
    await runTeam(other, id, 1);
    expect(await requestsWith(key)).toBe(0);
    expect((await api<Me>(other, "GET", "/api/me")).body.anthropicKey).toBeNull();
  });

  it("refuses what isn't an Anthropic key with a 400 naming the field, without echoing it", async () => {
    const user = await makeUser();
    for (const body of [
      { key: "not-a-key-but-long-enough" },
      { key: "sk-ant-short" },
      { key: "sk-ant-has spaces in it ok" },
      {},
    ]) {
      const res = await api<{ error: { code: string; message: string } }>(
        user,
        "PUT",
        "/api/me/anthropic-key",
        body,
      );
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.message).toContain("key");
      if (body.key) expect(JSON.stringify(res.body)).not.toContain(body.key);
    }
    expect((await api<Me>(user, "GET", "/api/me")).body.anthropicKey).toBeNull();
  });
});
