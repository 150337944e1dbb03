// The stream client's one-shot timers by name (reconnect, ping, pong, catch-up, handshake): setting
// one replaces it, a timer that fires is forgotten before it runs, and they all stop together when
// the socket goes. Timers come from StreamDeps, so tests drive them.
import type { StreamDeps } from "./streamDeps";

export type TimerName = "reconnect" | "ping" | "pong" | "catchup" | "handshake";

export class StreamTimers {
  private readonly active = new Map<TimerName, unknown>();

  constructor(private readonly deps: Pick<StreamDeps, "setTimeout" | "clearTimeout">) {}

  /** Runs `fn` once after `ms`, replacing any timer of that name. */
  set(name: TimerName, ms: number, fn: () => void): void {
    this.clear(name);
    const id = this.deps.setTimeout(() => {
      if (this.active.get(name) === id) this.active.delete(name);
      fn();
    }, ms);
    this.active.set(name, id);
  }

  clear(name: TimerName): void {
    const id = this.active.get(name);
    if (id === undefined) return;
    this.active.delete(name);
    this.deps.clearTimeout(id);
  }

  has(name: TimerName): boolean {
    return this.active.has(name);
  }

  clearAll(): void {
    for (const id of this.active.values()) this.deps.clearTimeout(id);
    this.active.clear();
  }
}
