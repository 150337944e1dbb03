// The orchestrator's agents as a pure fold over its stream: agent.created/status/usage/completed/
// deleted, plus the task each was last given (from the orchestrator's command_agent tool calls).
import type { AgentStatus, AgentSummary, StreamEvent } from "../../../schema/events";

export type AgentView = AgentSummary & {
  /** When the status last changed, for "executing for 12 s". */
  statusSince: number;
  /** The agent.status note history, newest last, capped. */
  notes: readonly { ts: number; status: AgentStatus; note: string | null }[];
  deleted: boolean;
  /** What it is doing now (agent.activity), until its run ends. */
  activity: { kind: "tool" | "text"; name?: string; summary: string; ts: number } | null;
};

export type AgentsView = {
  byId: ReadonlyMap<string, AgentView>;
  /** Creation order. */
  order: readonly string[];
};

export const emptyAgents = (): AgentsView => ({ byId: new Map(), order: [] });

const MAX_NOTES = 20;

/** Seeds the view from a snapshot (`ready.state.agents` or GET …/agents); events then refine it. */
export function seedAgents(view: AgentsView, agents: readonly AgentSummary[]): AgentsView {
  const byId = new Map(view.byId);
  const order = view.order.slice();
  for (const a of agents) {
    const prev = byId.get(a.id);
    if (!prev) order.push(a.id);
    byId.set(a.id, {
      ...a,
      statusSince: prev?.statusSince ?? a.createdAt,
      notes: prev?.notes ?? [],
      deleted: false,
      activity: prev?.activity ?? null,
    });
  }
  return { byId, order };
}

function update(view: AgentsView, id: string, fn: (a: AgentView) => AgentView): AgentsView {
  const a = view.byId.get(id);
  if (!a) return view;
  return { ...view, byId: new Map(view.byId).set(id, fn(a)) };
}

function findByName(view: AgentsView, name: string): AgentView | undefined {
  for (let i = view.order.length - 1; i >= 0; i--) {
    const a = view.byId.get(view.order[i]!);
    if (a && a.name === name && !a.deleted) return a;
  }
  return undefined;
}

export function foldAgents(view: AgentsView, ev: StreamEvent): AgentsView {
  switch (ev.type) {
    case "agent.created": {
      const prev = view.byId.get(ev.agent.id);
      const next: AgentView = {
        ...ev.agent,
        // A snapshot seeded before replay is newer than the creation event: keep its live fields.
        ...(prev
          ? {
              status: prev.status,
              note: prev.note,
              task: prev.task,
              result: prev.result,
              totals: prev.totals,
              contextTokens: prev.contextTokens,
            }
          : {}),
        statusSince: prev?.statusSince ?? ev.ts,
        notes: prev?.notes ?? [],
        deleted: false,
        activity: prev?.activity ?? null,
      };
      return {
        byId: new Map(view.byId).set(ev.agent.id, next),
        order: prev ? view.order : [...view.order, ev.agent.id],
      };
    }
    case "agent.status":
      return update(view, ev.agentId, (a) => ({
        ...a,
        status: ev.status,
        note: ev.note ?? a.note,
        statusSince: a.status === ev.status ? a.statusSince : ev.ts,
        notes: [...a.notes, { ts: ev.ts, status: ev.status, note: ev.note ?? null }].slice(-MAX_NOTES),
      }));
    case "agent.usage":
      return update(view, ev.agentId, (a) => ({ ...a, totals: ev.totals, contextTokens: ev.contextTokens }));
    case "agent.completed":
      return update(view, ev.agentId, (a) => ({ ...a, result: ev.result, activity: null }));
    case "agent.activity":
      return update(view, ev.agentId, (a) => ({
        ...a,
        activity: { kind: ev.kind, ...(ev.name ? { name: ev.name } : {}), summary: ev.summary, ts: ev.ts },
      }));
    case "agent.deleted":
      return update(view, ev.agentId, (a) => ({ ...a, deleted: true }));
    case "tool.called": {
      // command_agent {name, task}: the latest task an agent was given.
      if (ev.name !== "command_agent" || !ev.input || typeof ev.input !== "object") return view;
      const input = ev.input as { name?: unknown; task?: unknown };
      if (typeof input.name !== "string" || typeof input.task !== "string") return view;
      const agent = findByName(view, input.name);
      return agent ? update(view, agent.id, (a) => ({ ...a, task: input.task as string })) : view;
    }
    default:
      return view;
  }
}

export function buildAgents(events: readonly StreamEvent[], seed: readonly AgentSummary[] = []): AgentsView {
  let view = seedAgents(emptyAgents(), seed);
  for (const ev of events) view = foldAgents(view, ev);
  return view;
}

/** Live agents in creation order (deleted ones hidden unless asked for). */
export function agentList(view: AgentsView, includeDeleted = false): AgentView[] {
  const out: AgentView[] = [];
  for (const id of view.order) {
    const a = view.byId.get(id);
    if (a && (includeDeleted || !a.deleted)) out.push(a);
  }
  return out;
}

export const isActiveStatus = (s: AgentStatus): boolean => s === "executing" || s === "waiting";
