// What the chat's items need from the page around them, without threading props through every
// memoised item: links into the workspace, the message actions the page offers (the orchestrator's
// chat has them, an agent's has none), which turn may be regenerated or retried, and the search.
import { createContext, useContext } from "react";
import type { PathLinker } from "../../lib/markdown";
import type { TurnOffers } from "../../lib/views/chatOffers";

export type ChatLinks = {
  /** The files page for a workspace path known to exist, or null. */
  file: (path: string) => string | null;
  /** Mentions of paths in text link only to files the workspace holds. */
  linkPath: PathLinker;
  /** Follows a link to a page of the app without reloading it. */
  navigate: (href: string) => void;
};

/** The orchestrator chat's actions on messages and runs (HTTP; the stream shows what they did). */
export type ChatActions = {
  cancel: (messageId: string) => Promise<unknown>;
  edit: (messageId: string, text: string) => Promise<unknown>;
  regenerate: (messageId: string) => Promise<unknown>;
  retry: (runId: string) => Promise<unknown>;
  resume: () => Promise<unknown>;
};

export type ChatControls = {
  actions: ChatActions | null;
  offers: TurnOffers;
  /** What the find bar looks for (long messages unfold and report cards open to show it). */
  query: string;
  /** Reports an action's failure where the chat shows errors. */
  fail: (what: string, err: unknown) => void;
};

export const ChatLinksContext = createContext<ChatLinks | null>(null);
export const ChatControlsContext = createContext<ChatControls>({
  actions: null,
  offers: { turnKey: null, retryRunId: null, regenerateMessageId: null },
  query: "",
  fail: () => {},
});

export const useChatLinks = () => useContext(ChatLinksContext);
export const useChatControls = () => useContext(ChatControlsContext);

/** Whether `text` holds the find bar's query (case-insensitive), so folded content unfolds. */
export const mentions = (text: string, query: string) =>
  query.trim() !== "" && text.toLocaleLowerCase().includes(query.trim().toLocaleLowerCase());
