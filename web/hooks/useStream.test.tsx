import { act, cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeStream } from "../lib/fixtures";
import { orchestratorTarget, resetStreams, useStream } from "./useStream";

class FakeWS {
  static all: FakeWS[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeWS.all.push(this);
  }
  send(d: string) {
    this.sent.push(d);
  }
  close() {
    this.readyState = 3;
  }
}

afterEach(() => {
  cleanup();
  resetStreams();
  vi.unstubAllGlobals();
  FakeWS.all = [];
});

function Probe({ id, onSnap }: { id: string; onSnap: (n: number, c: string) => void }) {
  const s = useStream(orchestratorTarget(id));
  onSnap(s.log.events.length, s.connection);
  return null;
}

describe("useStream", () => {
  it("shares one socket per stream between components and renders its events", async () => {
    vi.stubGlobal("WebSocket", FakeWS);
    const seen: Array<[number, string]> = [];
    const onSnap = (n: number, c: string) => seen.push([n, c]);
    render(
      <>
        <Probe id="o1" onSnap={onSnap} />
        <Probe id="o1" onSnap={onSnap} />
      </>,
    );
    expect(FakeWS.all).toHaveLength(1);
    const ws = FakeWS.all[0]!;
    expect(ws.url).toMatch(/\/api\/orchestrators\/o1\/ws$/);
    await act(async () => {
      ws.readyState = 1;
      ws.onopen?.();
      ws.onmessage?.({
        data: JSON.stringify({
          type: "ready",
          lastSeq: 1,
          state: { stream: "orchestrator:o1" },
        }),
      });
      const ev = makeStream();
      ws.onmessage?.({
        data: JSON.stringify({
          type: "event",
          event: ev({ type: "run.started", runId: "r", trigger: "user" }),
        }),
      });
      await new Promise((r) => setTimeout(r, 40));
    });
    expect(JSON.parse(ws.sent[0]!)).toEqual({ type: "resume", after: 0, deltas: true });
    expect(seen[seen.length - 1]).toEqual([1, "live"]);
  });
});
