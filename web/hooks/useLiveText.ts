// The live text overlay (DESIGN §11) for whoever draws a message: a page provides its stream's
// LiveTextStore, and each assistant message reads its own live text, so only the message that is
// streaming re-renders as delta frames arrive.
import { createContext, useContext, useSyncExternalStore } from "react";
import type { LiveMessage, LiveTextStore } from "../lib/views/liveText";

export const LiveTextContext = createContext<LiveTextStore | null>(null);

const noSubscription = () => () => {};

/** One message's live text beyond the log in `store` (undefined when it has none). */
export function useLiveMessageOf(
  store: LiveTextStore | null | undefined,
  messageId: string | null,
): LiveMessage | undefined {
  const get = () => (store && messageId ? store.get(messageId) : undefined);
  return useSyncExternalStore(store ? store.subscribe : noSubscription, get, get);
}

/** This message's live text from the provided store (undefined when it has none or none is provided). */
export function useLiveMessage(messageId: string): LiveMessage | undefined {
  return useLiveMessageOf(useContext(LiveTextContext), messageId);
}
