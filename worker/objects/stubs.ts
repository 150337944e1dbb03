// Typed stubs for the two object kinds, by name: the one place that turns an orchestrator or agent
// id into a stub. Callers must already have checked the caller owns it (api/access.ts).
//
// The stubs are typed by the RPC interfaces (rpc.ts), each method returning a promise of its plain
// result. The runtime's own DurableObjectStub<Class> type maps every method through its deep RPC
// types, which gives up ("too deep") on the event unions; these results are structured clones of
// plain data, so the simple mapping is exact.
import type { AgentRpc, OrchestratorRpc } from "./rpc";

type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
} & { fetch(request: Request): Promise<Response> };

export type OrchestratorStub = Remote<OrchestratorRpc>;
export type AgentStub = Remote<AgentRpc>;

export const orchestratorStub = (env: Env, orchestratorId: string): OrchestratorStub =>
  env.ORCHESTRATOR.getByName(orchestratorId) as unknown as OrchestratorStub;

export const agentStub = (env: Env, agentId: string): AgentStub =>
  env.AGENT.getByName(agentId) as unknown as AgentStub;
