// Drill: the LLM fault matrix (DESIGN §5.6, §5.9, §6). Every fault kind × where it strikes (the first
// response; mid-conversation after tool calls; inside an agent's task, while the orchestrator waits)
// × how it ends (retried then succeeds; retries exhausted). 36 cases, run concurrently; DRILL_SCALE
// repeats the whole matrix (10× = 360 runs).
//
// Each case: exactly one terminal event per run everywhere; llm.retry announced with attempts 2, 3, …
// in order (≥ the retry-after second for 429s); recovery ends in run.completed with the scripted
// answer; exhaustion ends in run.failed {code:"llm_unavailable"} naming the attempts and the cause;
// a failed agent reports `failed` to its orchestrator, whose wait still returns and whose run still
// completes; work done before the fault (a file write) happened exactly once.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { files } from "../../schema/d1";
import type { StreamEvent } from "../../schema/events";
import { api, createOrchestrator, makeUser, sim, terminalRuns } from "../helpers";
import {
  agentLog,
  drillScale,
  logViolations,
  ofType,
  orchestratorLog,
  type Rng,
  readLog,
  seeded,
  sleep,
} from "./kit";

const FILE = "test/drills/faults.test.ts";
const REPS = drillScale();

const KINDS = ["overloaded", "rate_limit", "server_error", "stream_error", "disconnect", "stall"] as const;
const WHERE = ["first", "mid", "agent"] as const;
const ENDS = ["recovers", "exhausted"] as const;
type Kind = (typeof KINDS)[number];
type Case = { kind: Kind; where: (typeof WHERE)[number]; end: (typeof ENDS)[number]; nonce: string };

/** The attempts the loop makes per call (worker/loop/runner.ts LIMITS.maxAttempts). */
const MAX_ATTEMPTS = 5;
/** What run.failed says about each cause (worker/loop/model-call.ts classify). */
const CAUSE: Record<Kind, RegExp> = {
  overloaded: /overloaded \(529\)/,
  rate_limit: /rate limited \(429\)/,
  server_error: /server error \(500\)/,
  stream_error: /stream error/,
  disconnect: /connection lost/,
  stall: /stream stalled/,
};

const label = (c: Case) => `${c.kind}/${c.where}/${c.end}`;

function script(c: Case): { text: string; marker: string } {
  const times = c.end === "recovers" ? 2 : MAX_ATTEMPTS;
  const fault = { fault: c.kind, times };
  const marker = `answer-${c.nonce}`;
  // The nonce makes every conversation unique: the simulator counts fault attempts per conversation.
  const prose = `Fault drill ${label(c)} ${c.nonce}.`;
  if (c.where === "first") return { text: sim([fault, { text: marker }], prose), marker };
  if (c.where === "mid")
    return {
      text: sim(
        [
          {
            text: "Looking around first.",
            tools: [
              { name: "list_agents", input: {} },
              { name: "list_files", input: {} },
            ],
          },
          fault,
          { text: marker },
        ],
        prose,
      ),
      marker,
    };
  const task = sim(
    [
      { tools: [{ name: "write_file", input: { path: `out/${c.nonce}.md`, content: `# ${c.nonce}\n` } }] },
      fault,
      { tools: [{ name: "report", input: { result: `wrote out/${c.nonce}.md` } }] },
      { text: "Done." },
    ],
    `Task ${c.nonce}: write a file.`,
  );
  return {
    text: sim(
      [
        { tools: [{ name: "create_agent", input: { name: "worker", instructions: "Do the task." } }] },
        { tools: [{ name: "command_agent", input: { name: "worker", task } }] },
        { tools: [{ name: "wait_for_agents", input: { names: ["worker"] } }] },
        { text: marker },
      ],
      prose,
    ),
    marker,
  };
}

const textOf = (events: StreamEvent[]) =>
  ofType(events, "text.delta")
    .map((e) => e.text)
    .join("");

async function until(
  src: ReturnType<typeof orchestratorLog>,
  done: (ev: StreamEvent[]) => boolean,
  ms: number,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const ev = await readLog(src);
    if (done(ev)) return ev;
    if (Date.now() > deadline) throw new Error(`no terminal event within ${ms} ms (a stuck run)`);
    await sleep(100);
  }
}

const settled = (ev: StreamEvent[]) =>
  ofType(ev, "run.started").length > 0 && terminalRuns(ev).length === ofType(ev, "run.started").length;

/** Runs one case; returns its problems (empty = fine). */
async function runCase(c: Case): Promise<string[]> {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${label(c)}: ${what}`);
  };
  const user = await makeUser();
  const id = await createOrchestrator(user);
  const { text, marker } = script(c);
  const sent = await api(user, "POST", `/api/orchestrators/${id}/messages`, { text });
  check(sent.status === 202, `send answered ${sent.status}`);
  const events = await until(orchestratorLog(id), settled, 45_000);
  problems.push(...logViolations(`${label(c)} orchestrator`, events));
  check(ofType(events, "run.started").length === 1, "the orchestrator ran more than one run");

  let faulty = events;
  if (c.where === "agent") {
    const created = ofType(events, "agent.created")[0];
    check(!!created, "no agent created");
    if (!created) return problems;
    const agentId = created.agent.id;
    const own = await until(agentLog(agentId), settled, 10_000);
    problems.push(...logViolations(`${label(c)} agent`, own));
    faulty = own;
    // The agent reports its end upward; the waiting orchestrator gets it and finishes.
    const status = c.end === "recovers" ? "complete" : "failed";
    check(
      ofType(events, "agent.status").some((e) => e.agentId === agentId && e.status === status),
      `orchestrator never saw agent.status ${status}`,
    );
    const done = ofType(events, "agent.completed").filter((e) => e.agentId === agentId);
    check(done.length === 1, `agent.completed ${done.length} times`);
    if (c.end === "exhausted")
      check(/^Failed: /.test(done[0]?.result ?? ""), `agent result "${done[0]?.result}"`);
    const waited = ofType(events, "tool.called").find((e) => e.name === "wait_for_agents");
    const result = ofType(events, "tool.result").find((e) => e.toolUseId === waited?.toolUseId);
    const summary = result ? (JSON.parse(result.content) as { agents: { status: string }[] }) : null;
    check(summary?.agents[0]?.status === status, `wait_for_agents returned ${result?.content}`);
    check(terminalRuns(events).at(-1)?.type === "run.completed", "the waiting orchestrator did not complete");
    check(textOf(events).includes(marker), "the orchestrator's final answer is missing");
    // The write before the fault happened exactly once.
    const rows = await drizzle(env.DB).select().from(files).where(eq(files.orchestratorId, id));
    check(
      rows.length === 1 && rows[0]!.version === 1,
      `files ${JSON.stringify(rows.map((f) => [f.path, f.version]))}`,
    );
  }

  // Retries: announced in order, attempt 2, 3, …; a 429 waits at least its retry-after second.
  const retries = ofType(faulty, "llm.retry");
  const want = c.end === "recovers" ? [2, 3] : [2, 3, 4, 5];
  check(
    JSON.stringify(retries.map((e) => e.attempt)) === JSON.stringify(want),
    `retries ${retries.map((e) => e.attempt)}`,
  );
  if (c.kind === "rate_limit")
    check(
      retries.every((e) => e.delayMs >= 1000),
      "a 429 retry ignored retry-after",
    );
  check(
    retries.every((e) => CAUSE[c.kind].test(e.reason)),
    `retry reasons ${retries.map((e) => e.reason)}`,
  );

  const end = terminalRuns(faulty);
  check(end.length === 1, `${end.length} terminal events on the faulty stream`);
  const last = end[0];
  if (c.end === "recovers") {
    check(last?.type === "run.completed", `ended ${last?.type}`);
    check(
      textOf(faulty).includes(c.where === "agent" ? "Done." : marker),
      "the answer after recovery is missing",
    );
  } else {
    check(last?.type === "run.failed", `ended ${last?.type}`);
    if (last?.type === "run.failed") {
      check(last.error.code === "llm_unavailable", `code ${last.error.code}`);
      check(/after 5 attempts/.test(last.error.message), `message "${last.error.message}"`);
      check(CAUSE[c.kind].test(last.error.message), `cause not named: "${last.error.message}"`);
    }
  }
  return problems;
}

describe("drill: LLM faults", () => {
  it(
    `${KINDS.length * WHERE.length * ENDS.length * REPS} runs: every fault kind × first/mid/agent × recovers/exhausted`,
    async () => {
      await seeded(FILE, async (r: Rng) => {
        const problems: string[] = [];
        for (let rep = 0; rep < REPS; rep++) {
          const cases: Case[] = [];
          for (const kind of KINDS)
            for (const where of WHERE)
              for (const end of ENDS)
                cases.push({ kind, where, end, nonce: `${rep}-${r.int(1e9).toString(36)}` });
          const results = await Promise.all(
            cases.map((c) => runCase(c).catch((err) => [`${label(c)}: ${err}`])),
          );
          problems.push(...results.flat());
        }
        console.log(
          `[drill] faults: ${KINDS.length * WHERE.length * ENDS.length * REPS} cases, ${problems.length} problems`,
        );
        expect(problems).toEqual([]);
      });
    },
    120_000 * REPS,
  );
});
