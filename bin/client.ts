// A small typed client for the Baton HTTP API (docs/API.md), for scripts and the `baton` CLI.
// Runs on Node 24 as-is (type stripping: erasable syntax only, type-only imports of the shared
// schemas, so zod never loads here). Authenticates with an API token as a bearer credential.
import type {
  AgentTemplate,
  EventsPage,
  FileInfo,
  OrchestratorInfo,
  SendMessageResult,
  UsageReport,
} from "../schema/api.ts";
import type {
  AgentSummary,
  ApprovalDecision,
  ApprovalInfo,
  DeltaFrame,
  StreamEvent,
} from "../schema/events.ts";
import type { ToolPolicyInput } from "../schema/settings.ts";

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** An API answer outside 2xx, or a transport failure (status 0). */
export class BatonError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type CreateOrchestrator = {
  name: string;
  model?: string;
  systemPrompt?: string;
  budgetUsd?: number;
  toolPolicy?: ToolPolicyInput;
};
export type UsageQuery = { groupBy?: "day" | "model" | "orchestrator"; from?: string; to?: string };
export type StreamOptions = {
  after?: number;
  /** Stops following (and ends the generator) when aborted. */
  signal?: AbortSignal;
  /** Reconnect attempts after a dropped stream before giving up; each resumes after the last seq. */
  retries?: number;
  /**
   * Live text ahead of the log (DESIGN §11): `delta` frames, offset-positioned in their block. The
   * logged text.delta / thinking.delta events repeat the same text a little later (show each
   * character once). With it the stream asks for them and says it renders them (`deltas=1`);
   * without it, for none (`deltas=0`).
   */
  onDelta?: (frame: DeltaFrame) => void;
};

const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};

/** One parsed Server-Sent Events message. */
type SseMessage = { id?: string; event?: string; data: string };

/** Splits a text/event-stream body into messages (comments and `retry:` lines are dropped). */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  // A chunk ending in "\r" may be half of "\r\n": hold it until the next chunk says which.
  let carry = "";
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      let text = carry + decoder.decode(value, { stream: true });
      carry = text.endsWith("\r") ? "\r" : "";
      if (carry) text = text.slice(0, -1);
      buffer += text.replace(/\r\n?/g, "\n");
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const msg: SseMessage = { data: "" };
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (!line || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "data") data.push(val);
          else if (field === "id") msg.id = val;
          else if (field === "event") msg.event = val;
        }
        if (data.length) {
          msg.data = data.join("\n");
          yield msg;
        }
      }
    }
  } finally {
    // Hang up: a released but unread body would keep the connection (and Node) alive.
    await reader.cancel().catch(() => {});
  }
}

export type TerminalEvent = Extract<
  StreamEvent,
  { type: "run.completed" | "run.failed" | "run.interrupted" }
>;
export type FollowOptions = {
  clientId?: string;
  signal?: AbortSignal;
  /** Every event after the send; `ours` once the run serving this message has started. */
  onEvent?: (ev: StreamEvent, ours: boolean) => void;
  /** Live text ahead of the log (see StreamOptions.onDelta); `ours` as for onEvent. */
  onDelta?: (frame: DeltaFrame, ours: boolean) => void;
};

const isTerminal = (ev: StreamEvent): ev is TerminalEvent =>
  ev.type === "run.completed" || ev.type === "run.failed" || ev.type === "run.interrupted";

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class BatonClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly fetchImpl: Fetch;

  /** `fetchImpl` defaults to the global fetch (tests pass the Worker's own). */
  constructor(baseUrl: string, token: string, fetchImpl: Fetch = (input, init) => fetch(input, init)) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.token = token;
    this.fetchImpl = fetchImpl;
  }

  /** JSON request → parsed JSON (or undefined for 204); a non-2xx answer throws BatonError. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  private async fetch(
    path: string,
    init: RequestInit & { headers: Record<string, string> },
  ): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        ...init,
        headers: { ...init.headers, Authorization: `Bearer ${this.token}` },
      });
    } catch (err) {
      const why =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new BatonError(0, "network_error", `Could not reach ${this.baseUrl}: ${why}`);
    }
    if (res.ok) return res;
    const text = await res.text();
    let parsed: ErrorBody | null = null;
    try {
      parsed = JSON.parse(text) as ErrorBody;
    } catch {
      // Not our error shape (a proxy's page, say): report the status and the start of the text.
    }
    const e = parsed?.error;
    throw new BatonError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? `HTTP ${res.status}: ${text.slice(0, 200)}`,
    );
  }

  private filePath(orchestratorId: string, path: string): string {
    const segments = path.split("/").map(encodeURIComponent).join("/");
    return `/api/orchestrators/${encodeURIComponent(orchestratorId)}/files/${segments}`;
  }

  /** A workspace file's raw text. */
  async readFile(orchestratorId: string, path: string): Promise<string> {
    const res = await this.fetch(`${this.filePath(orchestratorId, path)}?raw=1`, {
      method: "GET",
      headers: {},
    });
    return res.text();
  }

  /** Writes a workspace file (the body is the file). */
  writeFile(orchestratorId: string, path: string, content: string): Promise<FileInfo> {
    return this.fetch(this.filePath(orchestratorId, path), {
      method: "PUT",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: content,
    }).then((r) => r.json() as Promise<FileInfo>);
  }

  async deleteFile(orchestratorId: string, path: string): Promise<void> {
    await this.fetch(this.filePath(orchestratorId, path), { method: "DELETE", headers: {} });
  }

  listOrchestrators(): Promise<OrchestratorInfo[]> {
    return this.request<{ orchestrators: OrchestratorInfo[] }>("GET", "/api/orchestrators").then(
      (r) => r.orchestrators,
    );
  }

  createOrchestrator(body: CreateOrchestrator): Promise<OrchestratorInfo> {
    return this.request("POST", "/api/orchestrators", body);
  }

  send(orchestratorId: string, text: string, clientId?: string): Promise<SendMessageResult> {
    return this.request("POST", `/api/orchestrators/${encodeURIComponent(orchestratorId)}/messages`, {
      text,
      ...(clientId ? { clientId } : {}),
    });
  }

  interrupt(orchestratorId: string, agents = false): Promise<{ run: boolean; agents: number }> {
    return this.request("POST", `/api/orchestrators/${encodeURIComponent(orchestratorId)}/interrupt`, {
      agents,
    });
  }

  agents(orchestratorId: string): Promise<AgentSummary[]> {
    return this.request<{ agents: AgentSummary[] }>(
      "GET",
      `/api/orchestrators/${encodeURIComponent(orchestratorId)}/agents`,
    ).then((r) => r.agents);
  }

  /** Your agent templates, by name. */
  templates(): Promise<AgentTemplate[]> {
    return this.request<{ templates: AgentTemplate[] }>("GET", "/api/templates").then((r) => r.templates);
  }

  /** Approvals waiting for a decision: the orchestrator's own and its agents' (DESIGN §9). */
  approvals(orchestratorId: string): Promise<ApprovalInfo[]> {
    return this.request<{ approvals: ApprovalInfo[] }>(
      "GET",
      `/api/orchestrators/${encodeURIComponent(orchestratorId)}/approvals`,
    ).then((r) => r.approvals);
  }

  /** Approves or denies a call; a second decision is a 409 `already_decided` (the first stands). */
  decide(
    orchestratorId: string,
    approvalId: string,
    decision: ApprovalDecision,
    note?: string,
  ): Promise<ApprovalInfo> {
    return this.request(
      "POST",
      `/api/orchestrators/${encodeURIComponent(orchestratorId)}/approvals/${encodeURIComponent(approvalId)}`,
      { decision, ...(note ? { note } : {}) },
    );
  }

  /** Every file, following the listing's pages. */
  async files(orchestratorId: string): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    let cursor: string | null = null;
    do {
      const page: { files: FileInfo[]; nextCursor?: string | null } = await this.request(
        "GET",
        `/api/orchestrators/${encodeURIComponent(orchestratorId)}/files${cursor === null ? "" : query({ cursor })}`,
      );
      out.push(...page.files);
      cursor = page.nextCursor ?? null;
    } while (cursor !== null);
    return out;
  }

  /** `streamPath`: `/api/orchestrators/<id>` or `/api/orchestrators/<id>/agents/<agentId>`. */
  events(streamPath: string, after = 0, limit = 500): Promise<EventsPage> {
    return this.request("GET", `${streamPath}/events${query({ after, limit })}`);
  }

  /** Every event after `after`, page by page. */
  async *allEvents(streamPath: string, after = 0): AsyncGenerator<StreamEvent> {
    let cursor = after;
    for (;;) {
      const page = await this.events(streamPath, cursor, 1000);
      for (const ev of page.events) yield ev;
      if (!page.hasMore || page.events.length === 0) return;
      cursor = page.events[page.events.length - 1]!.seq;
    }
  }

  usage(q: UsageQuery = {}): Promise<UsageReport> {
    return this.request("GET", `/api/usage${query(q)}`);
  }

  /**
   * Sends a message, then follows the orchestrator's SSE stream from the lastSeq read before the
   * send until the terminal event of the run that serves it. Resolves with that event, or null if
   * `signal` aborted first. A queued message's run is the first to start after the message.
   */
  async sendAndFollow(
    orchestratorId: string,
    text: string,
    opts: FollowOptions = {},
  ): Promise<{ sent: SendMessageResult; end: TerminalEvent | null }> {
    const path = streamPathOf(orchestratorId);
    // Read lastSeq first: nothing the run emits can come before it.
    const { lastSeq } = await this.events(path, 0, 1);
    const sent = await this.send(orchestratorId, text, opts.clientId);
    let runId = sent.runId;
    let seenMessage = false;
    let ours = false;
    const onDelta = opts.onDelta;
    const stream = this.stream(path, {
      after: lastSeq,
      signal: opts.signal,
      ...(onDelta ? { onDelta: (frame: DeltaFrame) => onDelta(frame, ours) } : {}),
    });
    for await (const ev of stream) {
      if (ev.type === "message.user" && ev.messageId === sent.messageId) seenMessage = true;
      if (ev.type === "run.started" && !ours && (ev.runId === runId || (!runId && seenMessage))) {
        runId = ev.runId;
        ours = true;
      }
      opts.onEvent?.(ev, ours);
      if (ours && isTerminal(ev) && ev.runId === runId) return { sent, end: ev };
    }
    return { sent, end: null };
  }

  /**
   * Follows a stream over SSE from `after`, in seq order without duplicates, reconnecting from the
   * last seq it saw when the connection drops. Ends only when `signal` aborts (or retries run out).
   */
  async *stream(streamPath: string, opts: StreamOptions = {}): AsyncGenerator<StreamEvent> {
    const retries = opts.retries ?? 5;
    // Our own abort too, so a consumer that stops early (break, return) closes the connection.
    const hangUp = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, hangUp.signal]) : hangUp.signal;
    try {
      yield* this.follow(streamPath, signal, retries, opts.after ?? 0, opts.onDelta);
    } finally {
      hangUp.abort();
    }
  }

  private async *follow(
    streamPath: string,
    signal: AbortSignal,
    retries: number,
    after: number,
    onDelta?: (frame: DeltaFrame) => void,
  ): AsyncGenerator<StreamEvent> {
    let last = after;
    let failures = 0;
    while (!signal.aborted) {
      try {
        // `1` also says this client renders them, so the log may take text less often (DESIGN §11).
        const q = query({ after: last, deltas: onDelta ? 1 : 0 });
        const res = await this.fetch(`${streamPath}/stream${q}`, {
          headers: { Accept: "text/event-stream" },
          signal,
        });
        if (!res.body) throw new BatonError(0, "network_error", "The stream had no body.");
        for await (const msg of sseMessages(res.body)) {
          // Live text has no id: it is not an event, and never moves the resume point.
          if (msg.event === "delta") {
            onDelta?.(JSON.parse(msg.data) as DeltaFrame);
            continue;
          }
          const ev = JSON.parse(msg.data) as StreamEvent;
          if (typeof ev.seq !== "number" || ev.seq <= last) continue;
          last = ev.seq;
          failures = 0;
          yield ev;
        }
        // An end is a drop (a proxy, a deploy), or the server ending a stream whose credential
        // ended (DESIGN §8): then the reconnect's 401 is thrown below, not retried.
        if (++failures > retries) throw new BatonError(0, "stream_ended", "The event stream kept closing.");
      } catch (err) {
        if (signal.aborted) return;
        // 4xx won't get better by retrying (bad token, not found); drops and 5xx might.
        if (
          err instanceof BatonError &&
          ((err.status >= 400 && err.status < 500) || err.code === "stream_ended")
        ) {
          throw err;
        }
        if (++failures > retries) throw err;
      }
      if (signal.aborted) return;
      await new Promise((ok) => setTimeout(ok, Math.min(8000, 250 * 2 ** failures)));
    }
  }
}

/** `/api/orchestrators/<id>` (and `/agents/<agentId>`): the prefix stream routes hang off. */
export const streamPathOf = (orchestratorId: string, agentId?: string): string =>
  `/api/orchestrators/${encodeURIComponent(orchestratorId)}${agentId ? `/agents/${encodeURIComponent(agentId)}` : ""}`;
