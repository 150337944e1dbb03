// Standalone simulator: the same Messages endpoint the Worker uses offline, served over HTTP so any
// Anthropic client (curl, the SDK with baseURL http://localhost:8788) can talk to it.
//   npm run simulator            PORT (8788; 0 picks a free one), SIM_TOKENS_PER_SECOND (400),
//                                SIM_FIRST_TOKEN_MS (250)
// Web-standard Request/Response are bridged to node:http; response bodies are written chunk by
// chunk as the simulator produces them, so SSE streams arrive incrementally, and a client that
// hangs up aborts the request (stopping stalls and timers).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Simulator } from "../worker/llm/simulator/index.ts";

const numberFrom = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) ? n : fallback;
};

const port = numberFrom(process.env.PORT, 8788);
const sim = new Simulator({
  tokensPerSecond: numberFrom(process.env.SIM_TOKENS_PER_SECOND, 400),
  firstTokenMs: numberFrom(process.env.SIM_FIRST_TOKEN_MS, 250),
});

async function bridge(req: IncomingMessage, res: ServerResponse): Promise<void> {
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

const server = createServer((req, res) => {
  bridge(req, res).catch((error: unknown) => {
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

server.listen(port, () => {
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  console.log(`Baton simulator listening on http://localhost:${actual} (POST /v1/messages)`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
