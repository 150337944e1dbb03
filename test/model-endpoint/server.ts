// The model endpoint the worker tests point ANTHROPIC_BASE_URL at (global-setup.ts): the simulator
// over HTTP in Node (scripts/simulator-http.ts), recording the API key of every request (`x-api-key`, or `Authorization: Bearer`) so a
// test can tell whose key reached the model — the way a call with a user's own key (bring your own
// key) leaves the Worker. Calls without a key never come here: they use the in-Worker simulator.
//   GET /_seen   {"keys": [...]}: every key presented so far, in order
import type { AddressInfo } from "node:net";
import { simulatorServer } from "../../scripts/simulator-http.ts";
import { Simulator } from "../../worker/llm/simulator/index.ts";

export async function startModelEndpoint(): Promise<{ url: string; close: () => Promise<void> }> {
  const sim = new Simulator({ tokensPerSecond: 20_000, firstTokenMs: 0 });
  const seen: string[] = [];
  const server = simulatorServer(sim, (req, res) => {
    if (req.url === "/_seen") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: seen }));
      return true;
    }
    // The SDK presents the key as `x-api-key` or (newer versions) `Authorization: Bearer`.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const key = req.headers["x-api-key"] ?? bearer;
    if (typeof key === "string") seen.push(key);
    return false;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
