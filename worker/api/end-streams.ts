// Ending a credential ends its streams (DESIGN §8). After a token is revoked, a session ends
// (logout, sign-in rotation) or a password changes, every object the user may be watched on — each
// of their orchestrators and, through its registry, each of its agents — is told to close the
// streams opened with those credentials. The request waits for that (bounded), so it bites before
// the answer; frames from a closed credential are refused anyway (objects/stream-guard.ts).
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { orchestrators } from "../../schema/d1";
import { type CredentialKey, sessionCredential, tokenCredential } from "../auth/credentials";
import { agentStub, orchestratorStub } from "../objects/stubs";

/** How long the request waits for the objects; stragglers finish in the background (waitUntil). */
export const END_STREAMS_WAIT_MS = 3_000;
/** Backoff between attempts at one object: a busy or restarting object gets three more tries. */
const RETRY_MS = [100, 400, 1_200];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `call` makes a fresh stub each time: a stub whose object broke stays broken. */
async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i >= RETRY_MS.length) throw err;
      await sleep(RETRY_MS[i]!);
    }
  }
}

async function endOnOrchestrator(env: Env, id: string, credentials: CredentialKey[]): Promise<number> {
  const [own, agents] = await Promise.all([
    withRetries(() => orchestratorStub(env, id).closeCredentials(credentials)),
    withRetries(() => orchestratorStub(env, id).agents()),
  ]);
  const theirs = await Promise.all(
    agents.map((a) => withRetries(() => agentStub(env, a.id).closeCredentials(credentials))),
  );
  return own + theirs.reduce((n, x) => n + x, 0);
}

/**
 * Closes every stream of `userId` opened with one of the ended credentials (session id hashes,
 * token ids). Resolves with how many closed, or null if the objects took longer than
 * END_STREAMS_WAIT_MS (they carry on in `background`).
 */
export async function endStreams(
  env: Env,
  userId: string,
  ended: { sessions?: string[]; tokens?: string[] },
  background: (work: Promise<unknown>) => void,
): Promise<number | null> {
  const credentials = [
    ...(ended.sessions ?? []).map(sessionCredential),
    ...(ended.tokens ?? []).map(tokenCredential),
  ];
  if (!credentials.length) return 0;
  const rows = await drizzle(env.DB)
    .select({ id: orchestrators.id })
    .from(orchestrators)
    .where(eq(orchestrators.userId, userId));
  const work = Promise.allSettled(rows.map((r) => endOnOrchestrator(env, r.id, credentials))).then(
    (results) => {
      let closed = 0;
      for (const r of results) {
        if (r.status === "fulfilled") closed += r.value;
        else console.error("ending streams of a revoked credential failed", r.reason);
      }
      return closed;
    },
  );
  background(work);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), END_STREAMS_WAIT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The request's waitUntil, for work that must outlive the answer. */
export const inBackground =
  (c: Context) =>
  (work: Promise<unknown>): void => {
    c.executionCtx.waitUntil(work);
  };
