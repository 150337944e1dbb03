// Shared test helpers: a user with an API token, API calls through the real Worker, sim scripts,
// and waiting on a stream's events.
import { abortAllDurableObjects, runDurableObjectAlarm, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../schema/d1";
import type { EventBody, StreamEvent } from "../schema/events";
import { createToken } from "../worker/auth/tokens";
import type { LiveText } from "../worker/loop/live-text";
import type { Tool } from "../worker/loop/tool";
import type { LoopObject } from "../worker/objects/loop-object";
import type { Watchers } from "../worker/objects/watchers";

export const BASE = "https://baton.test";

/**
 * What tests may reach inside an object (through runInDurableObject): members that are protected
 * because they are not part of its RPC surface.
 */
export type ObjectInternals = {
  emit(body: EventBody): void;
  system(): string;
  tools(): Tool[];
  /** The live text overlay (DESIGN §11): what the model stream feeds. */
  liveText: LiveText;
  watchers: Watchers;
};
export const internals = (o: LoopObject): ObjectInternals => o as unknown as ObjectInternals;

export type TestUser = { id: string; token: string; email: string };

export async function makeUser(email = `u${crypto.randomUUID().slice(0, 8)}@example.com`): Promise<TestUser> {
  const id = `usr_${crypto.randomUUID().slice(0, 12)}`;
  await drizzle(env.DB)
    .insert(users)
    .values({ id, email, passwordHash: "x", passwordSalt: "x", passwordIterations: 1 });
  const token = await createToken(env, id, "tests");
  return { id, token: token.secret, email };
}

export async function api<T = unknown>(
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${user.token}`,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** A message with a ```sim script block (DESIGN §6). */
export function sim(steps: unknown[], prose = "Please do this."): string {
  return `${prose}\n\`\`\`sim\n${JSON.stringify(steps)}\n\`\`\``;
}

export async function createOrchestrator(
  user: TestUser,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await api<{ id: string }>(user, "POST", "/api/orchestrators", {
    name: "Test orchestrator",
    ...extra,
  });
  if (r.status !== 201) throw new Error(`create failed ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

export type EventLogSource = {
  events(after: number, limit: number): Promise<{ events: StreamEvent[]; lastSeq: number }>;
};

/** The events of one type, typed as that type. */
export const eventsOfType = <T extends StreamEvent["type"]>(events: StreamEvent[], type: T) =>
  events.filter((e): e is Extract<StreamEvent, { type: T }> => e.type === type);

/** An agent's event log, by the agent's id. */
export const agentLog = (id: string): EventLogSource => ({
  events: (after, limit) => env.AGENT.getByName(id).events(after, limit),
});

export async function allEvents(src: EventLogSource): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for (;;) {
    const page = await src.events(out.length ? out[out.length - 1]!.seq : 0, 1000);
    out.push(...page.events);
    if (!page.events.length || out[out.length - 1]!.seq >= page.lastSeq) return out;
  }
}

/** Polls the stream until `done` holds for its events. */
export async function waitFor(
  src: EventLogSource,
  done: (events: StreamEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<StreamEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await allEvents(src);
    if (done(events)) return events;
    if (Date.now() > deadline) {
      const tail = events.slice(-15).map((e) => `${e.seq} ${e.type} ${JSON.stringify(e).slice(0, 160)}`);
      throw new Error(`timed out waiting; last events:\n${tail.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const terminalRuns = (events: StreamEvent[]) =>
  events.filter((e) => e.type === "run.completed" || e.type === "run.failed" || e.type === "run.interrupted");

export const runsIdle = (n: number) => (events: StreamEvent[]) => terminalRuns(events).length >= n;

/** Asserts gapless seqs from 1. */
export function assertGapless(events: StreamEvent[]): void {
  events.forEach((e, i) => {
    if (e.seq !== i + 1) throw new Error(`gap: event ${i} has seq ${e.seq}`);
  });
}

/** An agent task whose script writes `path`, reports, and ends. */
export const agentTask = (name: string, path: string) =>
  sim(
    [
      { tools: [{ name: "write_file", input: { path, content: `# ${name}\n\nWritten by ${name}.\n` } }] },
      { tools: [{ name: "report", input: { result: `${name} wrote ${path}` } }] },
      { text: "Done." },
    ],
    `Write ${path}.`,
  );

/** The orchestrator's script for one agent: made, given `task` (its own sim script), awaited. */
export const soloAgentScript = (name: string, instructions: string, task: string, done = "Done.") =>
  sim([
    { tools: [{ name: "create_agent", input: { name, instructions } }] },
    { tools: [{ name: "command_agent", input: { name, task } }] },
    { tools: [{ name: "wait_for_agents", input: { names: [name] } }] },
    { text: done },
  ]);

/** One writer, "penman", made, given out/p.md to write and awaited; the run ends with `done`. */
export const penmanScript = (done: string, prose: string) =>
  sim(
    [
      {
        text: "Setting up a writer.",
        tools: [{ name: "create_agent", input: { name: "penman", instructions: "Write." } }],
      },
      {
        tools: [{ name: "command_agent", input: { name: "penman", task: agentTask("penman", "out/p.md") } }],
      },
      { tools: [{ name: "wait_for_agents", input: { names: ["penman"] } }] },
      { text: done },
    ],
    prose,
  );

/** The orchestrator script of the acceptance scenario: 2 agents created, commanded, awaited. */
export const teamScript = () =>
  sim([
    {
      text: "I'll set up two agents.",
      tools: [
        { name: "create_agent", input: { name: "alpha", instructions: "You write file a." } },
        { name: "create_agent", input: { name: "beta", instructions: "You write file b." } },
      ],
    },
    {
      tools: [
        { name: "command_agent", input: { name: "alpha", task: agentTask("alpha", "out/a.md") } },
        { name: "command_agent", input: { name: "beta", task: agentTask("beta", "out/b.md") } },
      ],
    },
    { tools: [{ name: "wait_for_agents", input: { names: ["alpha", "beta"] } }] },
    { text: "Both agents are done: out/a.md and out/b.md." },
  ]);

const prose = (n: number) => "The quick brown fox jumps over the lazy dog. ".repeat(n);

/** A longer team scenario (several seconds of streaming) so crashes land at many different points. */
export const longTeamScript = () => {
  const task = (name: string) =>
    sim(
      [
        {
          text: prose(120),
          tools: [{ name: "write_file", input: { path: `out/${name}-1.md`, content: prose(20) } }],
        },
        {
          text: prose(120),
          tools: [{ name: "write_file", input: { path: `out/${name}-2.md`, content: prose(20) } }],
        },
        { text: prose(120), tools: [{ name: "report", input: { result: `${name} wrote two files` } }] },
        { text: prose(60) },
      ],
      `Write two files as ${name}.`,
    );
  return sim([
    {
      text: prose(120),
      tools: [
        { name: "create_agent", input: { name: "alpha", instructions: "You write." } },
        { name: "create_agent", input: { name: "beta", instructions: "You write." } },
      ],
    },
    { text: prose(20), tools: [{ name: "command_agent", input: { name: "alpha", task: task("alpha") } }] },
    { text: prose(20), tools: [{ name: "command_agent", input: { name: "beta", task: task("beta") } }] },
    { text: prose(60), tools: [{ name: "wait_for_agents", input: { names: ["alpha", "beta"] } }] },
    { text: `${prose(120)} Done.` },
  ]);
};

/**
 * A crash or deploy: every object instance is torn down at once, mid-whatever (storage survives,
 * sockets drop). Then each object is woken the way production wakes it: by its heartbeat alarm.
 */
export async function crashAndWake(...wake: (() => DurableObjectStub)[]): Promise<void> {
  await abortAllDurableObjects();
  for (const get of wake) {
    const stub = get();
    // A stub held across the abort reports the abort once; the next call reaches the new instance.
    for (let i = 0; ; i++) {
      try {
        await runDurableObjectAlarm(stub);
        break;
      } catch (err) {
        if (i > 5 || !String(err).includes("abortAllDurableObjects")) throw err;
      }
    }
  }
}
