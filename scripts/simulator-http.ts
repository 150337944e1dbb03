// The simulator over node:http: web-standard Request/Response bridged to node's, response bodies
// written chunk by chunk as the simulator produces them (SSE arrives incrementally), and a client
// that hangs up aborts the request (stopping stalls and timers). Used by scripts/simulator.ts and
// by the worker tests' model endpoint (test/model-endpoint/server.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Simulator } from "../worker/llm/simulator/index.ts";

async function bridge(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  // "close" also fires after a normal end; only a response that never finished is an abort.
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });

  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const request = new Request(new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`), {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
    signal: abort.signal,
  });

  const response = await sim.serve(request, abort.signal);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.flushHeaders();
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  }
  res.end();
}

/**
 * A server answering every request with the simulator. `onRequest` sees each request first (the
 * tests record its headers); answering `true` means it answered the request itself.
 */
export function simulatorServer(
  sim: Simulator,
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Server {
  return createServer((req, res) => {
    if (onRequest?.(req, res)) return;
    bridge(sim, req, res).catch((error: unknown) => {
      const aborted = error instanceof Error && error.name === "AbortError";
      if (!aborted) console.error("simulator:", error);
      // Headers may already be out (a stream that failed midway); then all we can do is hang up.
      if (res.headersSent) res.destroy();
      else
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(
            JSON.stringify({ type: "error", error: { type: "api_error", message: "Internal server error" } }),
          );
    });
  });
}
