// How `baton send` prints a run's text (DESIGN §11): it arrives twice — at once in live `delta`
// frames, and a little later in the log's coalesced text.delta events, both placed by offset — and a
// terminal can't take text back, so each character is printed once, from whichever source brings it
// first. Text printed but never logged (a restart cut the answer off) is reported when the message
// completes, since it can't be erased.
/** Prints each block's text once, by offset, whichever source it comes from. */
export class TextOut {
  private readonly shown = new Map<string, number>();
  private readonly logged = new Map<string, number>();
  private readonly write: (s: string) => void;

  constructor(write: (s: string) => void) {
    this.write = write;
  }

  /** Text at `offset` of a block (a logged event without one follows the block's logged text). */
  take(messageId: string, index: number, text: string, offset: number | undefined, logged: boolean): void {
    const key = `${messageId}:${index}`;
    const at = offset ?? this.logged.get(key) ?? 0;
    if (logged) this.logged.set(key, at + text.length);
    const shown = this.shown.get(key) ?? 0;
    if (at > shown) return; // not contiguous with what is shown: the log fills the hole first
    const fresh = text.slice(shown - at);
    if (!fresh) return;
    this.write(fresh);
    this.shown.set(key, shown + fresh.length);
  }

  /** Characters of this message shown but not in the log (after a crash), and forgets it. */
  end(messageId: string): number {
    let cut = 0;
    for (const [key, shown] of this.shown) {
      if (!key.startsWith(`${messageId}:`)) continue;
      cut += Math.max(0, shown - (this.logged.get(key) ?? 0));
      this.shown.delete(key);
      this.logged.delete(key);
    }
    return cut;
  }
}
