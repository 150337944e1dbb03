// Attempt counting for scripted faults. A retry resends the same request, so the request (model,
// system, tools, messages: script.ts requestKey) identifies "the same response" across attempts.
// Once it has been answered successfully its counter is dropped: a later, byte-identical request
// (say, a second test sending the same scripted message) then sees its faults again instead of
// silently finding them used up. So identical requests sent one after another without retrying see
// [fault, ok, fault, ok]; that is each sender getting the script it asked for, not a flaky counter.
import type { Fault } from "./script";

/** A slot nobody has retried for this long is forgotten (keeps the map bounded). */
const IDLE_MS = 10 * 60_000;

export class FaultLedger {
  readonly #attempts = new Map<string, { count: number; touched: number }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Records an attempt at `key`; returns the fault that spoils it, or null if it should succeed. */
  attempt(key: string, faults: readonly Fault[]): Fault | null {
    if (faults.length === 0) return null;
    const now = this.#now();
    this.#sweep(now);
    const entry = this.#attempts.get(key) ?? { count: 0, touched: now };
    const fault = faults[entry.count];
    if (fault === undefined) {
      this.#attempts.delete(key);
      return null;
    }
    entry.count++;
    entry.touched = now;
    this.#attempts.set(key, entry);
    return fault;
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#attempts) if (now - entry.touched > IDLE_MS) this.#attempts.delete(key);
  }
}
