// Which of the chat's turn actions make sense right now, from the transcript alone. The engine has
// the last word (a 409 not_retryable explains a refusal); these only decide what the UI offers, so
// nobody is shown a button that can only fail.
import type { Transcript, TurnItem } from "./transcriptTypes";

export type TurnOffers = {
  /** The divider (turn item key) the offers sit on: the latest turn's. */
  turnKey: string | null;
  /** Retry: the latest run, which failed or was stopped (POST …/runs/:runId/retry). */
  retryRunId: string | null;
  /** Regenerate: the user message the latest completed turn answered (POST …/messages/:id/regenerate). */
  regenerateMessageId: string | null;
};

const NONE: TurnOffers = { turnKey: null, retryRunId: null, regenerateMessageId: null };

/** The user message a turn answered: its own input, or for a retry, the input of the run it retried. */
export function answeredMessage(items: Transcript["items"], turn: TurnItem): string | null {
  let current: TurnItem | undefined = turn;
  // Retries chain (a retry of a retry): follow them back to the run that took a message.
  for (let hops = 0; current && hops < 50; hops++) {
    if (current.messageId) return current.trigger === "agent_report" ? null : current.messageId;
    const of: string | null = current.retryOf;
    if (!of) return null;
    current = items.findLast((it): it is TurnItem => it.kind === "turn" && it.runId === of);
  }
  return null;
}

/**
 * Offers on the latest turn, only while nothing runs or waits: a retry behind queued messages
 * would be refused, and a regenerate would queue behind them.
 */
export function turnOffers(t: Transcript): TurnOffers {
  if (t.activeRun || t.queued.length) return NONE;
  const turn = t.items.findLast((it): it is TurnItem => it.kind === "turn");
  if (!turn) return NONE;
  if (turn.outcome !== "completed")
    return { turnKey: turn.key, retryRunId: turn.runId, regenerateMessageId: null };
  return { turnKey: turn.key, retryRunId: null, regenerateMessageId: answeredMessage(t.items, turn) };
}

/** Held by a Stop with something waiting: what Resume would start. */
export function heldWork(t: Transcript): { messages: number; reports: number } | null {
  if (!t.held) return null;
  const reports = t.items.filter((it) => it.kind === "report" && it.state === "queued").length;
  if (!t.queued.length && !reports) return null;
  return { messages: t.queued.length, reports };
}
