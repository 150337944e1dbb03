// DESIGN §8 "Credentials end their streams": a revoked token, a logout or a password change closes
// every WebSocket (code 4401) and SSE stream opened with that credential within 5 s, through the
// public API on real objects; frames from an ended credential are refused even when the push that
// closes its streams was missed; streams of other, still valid credentials carry on. And resume
// frames are rate-limited per socket.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { WS_CLOSE } from "../schema/events";
import { tokenCredential } from "../worker/auth/credentials";
import { RESUME_LIMIT } from "../worker/objects/stream-guard";
import { type Account, call, newToken, PASSWORD, sessionFrom, signup } from "./auth-helpers";
import { runsIdle, sim, waitFor } from "./helpers";
import { type Credential, SseWatch, WsWatch } from "./stream-watch";

const CONTRACT_MS = 5_000;
const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

type Setup = {
  a: Account;
  /** Two browser sessions (two devices) and two API tokens of the same user. */
  s1: Credential;
  s2: Credential;
  t1: Credential & { id: string };
  t2: Credential & { id: string };
  orch: string;
};

async function setup(): Promise<Setup> {
  const a = await signup();
  const other = await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } });
  const t1 = await newToken(a, "one");
  const t2 = await newToken(a, "two");
  const created = await call("/api/orchestrators", { cookie: a.cookie, body: { name: "Creds" } });
  const { id } = await created.json<{ id: string }>();
  return {
    a,
    s1: { cookie: a.cookie },
    s2: { cookie: sessionFrom(other)! },
    t1: { token: t1.secret, id: t1.id },
    t2: { token: t2.secret, id: t2.id },
    orch: id,
  };
}

/** A WebSocket and an SSE stream on `base` (an orchestrator's or agent's API path) per credential. */
async function watchWith(base: string, creds: Record<string, Credential>) {
  const out: (WsWatch | SseWatch)[] = [];
  for (const [name, cred] of Object.entries(creds)) {
    out.push(await WsWatch.open(`${base}/ws`, cred, `${name} ws ${base}`));
    out.push(await SseWatch.open(`${base}/stream`, cred, `${name} sse ${base}`));
  }
  return out;
}

/** Every victim ends within the contract (sockets with 4401); returns the slowest, in ms. */
async function expectEnded(victims: (WsWatch | SseWatch)[], since: number): Promise<number> {
  await Promise.all(victims.map((v) => v.until(() => !v.open, CONTRACT_MS)));
  for (const v of victims) {
    if (v instanceof WsWatch) expect(v.closeCode, v.label).toBe(WS_CLOSE.unauthenticated);
    else expect(v.comments, v.label).toContain(": credential ended");
  }
  return Math.max(...victims.map((v) => v.endedAt! - since));
}

/** A fresh message sent with `cred` reaches every survivor, which are all still open. */
async function expectAlive(survivors: (WsWatch | SseWatch)[], path: string, cred: Credential, tag: string) {
  const text = sim([{ text: `still here ${tag}` }], `Say ${tag}.`);
  const res = await call(`${path}/messages`, { ...cred, body: { text } });
  expect(res.status, await res.clone().text()).toBe(202);
  const mine = (e: { type: string }) => e.type === "message.user" && JSON.stringify(e).includes(tag);
  await Promise.all(survivors.map((s) => s.until(() => s.has(mine))));
  for (const s of survivors) expect(s.open, s.label).toBe(true);
}

/** Tries a `send` on each victim socket after the revocation; none may start anything. */
function sendAfter(victims: (WsWatch | SseWatch)[], tag: string): void {
  for (const v of victims) if (v instanceof WsWatch) v.send({ type: "send", text: `after ${tag}` });
}
async function expectNothingStarted(orch: string, tag: string): Promise<void> {
  const events = await waitFor(orchestrator(orch), () => true);
  expect(JSON.stringify(events)).not.toContain(`after ${tag}`);
}

const report = (what: string, ms: number) => console.log(`[creds] ${what}: streams ended ${ms} ms after it`);

describe("credentials end their streams", () => {
  it("revoking a token closes its WebSocket and SSE streams, on the orchestrator and an agent", async () => {
    const x = await setup();
    const base = `/api/orchestrators/${x.orch}`;
    // An agent, so its own stream can be watched too.
    const script = sim([
      { tools: [{ name: "create_agent", input: { name: "alpha", instructions: "Wait." } }] },
    ]);
    await call(`${base}/messages`, { ...x.t2, body: { text: script } });
    await waitFor(orchestrator(x.orch), runsIdle(1));
    const agents = await (await call(`${base}/agents`, x.t2)).json<{ agents: { id: string }[] }>();
    const agentBase = `${base}/agents/${agents.agents[0]!.id}`;

    const victims = [...(await watchWith(base, { t1: x.t1 })), ...(await watchWith(agentBase, { t1: x.t1 }))];
    const survivors = [
      ...(await watchWith(base, { t2: x.t2, s1: x.s1 })),
      ...(await watchWith(agentBase, { t2: x.t2 })),
    ];
    const t0 = Date.now();
    const del = await call(`/api/tokens/${x.t1.id}`, { method: "DELETE", ...x.s1 });
    expect(del.status).toBe(204);
    sendAfter(victims, "revoke");
    report("token revocation", await expectEnded(victims, t0));
    await expectAlive(survivors.slice(0, 4), base, x.t2, "revoke");
    await expectAlive(survivors.slice(4), agentBase, x.t2, "revoke-agent");
    await expectNothingStarted(x.orch, "revoke");
    for (const w of survivors) w.close();
  });

  it("logout closes the streams of that session only", async () => {
    const x = await setup();
    const base = `/api/orchestrators/${x.orch}`;
    const victims = await watchWith(base, { s1: x.s1 });
    const survivors = await watchWith(base, { s2: x.s2, t1: x.t1 });
    const t0 = Date.now();
    expect((await call("/api/auth/logout", { method: "POST", ...x.s1 })).status).toBe(204);
    sendAfter(victims, "logout");
    report("logout", await expectEnded(victims, t0));
    await expectAlive(survivors, base, x.s2, "logout");
    await expectNothingStarted(x.orch, "logout");
    for (const w of survivors) w.close();
  });

  it("a password change closes every session's and token's streams; the new session streams", async () => {
    const x = await setup();
    const base = `/api/orchestrators/${x.orch}`;
    const victims = await watchWith(base, { s1: x.s1, s2: x.s2, t1: x.t1, t2: x.t2 });
    const t0 = Date.now();
    const res = await call("/api/auth/password", {
      ...x.s1,
      body: { currentPassword: PASSWORD, newPassword: "a brand new secret" },
    });
    expect(res.status).toBe(200);
    sendAfter(victims, "password");
    report("password change", await expectEnded(victims, t0));
    expect((await call("/api/me", x.t1)).status).toBe(401);
    const fresh = { cookie: sessionFrom(res)! };
    const survivors = await watchWith(base, { fresh });
    await expectAlive(survivors, base, fresh, "password");
    await expectNothingStarted(x.orch, "password");
    for (const w of survivors) w.close();
  });

  it("a password change with keepTokens closes the sessions' streams and keeps the tokens'", async () => {
    const x = await setup();
    const base = `/api/orchestrators/${x.orch}`;
    const victims = await watchWith(base, { s1: x.s1, s2: x.s2 });
    const survivors = await watchWith(base, { t1: x.t1, t2: x.t2 });
    const t0 = Date.now();
    const res = await call("/api/auth/password", {
      ...x.s1,
      body: { currentPassword: PASSWORD, newPassword: "a brand new secret", keepTokens: true },
    });
    expect(res.status).toBe(200);
    sendAfter(victims, "keep");
    report("password change (keepTokens)", await expectEnded(victims, t0));
    await expectAlive(survivors, base, x.t1, "keep");
    await expectNothingStarted(x.orch, "keep");
    for (const w of survivors) w.close();
  });

  it("refuses keepTokens that is not a boolean", async () => {
    const x = await setup();
    const res = await call("/api/auth/password", {
      ...x.s1,
      body: { currentPassword: PASSWORD, newPassword: "a brand new secret", keepTokens: "yes" },
    });
    expect(res.status).toBe(400);
  });
});

describe("when the push is missed, the credential is still checked", () => {
  // Each revokes in D1 only, as if the request that ended the credential never reached the object.
  const missedPush: [string, (x: Setup) => Promise<unknown>, (x: Setup) => Credential][] = [
    [
      "a revoked token",
      (x) =>
        env.DB.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?").bind(Date.now(), x.t1.id).run(),
      (x) => x.t1,
    ],
    [
      "a deleted session",
      (x) => env.DB.prepare("DELETE FROM sessions WHERE user_id = ?").bind(x.a.userId).run(),
      (x) => x.s1,
    ],
    [
      "a session older than the password",
      (x) =>
        env.DB.prepare("UPDATE users SET password_changed_at = ? WHERE id = ?")
          .bind(Date.now() + 1000, x.a.userId)
          .run(),
      (x) => x.s1,
    ],
  ];

  for (const [what, revoke, credOf] of missedPush) {
    it(`refuses send, interrupt and resume frames from ${what}, starts nothing, and closes with 4401`, async () => {
      for (const frame of [
        { type: "send", text: "after a missed push", clientId: "c1" },
        { type: "interrupt" },
        { type: "resume", after: 0 },
      ]) {
        const x = await setup();
        const ws = await WsWatch.open(`/api/orchestrators/${x.orch}/ws`, credOf(x));
        await revoke(x);
        ws.send(frame);
        await ws.until(() => !ws.open, CONTRACT_MS);
        expect(ws.errors("unauthenticated"), frame.type).toHaveLength(1);
        expect(ws.closeCode, frame.type).toBe(WS_CLOSE.unauthenticated);
        // Only the `ready` of the resume on open: the refused resume replayed nothing.
        expect(ws.frames.filter((f) => f.type === "ready" || f.type === "sent")).toHaveLength(1);
        const events = await waitFor(orchestrator(x.orch), () => true);
        expect(events.filter((e) => e.type === "message.user" || e.type === "run.started")).toEqual([]);
      }
    });
  }

  it("says a send's dead credential before anything else it would refuse (an archived orchestrator)", async () => {
    const x = await setup();
    const ws = await WsWatch.open(`/api/orchestrators/${x.orch}/ws`, x.t1);
    const archived = await call(`/api/orchestrators/${x.orch}`, {
      cookie: x.a.cookie,
      method: "PATCH",
      body: { status: "archived" },
    });
    expect(archived.status).toBe(200);
    // Alive, the credential's send is refused as archived, and the socket stays.
    ws.send({ type: "send", text: "to an archived one" });
    await ws.until(() => ws.errors("archived").length === 1);
    expect(ws.open).toBe(true);
    // Revoked (the push missed): the next send is refused as unauthenticated, and the socket ends.
    await env.DB.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?").bind(Date.now(), x.t1.id).run();
    ws.send({ type: "send", text: "after revocation" });
    await ws.until(() => !ws.open, CONTRACT_MS);
    expect(ws.errors("unauthenticated")).toHaveLength(1);
    expect(ws.errors("archived")).toHaveLength(1);
    expect(ws.closeCode).toBe(WS_CLOSE.unauthenticated);
  });

  it("ends an SSE stream whose credential was revoked while it was being opened", async () => {
    const x = await setup();
    await env.DB.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?").bind(Date.now(), x.t1.id).run();
    // The Worker authenticated the caller just before the revocation; the object opens it after.
    const body = await orchestrator(x.orch).sse(0, tokenCredential(x.t1.id));
    const reader = body.getReader();
    const t0 = Date.now();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(Date.now() - t0).toBeLessThan(CONTRACT_MS);
    expect(text).toContain(": credential ended");
    const live = await orchestrator(x.orch).sse(0, tokenCredential(x.t2.id));
    await new Promise((r) => setTimeout(r, 200));
    expect((await orchestrator(x.orch).stats()).watchers.sse).toBe(1);
    await live.cancel();
  });
});

describe("resume frames are rate-limited per socket", () => {
  it("answers a flood of resumes with rate_limited errors, replays only a few, and keeps the socket", async () => {
    const x = await setup();
    const base = `/api/orchestrators/${x.orch}`;
    await call(`${base}/messages`, { ...x.t1, body: { text: sim([{ text: "word ".repeat(2000) }]) } });
    const log = await waitFor(orchestrator(x.orch), runsIdle(1));
    const ws = await WsWatch.open(`${base}/ws`, x.t1);
    await ws.until(() => ws.events.length >= log.length);
    for (let i = 0; i < 100; i++) ws.send({ type: "resume", after: 0 });
    await ws.until(() => ws.frames.filter((f) => f.type === "ready").length + ws.errors().length >= 101);
    const replays = ws.frames.filter((f) => f.type === "ready").length;
    const limited = ws.errors("rate_limited");
    // The first resume (on open) took one of the burst; a little refills while the flood lands.
    expect(replays).toBeLessThanOrEqual(RESUME_LIMIT.burst + 2);
    expect(limited.length).toBeGreaterThanOrEqual(100 - RESUME_LIMIT.burst - 2);
    expect(limited[0]).toMatchObject({
      frame: "resume",
      message: expect.stringMatching(/try again in \d+ s/),
    });
    expect(ws.open).toBe(true);
    ws.send({ type: "ping" });
    await ws.until(() => ws.frames.some((f) => f.type === "pong"));
    ws.close();
  });
});
