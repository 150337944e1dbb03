// How the demo orchestrator reads a message that isn't the first request: thanks, a request for a
// recap, a change to something the team wrote, new work, or just talk — and what the team has
// reported so far (from wait_for_agents results), which a recap or a change builds on.
import { asRecord, type PastCall } from "./conversation";
import { pathsIn } from "./drafts";
import { quote } from "./prose";

export type Intent = "thanks" | "recap" | "edit" | "work" | "chat";
export type Report = { name: string; result: string };

const THANKS =
  /^\s*(thanks|thank you|thx|cheers|great|perfect|nice|awesome|brilliant|lovely|ok|okay|cool)\b/i;
const RECAP =
  /\b(summari[sz]e|summary|recap|sum (it )?up|tl;?dr|what did (they|the team|you|\w+) (find|write|do|say)|what('s| is) the (status|result)|how did it go|where are we)\b/i;
const EDIT =
  /\b(add|edit|update|revise|change|fix|shorten|shorter|expand|rewrite|improve|append|extend|tweak|polish|correct|trim|condense|tighten)\b/i;
const WORK =
  /\b(write|research|draft|create|build|make|plan|analy[sz]e|investigate|find|summari[sz]e|compare|design|prepare|produce|compile|review|explore|study|outline|generate|agents?|team|look into)\b/i;

/**
 * What the message asks. With a team at work already, "summarise" and questions about the work are
 * a recap (answered from the reports, no new run), and a change names what the team wrote.
 */
export function intentOf(said: string, hasTeam: boolean): Intent {
  const edits = hasTeam && (EDIT.test(said) || pathsIn(said).length > 0) && !/\?\s*$/.test(said);
  if (THANKS.test(said) && !edits) return hasTeam && RECAP.test(said) ? "recap" : "thanks";
  if (hasTeam && RECAP.test(said) && !edits) return "recap";
  if (edits) return "edit";
  if (WORK.test(said)) return "work";
  return "chat";
}

/** The latest report of each agent, from every wait_for_agents result so far. */
export function pastReports(calls: PastCall[]): Report[] {
  const latest = new Map<string, string>();
  for (const c of calls) {
    if (c.name !== "wait_for_agents" || !c.result || c.result.isError) continue;
    for (const r of reportsIn(c.result.text)) latest.set(r.name, r.result);
  }
  return [...latest].map(([name, result]) => ({ name, result }));
}

/** A short answer from the reports: one line per agent, no new work. */
export function recap(reports: Report[], thanked: boolean): string {
  const lead = thanked ? "You're welcome. In short:" : "In short:";
  if (!reports.length) return `${thanked ? "You're welcome. " : ""}Nothing has been reported back yet.`;
  return [lead, ...reports.map((r) => `- **${r.name}**: ${quote(r.result, 160)}`)].join("\n");
}

/**
 * Who should make a change and to which file: the agent the message names, else the one whose
 * report names the file the message names, else a writer, else the first; the file from the
 * message, else from that agent's report.
 */
export function editTarget(
  said: string,
  known: string[],
  reports: Report[],
): { agent: string; path: string | null } {
  const named = known.find((n) =>
    new RegExp(`\\b${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i").test(said),
  );
  const asked = pathsIn(said)[0] ?? null;
  const byFile = asked ? reports.find((r) => r.result.includes(asked))?.name : undefined;
  const agent = named ?? byFile ?? known.find((n) => /writer|editor/.test(n)) ?? known[0]!;
  const path = asked ?? pathsIn(reports.find((r) => r.name === agent)?.result ?? "")[0] ?? null;
  return { agent, path };
}

/** `{name, result}` pairs found anywhere in a JSON tool result. */
export function reportsIn(outcome: string): Report[] {
  const found: Report[] = [];
  walk(parseJson(outcome), (o) => {
    const name = o.name ?? o.agent;
    const result = o.result ?? o.report ?? o.summary ?? o.output;
    if (typeof name === "string" && typeof result === "string" && result.length > 0)
      found.push({ name, result });
  });
  return found;
}

export function walk(value: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
  } else if (typeof value === "object" && value !== null) {
    const o = asRecord(value);
    visit(o);
    for (const v of Object.values(o)) walk(v, visit);
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
