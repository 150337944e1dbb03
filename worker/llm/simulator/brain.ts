// The demo brain: what the simulator says when no script rules. It recognises its role from the
// tools offered and decides each step from the conversation state (which tool calls exist since
// the user's latest turn and what they returned), so a retried or resumed request gets the same
// answer and the flow can't drift out of step with the app.
//
// - Orchestrator (offered `create_agent`): asked for work, it creates the team the request asks
//   for (team.ts: "three agents", "a researcher and an editor"; else a researcher and a writer),
//   commands each, waits, then summarises their reports. Later messages (followup.ts): thanks and
//   recaps are answered briefly from the reports without a run; a change to what the team wrote
//   goes to the agent that wrote it, naming the file; new work goes to the existing team.
// - Agent (offered `write_file` and `report`): agent-work.ts — writes a file shaped by the request
//   and its part, or reads and revises the file it is asked to change, then reports.
// - Anything else: a short, friendly text answer.
import { type Decision, work } from "./agent-work";
import { callsAfter, lastRound, latestUserTextTurn, type PastCall, type Reply, textOf } from "./conversation";
import {
  editTarget,
  intentOf,
  parseJson,
  pastReports,
  type Report,
  recap,
  reportsIn,
  walk,
} from "./followup";
import { chatAnswer, greeting, quote } from "./prose";
import type { SimRequest } from "./request";
import { declaresServerTool } from "./server-tools";
import { asksForTeam, countWord, type Member, membersNamed, teamFor } from "./team";

const MAX_WAITS = 3;

export function demoReply(request: SimRequest): Reply {
  const offered = new Set((request.tools ?? []).map((t) => t.name));
  const turn = latestUserTextTurn(request.messages);
  const said = turn >= 0 ? textOf(request.messages[turn]!) : "";
  const calls = callsAfter(request.messages, turn);
  let decision: Decision;
  if (offered.has("create_agent")) {
    decision = orchestrate(said, calls, callsAfter(request.messages, -1));
  } else if (offered.has("write_file") && offered.has("report")) {
    decision = work(said, calls, declaresServerTool(request, "web_search"));
  } else {
    decision = chat(said, false);
  }
  const reply: Reply = { tools: decision.tools };
  if (decision.text !== undefined) reply.text = decision.text;
  const thinking = request.thinking?.type;
  if (thinking === "enabled" || thinking === "adaptive") reply.thinking = decision.why;
  return reply;
}

function orchestrate(said: string, calls: PastCall[], everything: PastCall[]): Decision {
  const known = existingAgents(everything);
  // The team as it was before this turn's calls: what this turn's plan started from.
  const before = existingAgents(everything.filter((c) => !calls.includes(c)));
  if (calls.length === 0) {
    const reporter = [...known].find((name) => mentionsReport(said, name));
    if (reporter) {
      return {
        why: `This is ${reporter}'s report arriving, not a new request; acknowledge it rather than start more work.`,
        text: `Noted — ${reporter} has reported back: "${quote(said, 200)}"`,
        tools: [],
      };
    }
    const reports = pastReports(everything);
    switch (intentOf(said, known.size > 0)) {
      case "thanks":
        return {
          why: "Thanks, not a task: answer in a line and start nothing.",
          text: "You're welcome — tell me if you'd like anything changed.",
          tools: [],
        };
      case "recap":
        return {
          why: "A recap of what's done, not new work: answer from the reports, briefly.",
          text: recap(reports, /^\s*(thanks|thank you|thx|cheers)\b/i.test(said)),
          tools: [],
        };
      case "edit":
        return change(said, [...known], reports);
      case "chat":
        return chat(said, true);
      default:
        break;
    }
    const team = planTeam(said, before);
    const missing = team.filter((m) => !known.has(m.name));
    if (missing.length === 0) return dispatch(team);
    return {
      why: `The user wants work done: "${quote(said, 100)}". I'll split it between ${team.map((m) => m.name).join(", ")}.`,
      text: `I'll set up ${listOf(missing.map((m) => m.name))} for this.`,
      tools: missing.map((m) => ({
        name: "create_agent",
        input: { name: m.name, instructions: m.instructions },
      })),
    };
  }

  const round = lastRound(calls);
  const failed = round.filter((c) => c.result?.isError && !alreadyExists(c));
  if (failed.length > 0) {
    const detail = failed.map((c) => `${c.name} failed: ${quote(c.result?.text ?? "", 160)}`).join("; ");
    return {
      why: "A tool call failed; I should tell the user instead of pressing on.",
      text: `I ran into a problem: ${detail}. Tell me how you'd like to proceed.`,
      tools: [],
    };
  }
  const first = round[0]!;
  switch (first.name) {
    case "create_agent":
      return dispatch(planTeam(said, before));
    case "command_agent":
      return waitFor(round.map((c) => String(c.input.name ?? "")).filter((n) => n.length > 0));
    case "wait_for_agents": {
      const names = stringList(first.input.names);
      const waits = calls.filter((c) => c.name === "wait_for_agents").length;
      const outcome = first.result?.text ?? "";
      if (stillRunning(outcome) && waits < MAX_WAITS) return waitFor(names);
      return summarise(names, outcome);
    }
    default:
      return {
        why: "I have what I need; wrap up.",
        text: "Done — let me know what you'd like next.",
        tools: [],
      };
  }
}

function dispatch(team: Member[]): Decision {
  const n = team.length;
  return {
    why: "The agents exist; give each its part of the job.",
    text:
      n === 1
        ? `Handing the task to ${team[0]!.name}.`
        : `${n === 2 ? "Both" : `All ${countWord(n)}`} agents are ready; handing out the tasks.`,
    tools: team.map((m) => ({ name: "command_agent", input: { name: m.name, task: m.task } })),
  };
}

/** The request's own team when it names one, else the team already there, else the default. */
function planTeam(said: string, existing: Set<string>): Member[] {
  return existing.size > 0 && !asksForTeam(said) ? membersNamed([...existing], said) : teamFor(said);
}

/** A change to what the team wrote: the agent that wrote it, told which file. */
function change(said: string, known: string[], reports: Report[]): Decision {
  const { agent, path } = editTarget(said, known, reports);
  const task = path
    ? `${said}\n\nThe file to change: ${path}. Read it first, change what was asked, keep the rest, then report what changed.`
    : `${said}\n\nYour part: write the deliverable as a markdown file, then report a one-line summary.`;
  return {
    why: `A change to the team's work: ${agent} wrote it${path ? ` (${path})` : ""}, so ${agent} makes it.`,
    text: path ? `I'll ask ${agent} to update ${path}.` : `I'll ask ${agent} to do that.`,
    tools: [{ name: "command_agent", input: { name: agent, task } }],
  };
}

function listOf(names: string[]): string {
  return names.length <= 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function waitFor(names: string[]): Decision {
  return {
    why: `The tasks are dispatched; wait for ${names.join(" and ")} to finish.`,
    tools: [{ name: "wait_for_agents", input: { names, timeoutSec: 600 } }],
  };
}

function summarise(names: string[], outcome: string): Decision {
  const reports = reportsIn(outcome);
  const lines =
    reports.length > 0
      ? reports.map((r) => `- **${r.name}**: "${quote(r.result, 240)}"`)
      : [`> ${quote(outcome, 600) || "(no report text came back)"}`];
  return {
    why: "All agents have reported; summarise their results for the user.",
    text: [
      names.length === 1 ? `${names[0]} is done:` : `The team is done (${names.join(", ")}). Their reports:`,
      "",
      ...lines,
      "",
      "The files are in the workspace.",
    ].join("\n"),
    tools: [],
  };
}

function chat(said: string, orchestrator: boolean): Decision {
  const isGreeting =
    /^\s*(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening)|thanks|thank you)\b/i.test(said);
  // "hi" gets a greeting back; "hi, what's a good name for a cat?" is a question.
  if (isGreeting && !said.includes("?") && said.trim().split(/\s+/).length <= 6) {
    return { why: "A greeting; answer in kind.", text: greeting(orchestrator), tools: [] };
  }
  return { why: "A question, not a task; answer directly.", text: chatAnswer(said), tools: [] };
}

/** Agents that exist by now: created successfully, or refused because they already existed. */
function existingAgents(calls: PastCall[]): Set<string> {
  const names = new Set<string>();
  for (const c of calls) {
    const name = c.input.name;
    if (
      c.name === "create_agent" &&
      typeof name === "string" &&
      c.result &&
      (!c.result.isError || alreadyExists(c))
    ) {
      names.add(name);
    }
  }
  return names;
}

function alreadyExists(call: PastCall): boolean {
  return call.name === "create_agent" && /already exists/i.test(call.result?.text ?? "");
}

/** "researcher reported: …", "Agent writer completed …": an agent's report, not a new request. */
function mentionsReport(said: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return (
    new RegExp(`\\b${escaped}\\b`, "i").test(said) &&
    /\b(reported|finished|completed?|done)\b|\breport:/i.test(said)
  );
}

/** Whether a wait_for_agents result says some agent is still busy (JSON or prose). */
function stillRunning(outcome: string): boolean {
  const json = parseJson(outcome);
  if (json === undefined) return /\b(timed out|still (running|working|executing))\b/i.test(outcome);
  let busy = false;
  walk(json, (o) => {
    if (o.timedOut === true || o.timed_out === true) busy = true;
    if (o.status === "executing" || o.status === "waiting") busy = true;
  });
  return busy;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
