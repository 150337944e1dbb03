// The standalone simulator as the LLM endpoint for benchmarks, recording when each text delta is
// written to the socket (keyed by a marker in the request), so relay latency is measured on one clock.
import { createServer, type Server } from "node:http";
import { freePort } from "../../e2e/server.ts";
import { Simulator } from "../../worker/llm/simulator";

export type DeltaClock = Map<string, number[]>;

export async function startTimedSimulator(opts: { tokensPerSecond: number; firstTokenMs: number }) {
  const sim = new Simulator(opts);
  const writes: DeltaClock = new Map();
  const port = await freePort();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const marker = /bench-marker:([\w-]+)/.exec(body)?.[1] ?? null;
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const response = await sim.serve(
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
