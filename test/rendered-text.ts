// What a client renders of a stream's text (DESIGN §11), checked as it goes: logged text.delta /
// thinking.delta events placed by offset plus live `delta` frames, merged the way the web app merges
// them (web/lib/views/liveText.ts). After every frame each block's rendered text must be a prefix
// of what the server has sent for that block — a duplicated or missing character breaks that — and
// once a message is logged as completed its rendered text must be its logged text (live text a
// crash kept from the log retracted). Tests and drills feed it every event (once, in seq order per
// connection) and every delta frame.
import type { DeltaFrame, StreamEvent } from "../schema/events";
import { LiveTextStore, renderText } from "../web/lib/views/liveText";

type Kind = "text" | "thinking";
const blockKey = (messageId: string, kind: Kind, index: number) => `${messageId}|${kind}|${index}`;

export class RenderedText {
  readonly live = new LiveTextStore();
  readonly violations: string[] = [];
  /** Delta frames taken (to show a test that the live path was exercised at all). */
  frames = 0;
  /** Each block's logged text, by offset. */
  private readonly logged = new Map<string, string>();
  /** Everything the server sent for a block, from either source: what rendered text must prefix. */
  private readonly sent = new Map<string, string>();
  private readonly blocks = new Map<string, Map<string, { kind: Kind; index: number }>>();
  private readonly completed = new Set<string>();

  constructor(readonly label: string) {}

  delta(f: Pick<DeltaFrame, "messageId" | "kind" | "index" | "offset" | "text">): void {
    this.frames++;
    this.note(f.messageId, f.kind, f.index);
    this.place(this.sent, f.messageId, f.kind, f.index, f.offset, f.text, "live");
    this.live.push(f);
    this.check(f.messageId, f.kind, f.index);
  }

  /** One logged event, new to this client. */
  event(ev: StreamEvent): void {
    if (ev.type === "text.delta" || ev.type === "thinking.delta") {
      const kind: Kind = ev.type === "text.delta" ? "text" : "thinking";
      this.note(ev.messageId, kind, ev.index);
      const key = blockKey(ev.messageId, kind, ev.index);
      const before = this.logged.get(key) ?? "";
      const offset = ev.offset ?? before.length;
      if (offset !== before.length)
        this.violations.push(
          `${this.label}: ${ev.type} seq ${ev.seq} at offset ${offset}, but ${before.length} characters are logged`,
        );
      this.logged.set(key, before + ev.text);
      this.place(this.sent, ev.messageId, kind, ev.index, offset, ev.text, "logged");
    }
    this.live.logged([ev]);
    if (ev.type === "message.completed") this.completed.add(ev.messageId);
    if (ev.type === "text.delta" || ev.type === "thinking.delta")
      this.check(ev.messageId, ev.type === "text.delta" ? "text" : "thinking", ev.index);
  }

  /** A block as the client shows it now: its logged text and the live text past it. */
  rendered(messageId: string, kind: Kind, index: number): string {
    const logged = this.logged.get(blockKey(messageId, kind, index)) ?? "";
    return renderText(logged, this.live.get(messageId)?.get(`${kind}:${index}`));
  }

  /**
   * Differences between what this client shows and `log` (the object's own, read at the end): for
   * every completed message, each block's rendered text must be exactly its logged text.
   */
  mismatches(log: readonly StreamEvent[]): string[] {
    const truth = new Map<string, string>();
    for (const ev of log) {
      if (ev.type !== "text.delta" && ev.type !== "thinking.delta") continue;
      const key = blockKey(ev.messageId, ev.type === "text.delta" ? "text" : "thinking", ev.index);
      truth.set(key, (truth.get(key) ?? "") + ev.text);
    }
    const out = [...this.violations];
    const done = new Set(
      log.filter((e) => e.type === "message.completed").map((e) => (e as { messageId: string }).messageId),
    );
    for (const messageId of done) {
      if (this.live.get(messageId))
        out.push(`${this.label}: completed message ${messageId} still has live text`);
      for (const { kind, index } of this.blocks.get(messageId)?.values() ?? []) {
        const shown = this.rendered(messageId, kind, index);
        const want = truth.get(blockKey(messageId, kind, index)) ?? "";
        if (shown !== want)
          out.push(
            `${this.label}: ${messageId} ${kind} ${index} renders ${shown.length} characters, the log has ${want.length}` +
              ` (…${JSON.stringify(shown.slice(-40))} vs …${JSON.stringify(want.slice(-40))})`,
          );
      }
    }
    return out;
  }

  /** Characters sent live that the log never got (retracted after a crash), over every block. */
  retracted(log: readonly StreamEvent[]): number {
    let n = 0;
    const client = new RenderedText("truth");
    for (const ev of log) client.event(ev);
    for (const [key, text] of this.sent)
      n += Math.max(0, text.length - (client.logged.get(key) ?? "").length);
    return n;
  }

  private note(messageId: string, kind: Kind, index: number): void {
    const m = this.blocks.get(messageId) ?? new Map<string, { kind: Kind; index: number }>();
    this.blocks.set(messageId, m);
    m.set(`${kind}:${index}`, { kind, index });
  }

  /** Puts `text` at `offset` of a block, checking it agrees with what is there already. */
  private place(
    into: Map<string, string>,
    messageId: string,
    kind: Kind,
    index: number,
    offset: number,
    text: string,
    source: string,
  ): void {
    const key = blockKey(messageId, kind, index);
    const cur = into.get(key) ?? "";
    if (offset > cur.length) {
      this.violations.push(
        `${this.label}: ${source} text of ${key} at ${offset} leaves a hole after ${cur.length}`,
      );
      return;
    }
    const overlap = cur.slice(offset, offset + text.length);
    if (overlap !== text.slice(0, overlap.length))
      this.violations.push(
        `${this.label}: ${source} text of ${key} at ${offset} differs from what was sent there`,
      );
    if (offset + text.length > cur.length) into.set(key, cur.slice(0, offset) + text);
  }

  private check(messageId: string, kind: Kind, index: number): void {
    if (this.completed.has(messageId) && this.live.get(messageId))
      this.violations.push(`${this.label}: live text of ${messageId} came back after it completed`);
    const shown = this.rendered(messageId, kind, index);
    const sent = this.sent.get(blockKey(messageId, kind, index)) ?? "";
    if (!sent.startsWith(shown))
      this.violations.push(
        `${this.label}: ${messageId} ${kind} ${index} shows ${shown.length} characters that are not what was sent`,
      );
  }
}
