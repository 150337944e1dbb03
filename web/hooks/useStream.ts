// React binding for StreamClient. Clients are shared per stream path and linger a little after
// the last subscriber leaves, so moving between an orchestrator's chat, files and agent pages
// neither reconnects nor replays the log again.
import { useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { agentPath, api, orchestratorPath } from "../lib/api";
import { StreamClient, type StreamSnapshot, type StreamTarget } from "../lib/stream";
import { type Entry, registry } from "./streamRegistry";

export { resetStreams } from "./streamRegistry";

const LINGER_MS = 60_000;

export function orchestratorTarget(id: string): StreamTarget {
  return {
    path: orchestratorPath(id),
    sendOverHttp: (text, clientId) => api.sendMessage(id, text, clientId),
    interruptOverHttp: () => api.interrupt(id),
    approveOverHttp: (approvalId, decision, note) => api.decideApproval(id, approvalId, decision, note),
  };
}

export function agentTarget(id: string, agentId: string): StreamTarget {
  return {
    path: agentPath(id, agentId),
    // The agent message endpoint takes no clientId; the socket path is the idempotent one.
    sendOverHttp: (text) => api.messageAgent(id, agentId, text),
    interruptOverHttp: () => api.interruptAgent(id, agentId),
    // Decided through the orchestrator, which answers for its agents' approvals.
    approveOverHttp: (approvalId, decision, note) => api.decideApproval(id, approvalId, decision, note),
  };
}

/** Gets or creates the shared client for a target without starting it (safe during render). */
function clientFor(target: StreamTarget): Entry {
  let entry = registry.get(target.path);
  if (!entry) {
    entry = { client: new StreamClient(target), refs: 0, timer: null };
    registry.set(target.path, entry);
  }
  return entry;
}

function acquire(target: StreamTarget): void {
  const entry = clientFor(target);
  if (entry.timer) {
    clearTimeout(entry.timer);
    entry.timer = null;
  }
  entry.refs++;
  entry.client.start();
}

function release(path: string): void {
  const entry = registry.get(path);
  if (!entry) return;
  entry.refs--;
  if (entry.refs > 0) return;
  entry.timer = setTimeout(() => {
    entry.client.stop();
    registry.delete(path);
  }, LINGER_MS);
}

export type UseStream = StreamSnapshot & {
  client: StreamClient;
  send: StreamClient["send"];
  interrupt: StreamClient["interrupt"];
  reconnect: () => void;
};

export function useStream(target: StreamTarget): UseStream {
  const client = clientFor(target).client;
  // The path identifies the stream; the latest target object is only used to create it.
  const targetRef = useRef(target);
  targetRef.current = target;
  const path = target.path;
  useEffect(() => {
    acquire(targetRef.current);
    return () => release(path);
  }, [path]);
  const snap = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  return useMemo(
    () => ({
      ...snap,
      client,
      send: (text: string, clientId?: string) => client.send(text, clientId),
      interrupt: () => client.interrupt(),
      reconnect: () => client.reconnectNow(),
    }),
    [snap, client],
  );
}
