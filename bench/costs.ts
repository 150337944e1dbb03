// bench/costs: what the local runtime charges for the operations a streamed delta and a run are
// made of, read from the server's CPU time (inside an object the clock only moves across I/O):
// a statement in an object's SQLite, a commit, a D1 round trip, an HTTP request through
// `wrangler dev`. These are the floor under every other figure. Table on stderr, JSON on stdout.
//   npx tsx bench/costs.ts [--n 3000] [--d1 300] [--http 200]
import { emit, machine, numArg, printTable, round } from "./lib/cli.ts";
import { call, processTreeUsage, startBenchServer } from "./lib/server.ts";

const N = numArg("n", 3000);
const D1 = numArg("d1", 300);
const HTTP = numArg("http", 200);

const started = machine();
const server = await startBenchServer({ RATE_LIMIT_MULTIPLIER: "1000" });
type Row = { operation: string; times: number; cpuUsPerOp: number; wallUsPerOp: number };
const rows: Row[] = [];

async function measure(operation: string, times: number, run: () => Promise<unknown>): Promise<void> {
  const before = processTreeUsage(server.pid);
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const after = processTreeUsage(server.pid);
  rows.push({
    operation,
    times,
    cpuUsPerOp: round(((after.cpuSec - before.cpuSec) / times) * 1e6, 1),
    wallUsPerOp: round((wall / times) * 1000, 1),
  });
}

try {
  const { id } = await call<{ id: string }>(server, "POST", "/api/orchestrators", { name: "costs" });
  // Warm the object and its scratch table.
  await call(server, "GET", `/api/_bench/sql-cost?id=${id}&n=10&op=insert`);
  const sqlOps: [string, string][] = [
    ["none", "object call overhead (loop only)"],
    ["select", "SQLite: SELECT 1"],
    ["insert", "SQLite: INSERT one event row, same transaction"],
    ["turn", "event-loop turn (setTimeout 0)"],
    ["insert-turn", "SQLite: INSERT + its own commit (a streamed delta)"],
    ["insert-sync", "SQLite: INSERT + storage.sync()"],
    ["alarm-turn", "getAlarm + setAlarm, each awaited, then a turn"],
    ["insert-alarm-turn", "INSERT + setAlarm in one turn, then a turn"],
  ];
  for (const [op, label] of sqlOps) {
    await measure(label, N, () => call(server, "GET", `/api/_bench/sql-cost?id=${id}&n=${N}&op=${op}`));
  }
  await measure("D1: SELECT 1 round trip", D1, () => call(server, "GET", `/api/_bench/d1-cost?n=${D1}`));
  await measure("D1: batch of 4 SELECTs", D1, () =>
    call(server, "GET", `/api/_bench/d1-cost?n=${D1}&op=batch4`),
  );
  for (const path of ["/api/models", "/api/me"]) {
    await measure(`HTTP: GET ${path}`, HTTP, async () => {
      for (let i = 0; i < HTTP; i++) await call(server, "GET", path);
    });
  }
} finally {
  await server.stop();
}

printTable(rows);
emit("costs", started, { rows });
