// Group commit for the event log. Each SQLite commit must be confirmed before the events it holds
// may leave the object (the output gate), and a commit per token delta makes a busy object wait on
// its own commits. So while one commit is in flight, deltas wait in memory and the next commit
// carries them all. Nothing is sent before it is written; other events flush the queue first, in
// the caller's turn, so they land in the caller's transaction and order is kept.
import type { EventBody, StreamEvent } from "../../schema/events";
import type { EventLog, LogEntry } from "./event-log";

type Entry = LogEntry;
const DEFERRABLE = new Set<EventBody["type"]>(["text.delta", "thinking.delta"]);

export class GroupCommit {
  private queue: Entry[] = [];
  private inFlight = false;

  constructor(
    private readonly log: EventLog,
    private readonly storage: DurableObjectStorage,
    private readonly send: (entries: Entry[]) => void,
  ) {}

  emit(body: EventBody): StreamEvent {
    const entry = this.log.next(body);
    this.queue.push(entry);
    if (!this.inFlight || !DEFERRABLE.has(body.type)) this.commit();
    return entry.event;
  }

  /** Events assigned a seq but not yet written (they will be, at the next commit). */
  get pending(): number {
    return this.queue.length;
  }

  private commit(): void {
    const batch = this.queue;
    if (!batch.length) return;
    this.queue = [];
    this.log.write(batch);
    this.send(batch);
    if (this.inFlight) return;
    this.inFlight = true;
    this.storage
      .sync()
      .catch((err) => console.error("event log sync failed", err))
      .finally(() => {
        this.inFlight = false;
        this.commit();
      });
  }
}
