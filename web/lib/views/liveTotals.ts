// The header's running totals: the last `usage.updated` snapshot plus the orchestrator's own
// message that is streaming now — its prompt side as message_start reported it and its output
// estimated from the text so far (≈ 4 characters a token) — so a long first answer doesn't read
// "0 tokens" until it ends. The estimate gives way to the billed figure when the next snapshot lands.
import { type StreamEvent, type Totals, type Usage, zeroTotals } from "../../../schema/events";
import { costUsd } from "../../../schema/models";
import { addUsage, roundUsd } from "../../../schema/money";

type Inflight = { model: string; usage: Usage; chars: number; done: boolean };

export type LiveTotals = {
  totals: Totals | null;
  contextTokens: number | null;
  inflight: ReadonlyMap<string, Inflight>;
};

export const emptyLiveTotals = (): LiveTotals => ({ totals: null, contextTokens: null, inflight: new Map() });

export function foldLiveTotals(l: LiveTotals, ev: StreamEvent): LiveTotals {
  switch (ev.type) {
    case "usage.updated": {
      // Messages that completed before this snapshot are in it now.
      const inflight = new Map([...l.inflight].filter(([, m]) => !m.done));
      return { totals: ev.totals, contextTokens: ev.contextTokens, inflight };
    }
    case "message.started":
      if (!ev.usage) return l;
      return {
        ...l,
        inflight: new Map(l.inflight).set(ev.messageId, {
          model: ev.model,
          usage: ev.usage,
          chars: 0,
          done: false,
        }),
      };
    case "text.delta":
    case "thinking.delta": {
      const m = l.inflight.get(ev.messageId);
      if (!m || m.done) return l;
      return {
        ...l,
        inflight: new Map(l.inflight).set(ev.messageId, { ...m, chars: m.chars + ev.text.length }),
      };
    }
    case "message.completed": {
      const m = l.inflight.get(ev.messageId);
      if (!m) return l;
      return {
        ...l,
        inflight: new Map(l.inflight).set(ev.messageId, { ...m, usage: ev.usage, chars: 0, done: true }),
      };
    }
    default:
      return l;
  }
}

/** Totals including what is streaming; `estimated` while any part is an estimate. */
export function currentTotals(
  l: LiveTotals,
  base: Totals | null,
): { totals: Totals | null; estimated: boolean } {
  let totals = l.totals ?? base;
  if (!l.inflight.size) return { totals, estimated: false };
  let estimated = false;
  for (const m of l.inflight.values()) {
    const usage = { ...m.usage, outputTokens: Math.max(m.usage.outputTokens, Math.ceil(m.chars / 4)) };
    if (!m.done) estimated = true;
    const prev = totals ?? zeroTotals();
    totals = { ...addUsage(prev, usage), costUsd: roundUsd(prev.costUsd + costUsd(m.model, usage)) };
  }
  return { totals, estimated };
}
