// Where messages sit in the transcript. A user message joins `queued` when the server records it
// and moves into the conversation only when a run takes it in (run.started names it), so a
// follow-up sent mid-stream is shown after the running turn, labelled queued, and a Stop's
// divider lands above the messages it holds. Also: edits marking what they replace, and agents'
// reports as cards (held by a Stop, or delivered to the orchestrator).
import type { StreamEvent } from "../../../schema/events";
import type { NoticeItem, Transcript, TranscriptItem, UserItem } from "./transcriptTypes";

type Ev<T extends StreamEvent["type"]> = Extract<StreamEvent, { type: T }>;

export const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export function namesOf(t: Transcript, ids: readonly string[]): string {
  return ids.map((id) => t.agentNames.get(id) ?? "an agent").join(", ");
}

export function push(t: Transcript, item: TranscriptItem): Transcript {
  return { ...t, items: [...t.items, item] };
}

const notice = (ev: StreamEvent, title: string, tone: NoticeItem["tone"] = "info"): NoticeItem => ({
  kind: "notice",
  key: `n:${ev.seq}`,
  tone,
  title,
  detail: null,
  ts: ev.ts,
});

/** message.user: queued until a run takes it in (even when idle, run.started follows at once). */
export function recordUser(t: Transcript, ev: Ev<"message.user">): Transcript {
  const item: UserItem = {
    kind: "user",
    key: `u:${ev.messageId}`,
    messageId: ev.messageId,
    text: ev.text,
    clientId: ev.clientId ?? null,
    ts: ev.ts,
    edits: ev.edits ?? null,
    regenerates: ev.regenerates ?? null,
    editedBy: null,
  };
  const seenClientIds = ev.clientId ? new Set(t.seenClientIds).add(ev.clientId) : t.seenClientIds;
  const next: Transcript = { ...t, queued: [...t.queued, item], seenClientIds };
  return ev.edits ? markEdited(next, ev.edits, ev.messageId) : next;
}

/** message.cancelled: the queued message leaves the queue and a line says it never ran. */
export function cancelQueued(t: Transcript, ev: Ev<"message.cancelled">): Transcript {
  const item = t.queued.find((q) => q.messageId === ev.messageId);
  if (!item) return t;
  return push(
    { ...t, queued: t.queued.filter((q) => q !== item) },
    { kind: "cancelled", key: `c:${ev.messageId}`, messageId: ev.messageId, text: item.text, ts: ev.ts },
  );
}

/** run.started: its input moves from the queue into the conversation, where the run answers it. */
export function startRun(t: Transcript, ev: Ev<"run.started">): Transcript {
  // Logs from before run.started named its input: the oldest queued message was the one.
  const inputId =
    ev.messageId ?? (ev.retryOf || ev.trigger === "agent_report" ? undefined : t.queued[0]?.messageId);
  const input = inputId ? t.queued.find((q) => q.messageId === inputId) : undefined;
  let next: Transcript = {
    ...t,
    queued: input ? t.queued.filter((q) => q !== input) : t.queued,
    activeRun: {
      runId: ev.runId,
      trigger: ev.trigger,
      startedAt: ev.ts,
      messageId: inputId ?? null,
      retryOf: ev.retryOf ?? null,
    },
    phase: "waiting_model",
  };
  if (input) next = push(next, input);
  if (ev.retryOf) next = push(next, notice(ev, "Retrying the turn that did not finish"));
  // A run nobody typed: say why the orchestrator is talking.
  if (ev.trigger === "resume") return push(next, notice(ev, "Resuming after a restart"));
  const reports = ev.reports ?? [];
  if (!reports.length) {
    return ev.trigger === "agent_report" ? push(next, notice(ev, "An agent reported back")) : next;
  }
  const withMessage = ev.trigger !== "agent_report";
  if (withMessage) {
    const title = `Handed over with your message: ${plural(reports.length, "queued report")} (${namesOf(t, reports)})`;
    next = push(next, notice(ev, title));
  }
  return deliverReports(next, reports, withMessage, ev.seq, ev.ts);
}

/** inbox.held: a Stop holds what waits. Said once the stopped turn's divider is down, below it. */
export function holdInbox(t: Transcript, ev: Ev<"inbox.held">): Transcript {
  if (!ev.held) return { ...t, held: false, heldNotice: null };
  const n = notice(ev, "Stopped — nothing starts on its own until your next message");
  return t.activeRun ? { ...t, held: true, heldNotice: n } : { ...push(t, n), held: true, heldNotice: null };
}

/** agent.completed: remembered for the card a run shows; while held, a card says it waits. */
export function recordReport(t: Transcript, ev: Ev<"agent.completed">): Transcript {
  const reported: Transcript = {
    ...t,
    reports: new Map(t.reports).set(ev.agentId, { result: ev.result, ts: ev.ts }),
  };
  if (!t.held) return reported;
  return push(reported, {
    kind: "report",
    key: `r:${ev.seq}`,
    agentId: ev.agentId,
    name: t.agentNames.get(ev.agentId) ?? "an agent",
    result: ev.result,
    state: "queued",
    withMessage: true,
    ts: ev.ts,
  });
}

/** Marks the earlier message an edit replaced (it stays, labelled, where it was). */
function markEdited(t: Transcript, earlier: string, by: string): Transcript {
  // Edits are rare: a search back costs less than an index kept up to date on every run.
  const i = t.items.findLastIndex((it) => it.kind === "user" && it.messageId === earlier);
  const item = t.items[i];
  if (item?.kind === "user") {
    const items = t.items.slice();
    items[i] = { ...item, editedBy: by };
    return { ...t, items };
  }
  // A queued message that was edited was cancelled and replaced just before (the same server
  // turn): its cancelled line says nothing the edit doesn't. Only the last item goes, so no index
  // into items moves.
  const last = t.items[t.items.length - 1];
  if (last?.kind === "cancelled" && last.messageId === earlier) return { ...t, items: t.items.slice(0, -1) };
  return t;
}

/** Reports a run took in: a held card becomes delivered, or a card shows up now. */
function deliverReports(
  t: Transcript,
  agentIds: readonly string[],
  withMessage: boolean,
  seq: number,
  ts: number,
): Transcript {
  const items = t.items.slice();
  for (const agentId of agentIds) {
    const at = items.findLastIndex(
      (it) => it.kind === "report" && it.agentId === agentId && it.state === "queued",
    );
    const held = items[at];
    if (held?.kind === "report") {
      items[at] = { ...held, state: "delivered", withMessage };
      continue;
    }
    const latest = t.reports.get(agentId);
    items.push({
      kind: "report",
      key: `r:${seq}:${agentId}`,
      agentId,
      name: t.agentNames.get(agentId) ?? "an agent",
      result: latest?.result ?? "",
      state: "delivered",
      withMessage,
      ts: latest?.ts ?? ts,
    });
  }
  return { ...t, items };
}
