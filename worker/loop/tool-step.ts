// One tool step (DESIGN §5.3, §8): the assistant message's tool calls run in parallel within a
// phase (create, act, wait), each result stored by tool_use_id before the next step, so a replay
// reuses it. A call may suspend the run instead (wait_for_agents, or a tool whose policy asks a
// person first: approvals.ts); then nothing holds the object.
import type Anthropic from "@anthropic-ai/sdk";
import type { ContentBlock, Store } from "../db/store";
import { decide } from "../policy/tool-policy";
import { type Approvals, deniedResult } from "./approvals";
import type { Checkpoints } from "./checkpoints";
import { newId, type RunnerHost, type ToolCallRef } from "./host";
import { runTool, type ToolOutcome } from "./tool";

/** Returns true when the run suspended (it resumes when the wait is resolved). */
export async function toolStep(
  host: RunnerHost,
  env: Env,
  cp: Checkpoints,
  approvals: Approvals,
  runId: string,
  messageId: string,
  uses: Anthropic.ToolUseBlockParam[],
  signal: AbortSignal,
): Promise<boolean> {
  const store = host.store;
  const tools = new Map(host.tools().map((t) => [t.name, t]));
  const config = store.config();
  type Suspend = { toolUseId: string; names: string[]; deadline: number; since: number };
  let suspend: Suspend | null = null;
  let awaiting = false;
  const phases = [...new Set(uses.map((u) => tools.get(u.name)?.phase ?? 1))].sort((a, b) => a - b);
  for (const phase of phases) {
    if (signal.aborted) break;
    await Promise.all(
      uses
        .filter((u) => (tools.get(u.name)?.phase ?? 1) === phase)
        .map(async (use) => {
          if (store.toolResults.get(use.id)) return;
          const started = Date.now();
          const tool = tools.get(use.name);
          const ref = { id: use.id, name: use.name, input: use.input, messageId };
          if (tool && decide(config.toolPolicy, use.name) === "ask") {
            let a = approvals.forToolUse(use.id);
            if (!a) {
              a = approvals.request(runId, ref);
              host.approvalChanged(a);
            }
            if (a.status === "pending") {
              awaiting = true;
              return;
            }
            if (a.status === "denied")
              return cp.saveResult(runId, ref, { content: deniedResult(a), isError: true }, 0);
            // Approved: it runs now, once; its stored result answers any replay.
          }
          let outcome: ToolOutcome;
          if (tool?.once) {
            // Not idempotent: a call recorded as sent but never answered was lost in a crash.
            const sentAt = store.get("sentCalls")?.[use.id];
            if (sentAt !== undefined) {
              cp.saveResult(runId, ref, { content: unknownOutcome(use.name, sentAt), isError: true }, 0);
              return forgetSent(store, use.id);
            }
            store.set("sentCalls", { ...(store.get("sentCalls") ?? {}), [use.id]: Date.now() });
            await store.storage.sync(); // durable before the request leaves
          }
          if (!tool) outcome = { content: `There is no tool named ${use.name}.`, isError: true };
          else {
            const ctx = host.toolContext({
              env: env,
              config,
              toolUseId: use.id,
              runId,
              signal,
              emit: (b) => host.emit(b),
            });
            outcome = await runTool(tool, use.input, ctx);
          }
          if ("suspend" in outcome) {
            suspend = { toolUseId: use.id, ...outcome.suspend, since: started };
            return;
          }
          cp.saveResult(runId, ref, outcome, Date.now() - started);
          if (tool?.once) forgetSent(store, use.id);
        }),
    );
  }
  // An approval decided while a slower call of this step still ran found the run active, so
  // nothing would resume it from waiting: when none of this step's approvals is pending any more,
  // go round again — stored results answer the calls that ran, the approved ones run now (§5.6).
  if (
    awaiting &&
    !suspend &&
    !signal.aborted &&
    !uses.some((u) => approvals.forToolUse(u.id)?.status === "pending")
  )
    return toolStep(host, env, cp, approvals, runId, messageId, uses, signal);
  if ((suspend || awaiting) && !signal.aborted) {
    const s = suspend as Suspend | null;
    store.transaction(() => {
      store.setRunStatus(runId, "waiting");
      if (s) {
        store.set("waiting", {
          runId,
          toolUseId: s.toolUseId,
          names: s.names,
          deadline: s.deadline,
          since: s.since,
        });
      }
    });
    await host.flush();
    await host.suspended();
    return true;
  }
  // Every tool has a result: checkpoint them as the next user turn.
  const results: ContentBlock[] = uses.map((use) => {
    const r = store.toolResults.get(use.id);
    return {
      type: "tool_result",
      tool_use_id: use.id,
      content: r?.content ?? "No result.",
      is_error: r?.isError ?? true,
    };
  });
  store.appendMessage(runId, newId("tr"), "user", results);
  await host.flush();
  return false;
}

/** The result of a `once` call whose answer a restart lost: it is not sent a second time. */
export const unknownOutcome = (name: string, sentAt: number): string =>
  `Baton restarted while ${name} was in flight (sent ${new Date(sentAt).toISOString()}), so whether it took effect is unknown. It was not sent again: check its effect before retrying.`;

export function forgetSent(store: Store, toolUseId: string): void {
  const sent = store.get("sentCalls");
  if (!sent || !(toolUseId in sent)) return;
  const { [toolUseId]: _gone, ...rest } = sent;
  store.set("sentCalls", rest);
}

/** The call a suspended result answers, from the checkpointed assistant message. */
export function findToolUse(store: Store, toolUseId: string): ToolCallRef {
  const conv = store.conversation();
  for (let i = conv.length - 1; i >= 0; i--) {
    const m = conv[i]!;
    for (const b of m.content) {
      if (b.type === "tool_use" && b.id === toolUseId)
        return { id: b.id, name: b.name, input: b.input, messageId: m.messageId };
    }
  }
  return { id: toolUseId, name: "wait_for_agents", input: {}, messageId: "" };
}
