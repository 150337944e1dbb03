// GET /api/usage: the caller's ledger grouped by day, model or orchestrator, never anyone else's.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { UsageReport } from "../schema/api";
import { type Account, call, newToken, signup } from "./auth-helpers";

let a: Account;
let b: Account;
let ids: { oa1: string; oa2: string; ob: string };

type Ledger = {
  user: string;
  orch: string;
  model: string;
  day: string;
  input: number;
  output: number;
  cost: number;
};

async function ledger(rows: Ledger[]) {
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare(
        `INSERT INTO usage_ledger (id, user_id, orchestrator_id, model, day, created_at, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        crypto.randomUUID(),
        r.user,
        r.orch,
        r.model,
        r.day,
        Date.parse(r.day),
        r.input,
        r.output,
        10,
        5,
        r.cost,
      ),
    ),
  );
}

async function orchestrator(user: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "INSERT INTO orchestrators (id, user_id, name, model) VALUES (?, ?, ?, 'claude-sonnet-5-5')",
  )
    .bind(id, user, name)
    .run();
  return id;
}

beforeAll(async () => {
  a = await signup();
  b = await signup();
  ids = {
    oa1: await orchestrator(a.userId, "Alpha"),
    oa2: crypto.randomUUID(),
    ob: await orchestrator(b.userId, "Bravo"),
  };
  await ledger([
    {
      user: a.userId,
      orch: ids.oa1,
      model: "claude-sonnet-5-5",
      day: "2026-03-01",
      input: 100,
      output: 10,
      cost: 0.1,
    },
    {
      user: a.userId,
      orch: ids.oa1,
      model: "claude-haiku-5-5",
      day: "2026-03-01",
      input: 200,
      output: 20,
      cost: 0.2,
    },
    {
      user: a.userId,
      orch: ids.oa1,
      model: "claude-sonnet-5-5",
      day: "2026-03-03",
      input: 300,
      output: 30,
      cost: 0.3,
    },
    // An orchestrator since deleted: its spend stays, its name is gone.
    {
      user: a.userId,
      orch: ids.oa2,
      model: "claude-haiku-5-5",
      day: "2026-03-02",
      input: 400,
      output: 40,
      cost: 0.05,
    },
    // B's rows, some on A's orchestrator id and days, must never reach A (and vice versa).
    {
      user: b.userId,
      orch: ids.ob,
      model: "claude-opus-5",
      day: "2026-03-01",
      input: 9000,
      output: 900,
      cost: 9,
    },
    {
      user: b.userId,
      orch: ids.oa1,
      model: "claude-sonnet-5-5",
      day: "2026-03-02",
      input: 7000,
      output: 700,
      cost: 7,
    },
  ]);
});

const report = async (who: Account, q = "") => {
  const res = await call(`/api/usage${q}`, { cookie: who.cookie });
  expect(res.status).toBe(200);
  return res.json<UsageReport>();
};

describe("usage", () => {
  it("groups by day by default, oldest first, with totals", async () => {
    const r = await report(a);
    expect(r.groupBy).toBe("day");
    expect(r.rows.map((x) => [x.key, x.calls, x.inputTokens, x.costUsd])).toEqual([
      ["2026-03-01", 2, 300, 0.3],
      ["2026-03-02", 1, 400, 0.05],
      ["2026-03-03", 1, 300, 0.3],
    ]);
    expect(r.totals).toEqual({
      inputTokens: 1000,
      outputTokens: 100,
      cacheReadTokens: 40,
      cacheWriteTokens: 20,
      costUsd: 0.65,
    });
  });

  it("groups by model, biggest spend first", async () => {
    const r = await report(a, "?groupBy=model");
    expect(r.rows.map((x) => [x.key, x.calls, x.costUsd])).toEqual([
      ["claude-sonnet-5-5", 2, 0.4],
      ["claude-haiku-5-5", 2, 0.25],
    ]);
  });

  it("groups by orchestrator with names as labels; a deleted one keeps its id and no label", async () => {
    const r = await report(a, "?groupBy=orchestrator");
    expect(r.rows).toEqual([
      expect.objectContaining({ key: ids.oa1, label: "Alpha", calls: 3, costUsd: 0.6 }),
      expect.objectContaining({ key: ids.oa2, calls: 1, costUsd: 0.05 }),
    ]);
    expect(r.rows[1]).not.toHaveProperty("label");
  });

  it("filters by an inclusive from/to range", async () => {
    const r = await report(a, "?from=2026-03-02&to=2026-03-03");
    expect(r.rows.map((x) => x.key)).toEqual(["2026-03-02", "2026-03-03"]);
    expect(r.totals.costUsd).toBe(0.35);
    expect((await report(a, "?from=2026-03-04")).rows).toEqual([]);
    expect((await report(a, "?to=2026-03-01")).totals.inputTokens).toBe(300);
  });

  it("isolates users: B sees only B's rows, never A's orchestrator names", async () => {
    const byOrch = await report(b, "?groupBy=orchestrator");
    expect(byOrch.rows.map((x) => [x.key, x.label])).toEqual([
      [ids.ob, "Bravo"],
      // B's row on A's orchestrator id: B's spend, but A's orchestrator name must not leak.
      [ids.oa1, undefined],
    ]);
    expect(byOrch.totals.costUsd).toBe(16);
    const byDay = await report(a);
    expect(byDay.totals.inputTokens).toBe(1000);
  });

  it("works with a bearer token, and is empty for a new account", async () => {
    const c = await signup();
    const tok = await newToken(c);
    const res = await call("/api/usage?groupBy=model", { token: tok.secret });
    expect(await res.json()).toEqual({
      groupBy: "model",
      rows: [],
      totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    });
  });

  it("needs a credential", async () => {
    expect((await call("/api/usage")).status).toBe(401);
  });
});
