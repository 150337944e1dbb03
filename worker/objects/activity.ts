// What an agent is doing right now, told to its orchestrator's stream at most every ~500 ms
// (`agent.activity`), so the control room shows every agent's current tool or line without
// opening each agent's own stream. Coarse on purpose: the agent's own stream has every delta.
import type { EventBody } from "../../schema/events";

export type Activity = { kind: "tool" | "text"; name?: string; summary: string };

const EVERY_MS = 500;
const MAX_CHARS = 160;

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** The last `MAX_CHARS` characters of the text so far, cut at a word. */
function tailOf(text: string): string {
  const flat = oneLine(text);
  if (flat.length <= MAX_CHARS) return flat;
  const cut = flat.slice(-MAX_CHARS);
  const space = cut.indexOf(" ");
  return `…${space > 0 && space < 40 ? cut.slice(space + 1) : cut}`;
}

export function inputSummary(input: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(input ?? {});
  } catch {
    s = "";
  }
  return s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s;
}

/**
 * Watches an agent's own events and its live text and calls `send` with its activity: a tool call
 * at once (a step changed), streaming text at most every EVERY_MS. Holds only the current message's
 * text. The text comes from the live overlay (DESIGN §11), not the logged text.delta events: the log
 * may take it only every 10 s or 4 KB while nobody reads it, and the control room should not wait
 * for that.
 */
export class ActivityTracker {
  private text = "";
  private messageId: string | null = null;
  private lastSent = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (a: Activity) => void) {}

  observe(ev: EventBody): void {
    switch (ev.type) {
      case "tool.called":
        this.flushLater(null);
        this.emit({ kind: "tool", name: ev.name, summary: inputSummary(ev.input) });
        return;
      case "run.completed":
      case "run.failed":
      case "run.interrupted":
        this.flushLater(null);
        this.text = "";
        this.messageId = null;
        return;
      default:
        return;
    }
  }

  /** Streamed text of a message, as it is sent (live, ahead of the log). */
  streamed(messageId: string, text: string): void {
    if (messageId !== this.messageId) {
      this.messageId = messageId;
      this.text = "";
    }
    this.text = (this.text + text).slice(-4 * MAX_CHARS);
    this.flushLater({ kind: "text", summary: "" });
  }

  private flushLater(a: Activity | null): void {
    if (!a) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    const wait = this.lastSent + EVERY_MS - Date.now();
    if (wait <= 0) {
      this.emit({ kind: "text", summary: tailOf(this.text) });
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (this.text) this.emit({ kind: "text", summary: tailOf(this.text) });
    }, wait);
  }

  private emit(a: Activity): void {
    this.lastSent = Date.now();
    this.send(a);
  }
}
