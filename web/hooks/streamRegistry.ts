// The shared stream clients, by stream path. Separate from useStream so the app shell can drop
// them on sign-out without loading the stream client itself on the first screen.
import type { StreamClient } from "../lib/stream";

export type Entry = { client: StreamClient; refs: number; timer: ReturnType<typeof setTimeout> | null };
export const registry = new Map<string, Entry>();

/** Drops every cached stream (on sign-out, so the next user never sees the last one's events). */
export function resetStreams(): void {
  for (const entry of registry.values()) {
    if (entry.timer) clearTimeout(entry.timer);
    entry.client.stop();
  }
  registry.clear();
}
