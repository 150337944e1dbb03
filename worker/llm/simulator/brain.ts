// The demo brain: what the simulator says when no script rules. It recognises its role from the
// tools offered and decides each step from the conversation state (which tool calls exist since
// the user's latest turn and what they returned), so a retried or resumed request gets the same
// answer and the flow can't drift out of step with the app.
//
// - Orchestrator (offered `create_agent`): asked for work, it creates a researcher and a writer,
//   commands both, waits for both, then summarises their reports.
// - Agent (offered `write_file` and `report`): writes notes/<slug>.md about its task, reports a
//   one-line result, and ends its turn. A research-like task ("research", "find out", "look up",
//   "search") searches the web first, in the same response, when web_search is declared.
// - Anything else: a short, friendly text answer.
import {
  asRecord,
  callsAfter,
  lastRound,
  latestUserTextTurn,
  type PastCall,
  type Reply,
  type ToolCall,
  textOf,
} from "./conversation";
import { hashOf } from "./hash";
import { chatAnswer, greeting, keywords, notesFor, quote, slugify, titleOf } from "./prose";
import type { SimRequest } from "./request";
import { declaresServerTool } from "./server-tools";

type Decision = { why: string; text?: string; tools: ToolCall[] };
type Member = { name: string; instructions: string; task: string };

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
  if (calls.length === 0) {
    const reporter = [...known].find((name) => mentionsReport(said, name));
    if (reporter) {
      return {
        why: `This is ${reporter}'s report arriving, not a new request; acknowledge it rather than start more work.`,
        text: `Noted — ${reporter} has reported back: "${quote(said, 200)}"`,
        tools: [],
      };
    }
    if (!wantsWork(said)) return chat(said, true);
    const team = teamFor(said);
    const missing = team.filter((m) => !known.has(m.name));
    if (missing.length === 0) return dispatch(team);
    return {
      why: `The user wants work done: "${quote(said, 100)}". I'll split it between a researcher and a writer.`,
      text: `I'll set up ${missing.map((m) => m.name).join(" and ")} for this.`,
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
      return dispatch(teamFor(said));
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
  return {
    why: "The agents exist; give each its part of the job.",
    text: "Both agents are ready; handing out the tasks.",
    tools: team.map((m) => ({ name: "command_agent", input: { name: m.name, task: m.task } })),
  };
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
      `The team is done (${names.join(", ")}). Their reports:`,
      "",
      ...lines,
      "",
      "The files are in the workspace.",
    ].join("\n"),
    tools: [],
  };
}

function work(said: string, calls: PastCall[], canSearch: boolean): Decision {
  // The hash keeps two agents given the same topic (researcher, writer) from overwriting each other.
  const path = `notes/${slugify(said)}-${hashOf(said).slice(0, 4)}.md`;
  if (calls.some((c) => c.name === "report")) {
    return { why: "I've reported; my part is done.", text: "Reported back; my part is done.", tools: [] };
  }
  const write = calls.find((c) => c.name === "write_file");
  if (!write) {
    const write: ToolCall = { name: "write_file", input: { path, content: notesFor(said) } };
    if (canSearch && researchLike(said)) {
      // The search runs inside this response; the text after it cites a (simulated) result.
      const query = keywords(said, 6).join(" ") || quote(said, 80);
      return {
        why: `My task: "${quote(said, 100)}". It's research: search the web first, then write my notes to ${path}.`,
        text: `I searched the web for "${query}" (simulated results) and will write my notes to ${path}.`,
        tools: [{ name: "web_search", input: { query } }, write],
      };
    }
    return {
      why: `My task: "${quote(said, 100)}". I'll write my notes to ${path}, then report.`,
      text: `I'll write my notes to ${path}.`,
      tools: [write],
    };
  }
  const result = write.result?.isError
    ? `Could not write ${path}: ${quote(write.result.text, 160)}`
    : `Wrote ${path} — ${titleOf(said)}: summary, findings and a recommendation.`;
  return {
    why: "The notes are written; report the outcome.",
    tools: [{ name: "report", input: { result } }],
  };
}

function researchLike(said: string): boolean {
  return /\b(research|find out|look up|search)/i.test(said);
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

function teamFor(said: string): Member[] {
  const request = quote(said, 400);
  return [
    {
      name: "researcher",
      instructions: `You research. Gather the facts needed for: ${request}. Write your findings to the workspace.`,
      task: `${request}\n\nYour part: research this, write your findings to the workspace, then report a one-line summary.`,
    },
    {
      name: "writer",
      instructions: `You write. Turn research into a clear, well-structured document for: ${request}.`,
      task: `${request}\n\nYour part: write the deliverable as a markdown file, then report a one-line summary.`,
    },
  ];
}

function wantsWork(said: string): boolean {
  return /\b(write|research|draft|create|build|make|plan|analy[sz]e|investigate|find|summari[sz]e|compare|design|prepare|produce|compile|review|explore|study|outline|generate|agents?|team|look into)\b/i.test(
    said,
  );
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

/** `{name, result}` pairs found anywhere in a JSON tool result. */
function reportsIn(outcome: string): { name: string; result: string }[] {
  const found: { name: string; result: string }[] = [];
  walk(parseJson(outcome), (o) => {
    const name = o.name ?? o.agent;
    const result = o.result ?? o.report ?? o.summary ?? o.output;
    if (typeof name === "string" && typeof result === "string" && result.length > 0)
      found.push({ name, result });
  });
  return found;
}

function walk(value: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
  } else if (typeof value === "object" && value !== null) {
    const o = asRecord(value);
    visit(o);
    for (const v of Object.values(o)) walk(v, visit);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
