// DO migration 0003: the `activeRunId` and `inflight` meta rows are no longer written (the run under
// way comes from the runs table, a crashed message from the log), and the rows an older version
// left are deleted, so nothing can read them as current. Runs go on as before around it.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import migrations from "../schema/do-migrations";
import type { Orchestrator } from "../worker/objects/orchestrator";
import { api, createOrchestrator, makeUser, runsIdle, sim, waitFor } from "./helpers";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);
const metaKeys = (id: string) =>
  runInDurableObject(orchestrator(id), (_o: Orchestrator, state: DurableObjectState) =>
    state.storage.sql
      .exec<{ key: string }>("SELECT key FROM meta ORDER BY key")
      .toArray()
      .map((r) => r.key),
  );

describe("meta rows read from the log and the runs table", () => {
  it("writes neither row, and the migration drops the ones an older version left", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, { text: sim([{ text: "first" }]) });
    await waitFor(orchestrator(id), runsIdle(1));
    const keys = await metaKeys(id);
    expect(keys).not.toContain("activeRunId");
    expect(keys).not.toContain("inflight");

    // Rows as the old code left them after a finished run, then the migration.
    await runInDurableObject(orchestrator(id), (_o: Orchestrator, state: DurableObjectState) => {
      const put = "INSERT INTO meta (key, value) VALUES (?, ?)";
      state.storage.sql.exec(put, "activeRunId", JSON.stringify({ v: "run_stale" }));
      state.storage.sql.exec(
        put,
        "inflight",
        JSON.stringify({ v: { runId: "run_stale", messageId: "msg_stale" } }),
      );
      state.storage.sql.exec(migrations.migrations.m0003);
    });
    const after = await metaKeys(id);
    expect(after).not.toContain("activeRunId");
    expect(after).not.toContain("inflight");
    expect(after).toEqual(keys);

    // The next message starts a run at once (nothing thinks one is under way) and completes.
    const sent = await api<{ queued: boolean }>(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ text: "second" }]),
    });
    expect(sent.body.queued).toBe(false);
    const events = await waitFor(orchestrator(id), runsIdle(2));
    expect(events.filter((e) => e.type === "run.completed")).toHaveLength(2);
  });
});
