// Who the demo orchestrator puts on a request: the team the user asked for. "three agents" is three,
// "a researcher, an editor and a fact-checker" is those three, "a team of 4 to …" is four; nothing
// said is a researcher and a writer. Roles decide each agent's part: gatherers research, makers
// write the deliverable, checkers review (DESIGN §6, demo brain).
import { quote } from "./prose";

export type Member = { name: string; instructions: string; task: string };
export type Part = "research" | "write" | "review";

/** At most this many: a demo team, well inside the real cap on agents. */
const MAX_TEAM = 6;
const DEFAULT_ROLES = ["researcher", "writer", "editor", "reviewer", "analyst", "fact-checker"];
const NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, a: 1, an: 1 };

const REVIEW = /^(editor|reviewer|critic|fact-checker|checker|proofreader|tester|auditor|verifier)$/;
const RESEARCH =
  /^(researcher|analyst|investigator|scout|librarian|historian|scientist|economist|strategist)$/;
// Roles taken whenever they're named; any other -er/-or/-ist/-ian noun only when the request is
// about setting up agents ("create a translator agent"), so "a guide for a beginner" adds no one.
const KNOWN_ROLES = new Set(
  "researcher writer editor reviewer critic analyst designer planner developer engineer coder programmer tester fact-checker proofreader translator illustrator summarizer summariser strategist marketer copywriter historian scientist economist investigator scout librarian architect auditor checker verifier outliner".split(
    " ",
  ),
);
const ROLE = /^[a-z]+(-[a-z]+)?$/;
const ROLE_ENDING = /(er|or|ist|ian)$/;
// Words that end like roles but name none ("create a better order", "add a number").
const NOT_ROLES = new Set(
  "other another order paper better after number matter water letter chapter master power summer winter under over either neither rather whether together later never ever cover answer computer character member folder corner center error minor major monitor factor sector color colour floor door mirror honor favor behavior user customer reader beginner owner partner".split(
    " ",
  ),
);
const ABOUT_AGENTS = /\b(agents?|team|hire|assemble|spin up|set up|create|add)\b/i;

export function partOf(role: string): Part {
  if (REVIEW.test(role)) return "review";
  if (RESEARCH.test(role)) return "research";
  return "write";
}

/** How many agents the request asks for, if it says: "three agents", "a team of 4", "2 writers". */
export function askedCount(said: string): number | null {
  const m =
    /\b(one|two|three|four|five|six|\d{1,2})\s+(?:\w+\s+)?(?:agents?|people|members|workers|helpers|assistants)\b/i.exec(
      said,
    ) ?? /\bteam of\s+(one|two|three|four|five|six|\d{1,2})\b/i.exec(said);
  if (!m?.[1]) return null;
  const n = NUMBERS[m[1].toLowerCase()] ?? Number(m[1]);
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_TEAM) : null;
}

/** Roles the request names with an article or a number: "a researcher", "an editor", "two writers". */
export function askedRoles(said: string): string[] {
  const roles: string[] = [];
  const add = (role: string, times: number) => {
    for (let i = 0; i < times && roles.length < MAX_TEAM; i++) {
      const name = roles.includes(role)
        ? `${role}-${roles.filter((r) => r.startsWith(role)).length + 1}`
        : role;
      roles.push(name);
    }
  };
  const pattern = /\b(a|an|one|two|three|four|five|six|\d)\s+([a-z]+(?:-[a-z]+)?)\b/gi;
  for (const m of said.matchAll(pattern)) {
    const count = NUMBERS[m[1]!.toLowerCase()] ?? Number(m[1]);
    const word = m[2]!.toLowerCase();
    const singular = word.endsWith("s") && count > 1 ? word.slice(0, -1) : word;
    const known = KNOWN_ROLES.has(singular);
    if (!known && !(ABOUT_AGENTS.test(said) && ROLE.test(singular) && ROLE_ENDING.test(singular))) continue;
    if (!known && NOT_ROLES.has(singular)) continue;
    add(singular, count);
  }
  return roles;
}

/** The team for a request: the roles it names, topped up to the number it asks for, else two. */
export function teamFor(said: string): Member[] {
  const named = askedRoles(said);
  const count = askedCount(said) ?? (named.length || 2);
  const roles = named.slice(0, count);
  for (const role of DEFAULT_ROLES) {
    if (roles.length >= count) break;
    if (!roles.includes(role)) roles.push(role);
  }
  const request = quote(said, 400);
  return roles.map((name) => member(name, request));
}

/** Did the request say who should do it (a number, or roles)? Else an existing team takes it. */
export function asksForTeam(said: string): boolean {
  return askedCount(said) !== null || askedRoles(said).length > 0;
}

/** Parts for agents that already exist, by their names (a "researcher" researches again). */
export function membersNamed(names: string[], said: string): Member[] {
  const request = quote(said, 400);
  return names.map((name) => member(name, request));
}

function member(name: string, request: string): Member {
  switch (partOf(name.replace(/-\d+$/, ""))) {
    case "research":
      return {
        name,
        instructions: `You are the ${name}. Gather the facts needed for: ${request}. Write your findings to the workspace.`,
        task: `${request}\n\nYour part: research this, write your findings to the workspace, then report a one-line summary.`,
      };
    case "review":
      return {
        name,
        instructions: `You are the ${name}. Check the team's work for: ${request}. Note what is wrong or missing.`,
        task: `${request}\n\nYour part: review what the team writes for this, write your review to the workspace, then report a one-line verdict.`,
      };
    default:
      return {
        name,
        instructions: `You are the ${name}. Turn the team's research into a clear, well-structured document for: ${request}.`,
        task: `${request}\n\nYour part: write the deliverable as a markdown file, then report a one-line summary.`,
      };
  }
}

/** "two", "three" … for sentences about the team. */
export function countWord(n: number): string {
  return ["no", "one", "two", "three", "four", "five", "six"][n] ?? String(n);
}
