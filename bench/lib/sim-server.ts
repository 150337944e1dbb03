// The standalone simulator as the LLM endpoint for benchmarks, recording when each text delta is
// written to the socket (keyed by a marker in the request), so relay latency is measured on one clock.
// Requests whose first user message says `bench-pace:fast` are answered at a second, fast pace.
import { createServer, type Server } from "node:http";
import { freePort } from "../../e2e/server.ts";
import { Simulator } from "../../worker/llm/simulator";

export type DeltaClock = Map<string, number[]>;

const MARKER = /bench-marker:([\w-]+)/;
/** A request whose own input says this is answered at the fast pace (e.g. an orchestrator's long
 *  tool calls that only set up the measured streams). */
const FAST = "bench-pace:fast";

/** The text of a request's first user message: the run's own input. */
function firstUserText(body: string): string {
  try {
    const req = JSON.parse(body) as { messages?: { role: string; content: unknown }[] };
    const first = req.messages?.find((m) => m.role === "user");
    if (typeof first?.content === "string") return first.content;
    if (Array.isArray(first?.content))
      return (first.content as { text?: string }[]).map((b) => b.text ?? "").join("\n");
  } catch {
    // not JSON
  }
  return "";
}

/**
 * The marker of a request: the one in its first user message, else the first anywhere. Later
 * turns may quote other streams' markers (an orchestrator's tool calls carry its agents' tasks),
 * which must not be credited to this stream.
 */
function markerOf(body: string, own: string): string | null {
  return MARKER.exec(own)?.[1] ?? MARKER.exec(body)?.[1] ?? null;
}

type Pace = { tokensPerSecond: number; firstTokenMs: number };

export async function startTimedSimulator(opts: Pace & { fast?: Pace }) {
  const sim = new Simulator(opts);
  const fast = new Simulator(opts.fast ?? opts);
  const writes: DeltaClock = new Map();
  const port = await freePort();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const own = firstUserText(body);
    const marker = markerOf(body, own);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const response = await (own.includes(FAST) ? fast : sim).serve(
      new Request(`http://sim${req.url}`, {
        method: req.method,
        headers,
        body: req.method === "POST" ? body : undefined,
      }),
      abort.signal,
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return res.end();
    const times = marker ? (writes.get(marker) ?? []) : null;
    if (marker && times) writes.set(marker, times);
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        res.write(chunk);
        if (times) {
          // Each SSE event is written whole; count the text deltas in this chunk.
          const text = decoder.decode(chunk, { stream: true });
          const n = text.split('"type":"text_delta"').length - 1;
          const at = performance.now();
          for (let i = 0; i < n; i++) times.push(at);
        }
      }
    } catch {
      // The caller hung up mid-stream; nothing more to write.
    }
    res.end();
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    writes,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
