// Benchmark-only routes, mounted at /api/_bench by the bench Worker (bench/worker/index.ts), which
// never ships: the production entry (worker/index.ts) doesn't know them.
// - a bare relay (SDK stream → ws.send, nothing persisted) measured against Baton's own relay in
//   the same run, to one socket or to every socket of a channel (fan-out);
// - per-object counters (D1 statements, object SQLite rows, watchers, last seq) of orchestrators and
//   their agents;
// - a per-token-insert baseline (SDK stream → one D1 INSERT per text delta into a scratch table),
//   the design Baton avoids, so bench/writes.ts can compare D1 cost per 1,000 tokens in one run;
// - D1's connection-wide change counter, so the rows Baton's objects write can be counted too;
// - repeated SQLite operations in an object and D1 round trips, for bench/costs.ts.
import { Hono } from "hono";
import { ownedOrchestrator } from "../../worker/api/access";
import { requireAuth } from "../../worker/auth/middleware";
import type { AppEnv } from "../../worker/http/context";
import { notFound } from "../../worker/http/errors";
import { agentStub, orchestratorStub } from "../../worker/objects/stubs";
import { type BenchOrchestrator, RELAY_HEADER } from "./objects";
import { relayPrompt, streamPrompt } from "./relay";
import { SQL_COST_OPS, type SqlCostOp } from "./sql-cost";

/** The baseline's scratch table: what a naive relay would persist per delta. No AUTOINCREMENT and
 *  no secondary index, so each insert writes one row: the cheapest version of that design. */
const SCRATCH_TABLE = `CREATE TABLE IF NOT EXISTS bench_token_deltas (
  id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL, ts INTEGER NOT NULL)`;

export const benchRoutes = new Hono<AppEnv>()
  .use(requireAuth)
  .get("/relay", (c) => {
    // `?channel=`: every socket of a channel is held by one object, which relays to all (fan-out;
    // bench/stream --bare object gives each stream a channel of its own).
    const channel = c.req.query("channel");
    if (channel) {
      const stub = agentStub(c.env, `bench-relay-${channel}`) as unknown as {
        fetch(r: Request): Promise<Response>;
      };
      const headers = new Headers(c.req.raw.headers);
      headers.set(RELAY_HEADER, "1");
      return stub.fetch(new Request(c.req.url, { headers }));
    }
    const pair = new WebSocketPair();
    const ws = pair[1];
    ws.accept();
    ws.addEventListener("message", (e) => void relayPrompt(c.env, String(e.data), (f) => ws.send(f)));
    return new Response(null, { status: 101, webSocket: pair[0] });
  })
  // The runtime's fixed costs (bench/costs.ts): n storage operations in one object the caller owns…
  .get("/sql-cost", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.query("id") ?? "");
    const op = c.req.query("op") as SqlCostOp;
    if (!SQL_COST_OPS.includes(op)) throw notFound("That operation");
    // The bench Worker binds ORCHESTRATOR to BenchOrchestrator (./objects), which adds the probe.
    const stub = orchestratorStub(c.env, orch.id) as unknown as Pick<BenchOrchestrator, "benchSqlCost">;
    await stub.benchSqlCost(Number(c.req.query("n") ?? 1000), op);
    return c.json({ ok: true });
  })
  // …and n D1 round trips from the Worker: one SELECT, or a batch of four.
  .get("/d1-cost", async (c) => {
    const n = Number(c.req.query("n") ?? 100);
    const batch = c.req.query("op") === "batch4";
    for (let i = 0; i < n; i++) {
      if (batch) await c.env.DB.batch([1, 2, 3, 4].map((k) => c.env.DB.prepare(`SELECT ${k}`)));
      else await c.env.DB.prepare("SELECT 1").first();
    }
    return c.json({ ok: true });
  })
  .get("/stats", async (c) => {
    const ids = (c.req.query("ids") ?? "").split(",").filter(Boolean);
    const stats = await Promise.all(
      ids.map(async (id) => orchestratorStub(c.env, (await ownedOrchestrator(c, id)).id).stats()),
    );
    return c.json({ stats });
  })
  // Every agent of one orchestrator the caller owns, with its object's counters.
  .get("/stats/agents", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.query("orchestrator") ?? "");
    const agents = await orchestratorStub(c.env, orch.id).agents();
    const stats = await Promise.all(
      agents.map(async (a) => ({ id: a.id, name: a.name, ...(await agentStub(c.env, a.id).stats()) })),
    );
    return c.json({ stats });
  })
  // Where gap-fill time goes: the whole log paged through the object's events() RPC alone (read,
  // JSON.parse of each row, structured clone back), without HTTP, auth or re-serialising. The
  // Workers clock only moves across I/O, so only the awaited RPCs can be timed in here.
  .get("/page-cost", async (c) => {
    const orch = await ownedOrchestrator(c, c.req.query("id") ?? "");
    // The RPC type of events() is too deep for the checker here (it infers never); this is its shape.
    const stub: { events(after: number, limit: number): Promise<unknown> } = orchestratorStub(c.env, orch.id);
    const limit = Number(c.req.query("limit") ?? 1000);
    const t0 = Date.now();
    let pages = 0;
    let events = 0;
    for (let after = 0; ; ) {
      const page = (await stub.events(after, limit)) as { events: { seq: number }[]; hasMore: boolean };
      pages++;
      events += page.events.length;
      if (!page.hasMore || !page.events.length) break;
      after = page.events[page.events.length - 1]!.seq;
    }
    return c.json({ pages, events, rpcMs: Date.now() - t0 });
  })
  // sqlite3_total_changes() of the D1 database's connection: rows inserted, updated or deleted by
  // every statement since it opened, trigger writes included. Local D1 runs on one connection, so
  // the difference across a run counts every row anyone wrote to D1 in it.
  .get("/d1-changes", async (c) => {
    const row = await c.env.DB.prepare("SELECT total_changes() AS n").first<{ n: number }>();
    return c.json({ totalChanges: row?.n ?? null });
  })
  // The baseline: stream one response and INSERT each text delta as its own D1 row, awaiting each
  // (a relay that must not lose a token it has shown). Counts statements and D1's rows_written.
  .post("/per-token-insert", async (c) => {
    const { text, model } = await c.req.json<{ text: string; model: string }>();
    await c.env.DB.prepare(SCRATCH_TABLE).run();
    const runId = crypto.randomUUID();
    const t0 = Date.now();
    const stream = await streamPrompt(c.env, text, model);
    let deltas = 0;
    let rowsWritten = 0;
    let outputTokens = 0;
    const insert = c.env.DB.prepare(
      "INSERT INTO bench_token_deltas (run_id, seq, text, ts) VALUES (?1, ?2, ?3, ?4)",
    );
    for await (const ev of stream) {
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") {
        const r = await insert.bind(runId, ++deltas, ev.delta.text, Date.now()).run();
        rowsWritten += r.meta.rows_written ?? 0;
      } else if (ev.type === "message_delta") {
        // Cumulative: the last snapshot is the answer (DESIGN §5.7).
        outputTokens = ev.usage.output_tokens;
      }
    }
    return c.json({ deltas, statements: deltas, rowsWritten, outputTokens, ms: Date.now() - t0 });
  });
