// What the demo brain's agents write: a file shaped by what was asked (a list of the number of
// items asked for, a comparison table, a plan's steps, research questions, a review checklist),
// built from the request's own words, short, and plainly marked as the simulator's — not a
// one-size template of filler paragraphs. And how an agent revises a file it is asked to change.
import { keywords, quote, titleOf } from "./prose";
import type { Part } from "./team";

const FOOTER =
  "_Drafted by Baton's offline simulator, not Claude: add an Anthropic API key in Settings for real content._";
const NUMBERS: Record<string, number> = {
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

/** The user's request inside an agent's task (the orchestrator appends "Your part: …"). */
export function requestOf(task: string): string {
  return task.split(/\n\s*\n(?:Your part:|The file to change:)/)[0]!.trim() || task.trim();
}

/** Which part a task gives its agent, from the orchestrator's "Your part: …" line. */
export function partOfTask(task: string): Part {
  const part = /Your part:\s*(\w+)/i.exec(task)?.[1]?.toLowerCase();
  return part === "research" ? "research" : part === "review" ? "review" : "write";
}

/** "5 ideas", "three tips", "top 10": how many items a list should have. */
function listSize(request: string): number | null {
  const m =
    /\b(?:top\s+)?(\d{1,2}|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+)?(ideas|tips|ways|reasons|steps|options|examples|things|questions|names|points|items|facts|books|places|tools)\b/i.exec(
      request,
    );
  if (!m?.[1]) return null;
  const n = NUMBERS[m[1].toLowerCase()] ?? Number(m[1]);
  return n >= 1 && n <= 20 ? n : null;
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

export function draftFor(task: string, part: Part): string {
  const request = requestOf(task);
  const title = titleOf(request);
  const words = keywords(request, 6);
  const asked = `> Asked: ${quote(request, 300)}`;
  let body: string[];
  if (part === "research") {
    const subject = subjectOf(request);
    const inSubject = new Set(keywords(subject, 6));
    body = [
      `# Research notes: ${cap(subject)}`,
      asked,
      "## Questions to answer",
      `- What is ${subject}, and why does it matter here?`,
      ...words
        .filter((w) => !inSubject.has(w))
        .slice(0, 2)
        .map((w) => `- How does **${w}** change the answer?`),
      "- What are the trade-offs, and what is still unknown?",
      "## Where to look",
      `- Primary sources on ${subject}; recent reviews; people who have done it.`,
    ];
  } else if (part === "review") {
    body = [
      `# Review: ${title}`,
      asked,
      "## Checklist",
      `- [ ] Answers the request as asked: "${quote(request, 120)}"`,
      ...words.slice(0, 3).map((w) => `- [ ] Covers **${w}** with specifics, not generalities`),
      "- [ ] Claims are sourced; nothing is padding",
    ];
  } else {
    body = [`# ${title}`, asked, ...deliverable(request, words)];
  }
  return [...body, FOOTER, ""].join("\n\n").replace(/\n\n(- |\d+\. |\| )/g, "\n$1");
}

/** What the request is about: "a short note about Durable Objects" → "Durable Objects". */
function subjectOf(request: string): string {
  const text = request.replace(/[.!?]+\s*$/, "").trim();
  const about = /\b(?:about|on|regarding|into)\s+(.{3,80})$/i.exec(text)?.[1];
  const subject =
    about ??
    text.replace(
      /^(?:please\s+)?(?:research|investigate|look into|find out about|study|explore|write|draft)\s+/i,
      "",
    );
  return quote(subject, 60) || "the subject";
}

/** The writer's deliverable, in the shape the request asks for. */
function deliverable(request: string, words: string[]): string[] {
  const [a = "the subject", b = "its context", c = "the details"] = words;
  const n = listSize(request);
  if (n) {
    return Array.from({ length: n }, (_, i) => {
      const w = words[i % Math.max(words.length, 1)] ?? "idea";
      return `${i + 1}. **${cap(w)}${i >= words.length && words.length ? ` (${i + 1})` : ""}** — one line on how it serves ${a}.`;
    });
  }
  const versus = /\b(?:compare|comparison|versus|vs\.?)\b/i.test(request);
  if (versus) {
    // "Compare green tea and black tea" → green tea | black tea.
    const pair =
      /\b(?:compare|comparing)\s+(.{2,40}?)\s+(?:and|with|to|vs\.?|versus)\s+(.{2,40}?)(?:[.?!,;]|\s+(?:for|in|on)\s|$)/i.exec(
        request,
      );
    const [x, y] = pair ? [pair[1]!, pair[2]!] : [a, b];
    return [
      "## Comparison",
      `| | ${cap(x)} | ${cap(y)} |`,
      "| --- | --- | --- |",
      `| What it is | | |`,
      `| Strengths | | |`,
      `| Costs | | |`,
      `## Verdict`,
      `Which to pick depends on ${c}.`,
    ];
  }
  if (/\b(plan|roadmap|steps|schedule|timeline|checklist)\b/i.test(request)) {
    return [
      "## Steps",
      `1. Agree what done looks like for ${a}.`,
      `2. Settle ${b} first: it decides the rest.`,
      `3. Do ${c} in small, checkable pieces.`,
      "4. Review, then ship.",
    ];
  }
  if (!words.length) return ["A short answer to the request goes here."];
  return words
    .slice(0, 3)
    .flatMap((w) => [`## ${cap(w)}`, `What the request needs about ${w}, in a sentence or two.`]);
}

/** Whether a request asks to make a file shorter rather than to add to it. */
const SHORTEN = /\b(shorten|shorter|trim|condense|cut down|tighten|make it brief|too long)\b/i;

/** The file after the change a task asks for, and a few words saying what changed. */
export function revise(original: string, task: string): { content: string; change: string } {
  const request = requestOf(task);
  const lines = original.replace(/\s+$/, "").split("\n");
  const withoutFooter = lines.filter((l) => l.trim() !== FOOTER);
  if (SHORTEN.test(request)) {
    // Keep the title and the first section; drop the rest.
    const second = withoutFooter.findIndex(
      (l, i) => i > 0 && /^## /.test(l) && withoutFooter.slice(0, i).some((x) => /^## /.test(x)),
    );
    const kept =
      second > 0
        ? withoutFooter.slice(0, second)
        : withoutFooter.slice(0, Math.ceil(withoutFooter.length / 2));
    return {
      content: [...trimEnd(kept), "", FOOTER, ""].join("\n"),
      change: "shortened it to its first section",
    };
  }
  // "a section on brewing temperature to the guide" → "brewing temperature".
  const subject = /\b(?:on|about|for|covering)\s+([^.,;!?\n]{3,60})/i
    .exec(request)?.[1]
    ?.replace(/\s+(?:to|in|into|of|for|at)\s+(?:the|my|our|this|that|your)\b.*$/i, "")
    .trim();
  const heading = cap(subject ?? (keywords(request, 3).join(" ") || "Changes"));
  const section = [`## ${heading}`, "", `${quote(request, 200)} — added here, in the file's own voice.`];
  return {
    content: [...trimEnd(withoutFooter), "", ...section, "", FOOTER, ""].join("\n"),
    change: `added a section "${heading}"`,
  };
}

function trimEnd(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && !out[out.length - 1]!.trim()) out.pop();
  return out;
}

/** Workspace paths a text names: "notes/tea.md", "report.txt". */
export function pathsIn(text: string): string[] {
  return [...new Set(text.match(/\b[\w][\w./-]*\.(?:md|txt|json|csv|html|yaml|yml)\b/g) ?? [])];
}
