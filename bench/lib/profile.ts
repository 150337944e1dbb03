// A CPU profile of the Worker and its objects while a benchmark phase runs, through workerd's
// inspector (start the server with BENCH_INSPECTOR_PORT set). Summarised as self time per function
// and per source file, so "where does the time go" has an answer without opening DevTools.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type Profile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
};

export type ProfileSummary = {
  sampledMs: number;
  byFunction: { fn: string; selfPct: number }[];
  byFile: { file: string; selfPct: number }[];
};

async function target(port: number): Promise<string> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
    webSocketDebuggerUrl: string;
    title?: string;
  }[];
  // wrangler's own proxy worker is listed too; the app is the one named after the script.
  const t = list.find((x) => x.title?.includes("baton")) ?? list[0];
  if (!t) throw new Error("no inspector target");
  return t.webSocketDebuggerUrl;
}

/**
 * Starts profiling; the returned function stops and summarises. With BENCH_PROFILE_DIR set, the raw
 * profile is also written there as `<name>.cpuprofile` (opens in Chrome DevTools).
 */
export async function startProfile(port: number, name = "profile"): Promise<() => Promise<ProfileSummary>> {
  // The inspector proxy refuses upgrades without a local (or DevTools) Origin.
  const ws = new WebSocket(await target(port), {
    headers: { Origin: `http://127.0.0.1:${port}` },
  } as unknown as string[]);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("inspector connection failed"));
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  return async () => {
    const { profile } = (await send("Profiler.stop")) as { profile: Profile };
    ws.close();
    const dir = process.env.BENCH_PROFILE_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    }
    return summarise(profile);
  };
}

function summarise(p: Profile): ProfileSummary {
  const self = new Map<number, number>();
  const deltas = p.timeDeltas ?? [];
  for (const [i, nodeId] of (p.samples ?? []).entries()) {
    self.set(nodeId, (self.get(nodeId) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    const file = n.callFrame.url.split("/").slice(-1)[0] || "(native)";
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${file}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return {
    sampledMs: Math.round((p.endTime - p.startTime) / 1000),
    byFunction: top(byFn, 25).map(([fn, us]) => ({ fn, selfPct: Math.round((us / total) * 1000) / 10 })),
    byFile: top(byFile, 10).map(([file, us]) => ({ file, selfPct: Math.round((us / total) * 1000) / 10 })),
  };
}
