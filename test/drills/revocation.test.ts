// Drill: credentials end their streams (DESIGN §8). One user with several browser sessions and API
// tokens watches several orchestrators and their agents over many WebSocket and SSE streams, each
// opened through the public API with one of those credentials, while runs keep streaming. Some
// credentials end at random moments (token revoked, session logged out), several at once. Exactly
// the streams of ended credentials must end — sockets with 4401 — within 5 s of their revocation;
// every other stream stays open and ends up holding its object's whole log.
// 48 streams over 3 orchestrators + 3 agents in CI; DRILL_SCALE multiplies streams and credentials.
import { describe, expect, it } from "vitest";
import { WS_CLOSE } from "../../schema/events";
import { type Account, call, newToken, PASSWORD, sessionFrom, signup } from "../auth-helpers";
import { type EventLogSource, sim, terminalRuns } from "../helpers";
import { type Credential, SseWatch, WsWatch } from "../stream-watch";
import {
  agentLog,
  drillScale,
  ofType,
  orchestratorLog,
  orchestratorStub,
  readLog,
  seeded,
  sleep,
} from "./kit";

const FILE = "test/drills/revocation.test.ts";
const SCALE = drillScale();
const CONTRACT_MS = 5_000;
const ORCHESTRATORS = 3 + Math.floor(SCALE / 3);
const STREAMS = 48 * SCALE;
/** Login is rate-limited per email (10 per 15 min): the signup's session plus a few more. */
const SESSIONS = 4;
const TOKENS = Math.min(45, 6 * SCALE);

type Cred = { name: string; cred: Credential; end: () => Promise<Response>; endedAt?: number };
type Target = { label: string; base: string; orchId: string; agentId?: string; log: EventLogSource };
type Stream = { watch: WsWatch | SseWatch; owner: Cred; target: Target };

const prose = (n: number) => "Revocation must end exactly the streams it names, and no others. ".repeat(n);

/** The user's sessions and tokens; `control` (never ended) revokes the tokens. */
async function credentials(a: Account, control: Credential): Promise<Cred[]> {
  const out: Cred[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const cookie =
      i === 0
        ? a.cookie
        : sessionFrom(await call("/api/auth/login", { body: { email: a.email, password: PASSWORD } }))!;
    out.push({
      name: `session-${i}`,
      cred: { cookie },
      end: () => call("/api/auth/logout", { method: "POST", cookie }),
    });
  }
  for (let i = 0; i < TOKENS; i++) {
    const t = await newToken(a, `drill-${i}`);
    out.push({
      name: `token-${i}`,
      cred: { token: t.secret },
      end: () => call(`/api/tokens/${t.id}`, { method: "DELETE", ...control }),
    });
  }
  return out;
}

/** Orchestrators, each with one agent (created by a scripted run), as stream targets. */
async function targets(control: Credential): Promise<Target[]> {
  const out: Target[] = [];
  for (let i = 0; i < ORCHESTRATORS; i++) {
    const res = await call("/api/orchestrators", { ...control, body: { name: `Drill ${i}` } });
    const { id } = await res.json<{ id: string }>();
    const base = `/api/orchestrators/${id}`;
    await orchestratorStub(id).send(
      sim([{ tools: [{ name: "create_agent", input: { name: "scribe", instructions: "Write." } }] }]),
    );
    let agents = await orchestratorStub(id).agents();
    for (let n = 0; !agents.length && n < 400; n++) {
      await sleep(25);
      agents = await orchestratorStub(id).agents();
    }
    const agentId = agents[0]!.id;
    out.push({ label: `orch-${i}`, base, orchId: id, log: orchestratorLog(id) });
    out.push({
      label: `agent-${i}`,
      base: `${base}/agents/${agentId}`,
      orchId: id,
      agentId,
      log: agentLog(agentId),
    });
  }
  return out;
}

/** Keeps every stream busy: a new message to a random orchestrator or agent every few ms. */
function produce(ts: Target[], pick: <T>(xs: readonly T[]) => T, stop: { now: boolean }): Promise<number> {
  return (async () => {
    let sent = 0;
    while (!stop.now) {
      const t = pick(ts);
      const text = sim([{ text: prose(30) }], `Message ${sent}.`);
      // Straight to the objects: the HTTP send rate limit is not what this drill is about.
      if (t.agentId) await orchestratorStub(t.orchId).messageAgent(t.agentId, text);
      else await orchestratorStub(t.orchId).send(text);
      sent++;
      await sleep(40);
    }
    return sent;
  })();
}

async function idleLog(t: Target) {
  for (let i = 0; i < 600; i++) {
    const ev = await readLog(t.log);
    if (terminalRuns(ev).length === ofType(ev, "run.started").length) return ev;
    await sleep(50);
  }
  throw new Error(`${t.label}: runs did not finish`);
}

describe("drill: revocation", () => {
  it(
    `${STREAMS} streams on ${ORCHESTRATORS} orchestrators and their agents: revoked credentials end exactly their streams within 5 s`,
    async () => {
      await seeded(FILE, async (r) => {
        const a = await signup();
        const control = { token: (await newToken(a, "control")).secret };
        const creds = await credentials(a, control);
        const ts = await targets(control);

        const streams: Stream[] = [];
        for (let i = 0; i < STREAMS; i++) {
          const owner = r.pick(creds);
          const target = r.pick(ts);
          const label = `${owner.name} → ${target.label} #${i}`;
          const watch = r.chance(0.5)
            ? await WsWatch.open(`${target.base}/ws`, owner.cred, `ws ${label}`)
            : await SseWatch.open(`${target.base}/stream`, owner.cred, `sse ${label}`);
          streams.push({ watch, owner, target });
        }

        // End about half the tokens and half the sessions, at random moments, overlapping.
        const doomed = creds.filter(() => r.chance(0.5));
        if (!doomed.length) doomed.push(creds[0]!);
        const stop = { now: false };
        const producing = produce(ts, r.pick, stop);
        await sleep(r.range(100, 300));
        const delays = doomed.map(() => r.range(0, 1500));
        await Promise.all(
          doomed.map(async (c, i) => {
            await sleep(delays[i]!);
            c.endedAt = Date.now();
            const res = await c.end();
            expect(res.status, `ending ${c.name}`).toBe(204);
          }),
        );
        await sleep(r.range(100, 300));
        stop.now = true;
        const sent = await producing;

        const problems: string[] = [];
        const closeMs: number[] = [];
        const victims = streams.filter((s) => s.owner.endedAt !== undefined);
        await Promise.all(
          victims.map((s) =>
            s.watch.until(() => !s.watch.open, CONTRACT_MS - (Date.now() - s.owner.endedAt!)).catch(() => {}),
          ),
        );
        for (const s of victims) {
          const w = s.watch;
          if (w.open) {
            problems.push(`${w.label}: still open ${Date.now() - s.owner.endedAt!} ms after its revocation`);
            continue;
          }
          const ms = w.endedAt! - s.owner.endedAt!;
          closeMs.push(ms);
          if (ms > CONTRACT_MS) problems.push(`${w.label}: ended ${ms} ms after its revocation`);
          if (w instanceof WsWatch && w.closeCode !== WS_CLOSE.unauthenticated)
            problems.push(`${w.label}: closed with ${w.closeCode}, not 4401`);
        }

        // Everyone else saw it all: each survivor holds its object's whole log and is still open.
        const survivors = streams.filter((s) => s.owner.endedAt === undefined);
        for (const t of ts) {
          const log = await idleLog(t);
          for (const s of survivors.filter((x) => x.target === t)) {
            await s.watch.until(() => s.watch.events.length >= log.length).catch(() => {});
            const seqs = s.watch.events.map((e) => e.seq);
            if (!s.watch.open) problems.push(`${s.watch.label}: a survivor ended`);
            if (seqs.length !== log.length || seqs.some((seq, i) => seq !== i + 1))
              problems.push(`${s.watch.label}: has ${seqs.length} events in order, the log ${log.length}`);
          }
        }
        closeMs.sort((x, y) => x - y);
        const at = (q: number) => closeMs[Math.min(closeMs.length - 1, Math.floor(q * closeMs.length))] ?? 0;
        console.log(
          `[drill] revocation: ${streams.length} streams, ${creds.length} credentials, ${doomed.length} ended ` +
            `(${victims.length} streams), ${survivors.length} survivors, ${sent} messages meanwhile; ` +
            `revoke→end ms p50 ${at(0.5)} p95 ${at(0.95)} max ${at(1)}`,
        );
        expect(problems).toEqual([]);
        for (const s of streams) s.watch.close();
      });
    },
    90_000 * SCALE,
  );
});
