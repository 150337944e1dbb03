// Words for the demo brain: deterministic, plausible text derived from what the user asked, so the
// offline app reads sensibly and tests get stable output. Nothing here pretends to be Claude.

const STOPWORDS = new Set(
  (
    "a an and are as at be by can could do does for from have how i in into is it its me my of on or our " +
    "please should so some that the their them then there these this to up us we what when which who why " +
    "will with would you your about also make write create research draft find give need want get let agents " +
    "agent team short brief quick report notes note file files was has had not but all any one two new use " +
    "just more most very much many than then into over only own same such too now off out via its it's " +
    // Task boilerplate (the demo orchestrator's own, and typical loop wrappers) says nothing about the topic.
    "task your part findings workspace summary one-line line deliverable markdown document request orchestrator " +
    // Who is to do it ("a researcher and a writer, each …") says nothing about the topic either.
    "each have has using put three four five six researcher writer editor reviewer critic analyst designer " +
    "planner developer tester fact-checker proofreader translator"
  ).split(/\s+/),
);

/** One line of the user's text, trimmed to `max` characters. */
export function quote(text: string, max = 160): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** Up to `n` distinctive words from the text, in order of first appearance. */
export function keywords(text: string, n = 5): string[] {
  const seen = new Set<string>();
  for (const raw of text.toLowerCase().match(/[a-z][a-z0-9'-]{2,}/g) ?? []) {
    const word = raw.replace(/'s$/, "");
    if (STOPWORDS.has(word) || seen.has(word)) continue;
    seen.add(word);
    if (seen.size === n) break;
  }
  return [...seen];
}

/** A file-name slug for a task: "Research the history of tea" → "history-tea". */
export function slugify(text: string): string {
  const words = keywords(text, 4);
  const slug = words
    .join("-")
    .replace(/[^a-z0-9-]/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "notes";
}

export function titleOf(text: string): string {
  const words = keywords(text, 6);
  if (words.length === 0) return "Notes";
  const title = words.join(" ");
  return title.charAt(0).toUpperCase() + title.slice(1);
}

export function greeting(hasAgents: boolean): string {
  return hasAgents
    ? "Hi! I'm Baton's offline simulator standing in for Claude. Ask me to research or write something " +
        "and I'll put a small team of agents on it."
    : "Hi! I'm Baton's offline simulator standing in for Claude. What would you like to work on?";
}

/** A short, honest answer to a question the simulator can't really answer. */
export function chatAnswer(text: string): string {
  const words = keywords(text, 3);
  const topic = words.length > 0 ? words.join(", ") : "that";
  return (
    `I'm Baton's offline simulator, so I can't really answer questions about ${topic}. ` +
    "Ask me to research or write something and a team of agents will put it in the workspace; " +
    "add an Anthropic API key in Settings for Claude's answers."
  );
}
