// Edit-and-resend, Regenerate and Retry: when each is allowed, what it submits, and how the model
// sees it. The conversation is append-only: an edit or a regenerate is a new user turn, and the
// earlier message, the answer to it and everything that answer did (agents created, files written,
// money spent) stay in the history the model reads. A short note before the user's words says what
// the turn is, so the conversation stays coherent: the model knows which message the new one
// replaces, and why the same question comes again. (Forking the conversation instead would hide
// real effects from the model: an agent it created would still exist, a file it wrote would still
// be there, but it would not know why.) A retry adds nothing: the model sees what the failed
// attempt saw. The runner (runner.ts) answers repeats by clientId and submits what a plan says.
import type { InboxPayload, Store } from "../db/store";

/** Why an edit, regenerate or retry was refused (an API error code, with a sentence for 409s). */
export type Refused = { refused: "not_found" } | { refused: "not_retryable"; message: string };

/** What a resend submits as a user input: its text and extras, after cancelling `cancels`. */
export type ResendPlan = {
  text: string;
  extra: Pick<InboxPayload, "note" | "edits" | "regenerates" | "retryOf">;
  /** A still-queued message the resend replaces: cancelled first. */
  cancels?: string;
};

/**
 * After a stopped run whose reply was cut off, a retry's run opens with this, or it would end at
 * once (the conversation would already end with the assistant's turn).
 */
export const RETRY_NOTE = "[Retry: your previous reply was cut off. Please answer my last message again.]";

/** At most this many characters of an earlier message are quoted in a note. */
const QUOTE_CHARS = 160;

/**
 * An earlier message, quoted on one line: whitespace collapsed (so a quoted sim script or fence is
 * never a line of its own), clipped.
 */
export function quote(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return `“${one.length > QUOTE_CHARS ? `${one.slice(0, QUOTE_CHARS - 1)}…` : one}”`;
}

/** Before an edited message whose earlier version the model has seen. */
export function editNote(earlier: string): string {
  return (
    `[I edited my earlier message ${quote(earlier)} and am sending it again below. ` +
    "Answer this version instead. What you already did for the earlier one stays done.]"
  );
}

/** Before a message repeated so it is answered again (Regenerate). */
export function regenerateNote(): string {
  return (
    "[Regenerate: please answer the message below again with a fresh response. It repeats my " +
    "earlier message; your earlier answer to it, and what it did, stay as they are.]"
  );
}

/** A user message of this object by id (not a report, not a retry). */
function userMessage(store: Store, messageId: string) {
  const row = store.input({ messageId });
  return row && row.kind === "user" && !row.payload.retryOf ? row : null;
}

/**
 * Edit-and-resend: `text` replaces the earlier message. One the model has seen gets a new turn that
 * says so; one still queued is cancelled and replaced, and one that was cancelled is simply sent,
 * since the model never saw either.
 */
export function planEdit(store: Store, messageId: string, text: string): ResendPlan | Refused {
  const row = userMessage(store, messageId);
  if (!row) return { refused: "not_found" };
  const note = row.runId ? editNote(row.payload.text) : undefined;
  return {
    text,
    extra: { edits: messageId, note },
    ...(row.consumedAt === null ? { cancels: messageId } : {}),
  };
}

/**
 * Regenerate: the earlier message's text again, as a new turn whose note asks for a fresh answer.
 * Only for a message a run has taken in.
 */
export function planRegenerate(store: Store, messageId: string): ResendPlan | Refused {
  const row = userMessage(store, messageId);
  if (!row) return { refused: "not_found" };
  if (!row.runId) {
    return {
      refused: "not_retryable",
      message: "That message has not been answered yet, so there is no answer to regenerate.",
    };
  }
  const original = row.payload.regenerates ?? messageId;
  return { text: row.payload.text, extra: { regenerates: original, note: regenerateNote() } };
}

/**
 * Retry: the latest run, which failed or was stopped, goes again. Nothing is added to the
 * conversation (the failed attempt left no answer), so the model sees exactly what that attempt
 * saw; a stopped run whose reply was cut off gets RETRY_NOTE asking for the answer again.
 */
export function planRetry(store: Store, runId: string): ResendPlan | Refused {
  const run = store.run(runId);
  if (!run) return { refused: "not_found" };
  const why =
    store.latestRun()?.id !== runId
      ? "Only the latest run can be retried."
      : run.status !== "failed" && run.status !== "interrupted"
        ? `That run ${run.status === "completed" ? "completed" : "is still going"}; regenerate its answer instead.`
        : store.inbox.waiting().some((p) => p.kind !== "agent_report")
          ? "Messages are waiting to run; send or cancel them first."
          : null;
  if (why) return { refused: "not_retryable", message: why };
  return { text: "", extra: { retryOf: runId } };
}
