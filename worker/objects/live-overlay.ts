// An object's live side, wired together: the watchers of its stream and the live text overlay
// (DESIGN §11). Token text goes to the watchers at once as delta frames and to the log coalesced;
// how often the log takes it depends on who watches (LIVE_TEXT): every ~100 ms or 2 KB while a
// watcher reads text only from events, every 10 s or 4 KB otherwise; a watcher that just caught up
// gets the text the log doesn't hold yet, and the log catches up at once when a reader of events
// only arrives.
import type { EventBody } from "../../schema/events";
import { LIVE_TEXT } from "../limits";
import { type LiveChunk, LiveText, type LiveWindow } from "../loop/live-text";
import { DeltaEncoder, Watchers } from "./watchers";

export type OverlayHooks = {
  /** The stream's name as JSON (delta frames carry it). */
  streamJson(): string;
  /** Logs a coalesced text event (straight to the log). */
  log(body: EventBody): void;
  /** Sees each piece of text as it is sent. */
  sent(chunk: LiveChunk): void;
};

export function liveOverlay(
  ctx: DurableObjectState,
  env: Env,
  hooks: OverlayHooks,
): { liveText: LiveText; watchers: Watchers } {
  const deltas = new DeltaEncoder(hooks.streamJson);
  const logReader: LiveWindow = {
    ms: Number(env.LIVE_TEXT_FLUSH_MS) || LIVE_TEXT.flushMs,
    chars: Number(env.LIVE_TEXT_FLUSH_CHARS) || LIVE_TEXT.flushChars,
  };
  const rendered: LiveWindow = {
    ms: Number(env.LIVE_TEXT_RENDERED_FLUSH_MS) || LIVE_TEXT.renderedFlushMs,
    chars: Number(env.LIVE_TEXT_RENDERED_FLUSH_CHARS) || LIVE_TEXT.renderedFlushChars,
  };
  const liveText: LiveText = new LiveText(
    {
      send: (chunk) => {
        watchers.delta(deltas.json(chunk));
        hooks.sent(chunk);
      },
      log: hooks.log,
    },
    {
      window: () => (watchers.logReader ? logReader : rendered),
    },
  );
  const watchers: Watchers = new Watchers(
    ctx,
    () => liveText.tails().map((chunk) => deltas.json(chunk)),
    () => liveText.flush(),
  );
  return { liveText, watchers };
}
