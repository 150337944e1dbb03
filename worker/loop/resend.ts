// Edit-and-resend and Regenerate, as the model sees them. The conversation is append-only: an edit
// or a regenerate is a new user turn, and the earlier message, the answer to it and everything that
// answer did (agents created, files written, money spent) stay in the history the model reads. A
// short note before the user's words says what the turn is, so the conversation stays coherent:
// the model knows which message the new one replaces, and why the same question comes again.
// (Forking the conversation instead would hide real effects from the model: an agent it created
// would still exist, a file it wrote would still be there, but it would not know why.)

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
