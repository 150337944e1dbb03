// Standalone simulator: the same Messages endpoint the Worker uses offline, served over HTTP so any
// Anthropic client (curl, the SDK with baseURL http://localhost:8788) can talk to it.
//   npm run simulator            PORT (8788; 0 picks a free one), SIM_TOKENS_PER_SECOND (400),
//                                SIM_FIRST_TOKEN_MS (250)
// The HTTP side is scripts/simulator-http.ts.
import { Simulator } from "../worker/llm/simulator/index.ts";
import { simulatorServer } from "./simulator-http.ts";

const numberFrom = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) ? n : fallback;
};

const port = numberFrom(process.env.PORT, 8788);
const sim = new Simulator({
  tokensPerSecond: numberFrom(process.env.SIM_TOKENS_PER_SECOND, 400),
  firstTokenMs: numberFrom(process.env.SIM_FIRST_TOKEN_MS, 250),
});

const server = simulatorServer(sim);

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
