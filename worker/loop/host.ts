// What the loop needs from the object that runs it (an orchestrator or an agent). The object hands
// the runner a private host built from closures, so none of this is part of its RPC surface.
import type Anthropic from "@anthropic-ai/sdk";
import type { EventBody, Usage } from "../../schema/events";
import type { EventLog } from "../db/event-log";
import type { Store } from "../db/store";
import type { Approval } from "../db/store-types";
import type { LiveText } from "./live-text";
import type { Tool, ToolContext } from "./tool";

export type RunEnd = "completed" | "failed" | "interrupted";

/** A tool call as the checkpointed assistant message holds it. */
export type ToolCallRef = { id: string; name: string; input: unknown; messageId: string };

export interface RunnerHost {
  readonly store: Store;
  /** Logs an event and sends it (any live text not yet logged goes into the log first). */
  emit(body: EventBody): void;
  /** The event log, for what recovery reads back (the message a crash cut off). */
  log(): Pick<EventLog, "lastOf" | "read">;
  /** Token text ahead of the log (DESIGN §11): sent at once, logged coalesced. */
  readonly liveText: Pick<LiveText, "append" | "end">;
  /** The model client for this object's user (their own key, the operator's, or the simulator). */
  client(): Promise<Anthropic>;
  tools(): Tool[];
  toolContext(base: ToolContext): ToolContext;
  system(): string;
  /**
   * Whether any budget could hold this object's next call (a team or account budget; an agent's
   * always goes through its orchestrator). Without one there is nothing to reserve, record or
   * release, so a call costs no reservation rows.
   */
  budgeted(): boolean;
  /**
   * Holds `usd` of every budget above this call under `reservationId` (replacing `replaces`, a
   * reservation of a call that never billed). `account`: whether a D1 account reservation was
   * made, which the object's outbox releases with the call's billing.
   */
  reserve(
    reservationId: string,
    usd: number,
    replaces: string | null,
  ): Promise<{ refusal: string | null; account: boolean }>;
  /**
   * Inside each billed call's checkpoint transaction, so what it logs (usage.updated) shares the
   * message's log row; `settles` is the reservation its usage replaces.
   */
  messageCheckpointed(usage: Usage, costUsd: number, settles: string | null): void;
  /** `held`: a reservation the run still held at its end (a call that never billed), to release. */
  runEnded(runId: string, end: RunEnd, trigger: string, held: string | null): Promise<void>;
  flush(): Promise<void>;
  heartbeat(): Promise<void>;
  /** The run suspended (a wait, or approvals): schedule the next wake-up for its deadlines. */
  suspended(): Promise<void>;
  /** An approval of this object was requested or decided (agents tell their orchestrator). */
  approvalChanged(approval: Approval): void;
}

export const newId = (prefix: string) => `${prefix}_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
