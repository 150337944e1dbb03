// Benchmarks only (bench/costs.ts): repeats one storage operation in an object's own SQLite so the
// runtime's fixed costs can be read off the process's CPU time from outside (inside a Durable
// Object the clock only moves across I/O). Writes go to a scratch table, never to the loop's tables.

export const SQL_COST_OPS = [
  "none",
  "select",
  "insert",
  "turn",
  "insert-turn",
  "insert-sync",
  "alarm-turn",
  "insert-alarm-turn",
] as const;
export type SqlCostOp = (typeof SQL_COST_OPS)[number];

const BODY = JSON.stringify({
  stream: "orchestrator:orc_0123456789abcdef01234567",
  seq: 1,
  ts: 1,
  type: "text.delta",
  messageId: "msg_0123456789abcdef0123",
  index: 0,
  text: "alpha beta gamma ",
});

/**
 * `select`: one `SELECT 1` (a statement's fixed cost). `insert`: one event-sized row, all in one
 * transaction. `turn`: yield to the event loop. `insert-turn`: an insert, then a yield, so each
 * row commits on its own, as a streamed delta does. `insert-sync`: the same with an explicit sync().
 * `alarm-turn`: a run's heartbeat as it is (getAlarm, setAlarm, each awaited), then a yield.
 * `insert-alarm-turn`: an insert and a setAlarm in the same turn, then a yield: what the alarm
 * adds when it joins a write's turn instead of having its own.
 */
export async function runSqlCost(storage: DurableObjectStorage, n: number, op: SqlCostOp): Promise<void> {
  const sql = storage.sql;
  sql.exec(
    "CREATE TABLE IF NOT EXISTS bench_sql_cost (seq INTEGER PRIMARY KEY, ts INTEGER, type TEXT, body TEXT)",
  );
  let seq = sql.exec<{ s: number }>("SELECT COALESCE(MAX(seq), 0) AS s FROM bench_sql_cost").one().s;
  const insert = () =>
    sql.exec(
      "INSERT INTO bench_sql_cost (seq, ts, type, body) VALUES (?, ?, ?, ?)",
      ++seq,
      Date.now(),
      "text.delta",
      BODY,
    );
  for (let i = 0; i < n; i++) {
    switch (op) {
      case "none":
        break;
      case "select":
        sql.exec("SELECT 1");
        break;
      case "insert":
        insert();
        break;
      case "turn":
        await new Promise((r) => setTimeout(r, 0));
        break;
      case "insert-turn":
        insert();
        await new Promise((r) => setTimeout(r, 0));
        break;
      case "insert-sync":
        insert();
        await storage.sync();
        break;
      case "alarm-turn":
        await storage.getAlarm();
        await storage.setAlarm(Date.now() + 600_000 + i);
        await new Promise((r) => setTimeout(r, 0));
        break;
      case "insert-alarm-turn":
        insert();
        storage.setAlarm(Date.now() + 600_000 + i).catch((err) => console.error("setAlarm failed", err));
        await new Promise((r) => setTimeout(r, 0));
        break;
    }
  }
}
