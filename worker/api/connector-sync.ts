// Orchestrators keep a snapshot of their enabled connectors' tools (no secrets) in their config and
// pass it to their agents, so a run's tool list needs no D1 read. The snapshot is rebuilt from D1 and
// pushed whenever it changes: connectors enabled or disabled (PATCH /api/orchestrators/:id), a
// connector renamed, re-listed, signed in to, or deleted.
import { and, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { CONNECTOR_LIMITS, type ConnectorSnapshot } from "../../schema/connectors";
import { orchestrators } from "../../schema/d1";
import { connectorsById, fitSnapshots, toSnapshot } from "../db/connectors";
import { ApiError } from "../http/errors";
import { orchestratorStub } from "../objects/stubs";

/** The snapshots of these connector ids of the user's (unknown ids left out). */
export async function snapshotsFor(
  env: Env,
  userId: string,
  ids: readonly string[],
): Promise<ConnectorSnapshot[]> {
  return fitSnapshots((await connectorsById(env, userId, ids)).map(toSnapshot));
}

/** `connectors` as sent in a PATCH: deduplicated, each one the caller's, within the cap; else a 400. */
export async function checkEnabled(env: Env, userId: string, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const issues: { field: string; message: string }[] = [];
  if (unique.length > CONNECTOR_LIMITS.perOrchestrator) {
    issues.push({ field: "connectors", message: `at most ${CONNECTOR_LIMITS.perOrchestrator} connectors` });
  }
  const found = new Set((await connectorsById(env, userId, unique)).map((r) => r.id));
  unique.forEach((id) => {
    if (!found.has(id))
      issues.push({ field: `connectors.${ids.indexOf(id)}`, message: "is not one of your connectors" });
  });
  if (issues.length) {
    throw new ApiError(
      400,
      "invalid_request",
      `Invalid body. ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}.`,
      { issues },
    );
  }
  return unique;
}

/** Sends each of these orchestrators (the user's) the current snapshot of its enabled connectors. */
export async function pushConnectors(
  env: Env,
  userId: string,
  orchestratorIds: readonly string[],
): Promise<void> {
  if (!orchestratorIds.length) return;
  const rows = await drizzle(env.DB)
    .select({ id: orchestrators.id, connectors: orchestrators.connectors })
    .from(orchestrators)
    .where(and(eq(orchestrators.userId, userId), inArray(orchestrators.id, [...orchestratorIds])));
  await Promise.all(
    rows.map(async (o) => {
      const connectors = await snapshotsFor(env, userId, o.connectors ?? []);
      await orchestratorStub(env, o.id).update({ connectors });
    }),
  );
}
