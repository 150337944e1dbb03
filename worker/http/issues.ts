// zod issues in words, the same everywhere a caller's input is refused: a 400's message and
// details (http/errors.ts), a tool's is_error result for the model (loop/tool.ts), and a socket's
// bad_frame error (objects/loop-object.ts).
import type { z } from "zod";

/** One refused field: its dotted path (or the whole value's name), and what is wrong with it. */
export type FieldIssue = { field: string; message: string };

/** At most this many issues are spelled out in a sentence; the rest are counted. */
const SPELLED_OUT = 5;

/** `{field, message}` per issue; an issue about the value itself is named `whole` (body, input, frame). */
export function fieldIssues(error: z.ZodError, whole: string): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join(".") : whole, message: i.message }));
}

/** "name: must not be empty; budgetUsd: …" — the first few issues, then how many more there are. */
export function issueSentence(issues: readonly FieldIssue[]): string {
  const named = issues
    .slice(0, SPELLED_OUT)
    .map((i) => `${i.field}: ${i.message}`)
    .join("; ");
  const more = issues.length - SPELLED_OUT;
  return more > 0 ? `${named}; and ${more} more` : named;
}

/** The sentence alone, for callers with no use for the structured issues (a tool, a socket). */
export const describeIssues = (error: z.ZodError, whole: string): string =>
  issueSentence(fieldIssues(error, whole));
