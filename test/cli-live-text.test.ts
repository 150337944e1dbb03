// `baton send` and the live text overlay (DESIGN §11): the client follows SSE with `event: delta`
// messages, prints every character of the answer once whichever source brings it first, and says
// so when a restart cut off text it had already printed (a terminal can't take it back).
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { main } from "../bin/cli";
import { BatonClient } from "../bin/client";
import { TextOut } from "../bin/text-out";
import type { DeltaFrame, StreamEvent } from "../schema/events";
import { crashObject, wakeByAlarm } from "./drills/kit";
import { BASE, createOrchestrator, makeUser, sim, type TestUser } from "./helpers";

const prose = (n: number) => "A terminal prints each character exactly once. ".repeat(n);

async function baton(user: TestUser, ...argv: string[]) {
  const out: string[] = [];
  const code = await main(
    argv,
    { BATON_URL: BASE, BATON_TOKEN: user.token },
    {
      out: (s) => out.push(s),
      err: () => {},
      stdin: async () => "",
      fetch: (input, init) => SELF.fetch(input, init),
    },
  );
  return { code, out: out.join("") };
}

describe("TextOut", () => {
  it("prints each character once from live frames and logged events, in any interleaving", () => {
    const full = "Hello, live world!";
    for (let lag = 0; lag < 4; lag++) {
      let printed = "";
      const out = new TextOut((s) => {
        printed += s;
      });
      const live: [number, string][] = [
        [0, "Hello"],
        [5, ", li"],
        [9, "ve w"],
        [13, "orld!"],
      ];
      const logged: [number, string][] = [
        [0, "Hello, li"],
        [9, "ve world!"],
      ];
      let next = 0;
      live.forEach(([offset, text], i) => {
        out.take("m1", 0, text, offset, false);
        const behind = live[i - lag];
        const sent = behind ? behind[0] + behind[1].length : 0;
        while (next < logged.length && logged[next]![0] + logged[next]![1].length <= sent) {
          const [o, t] = logged[next++]!;
          out.take("m1", 0, t, o, true);
        }
      });
      for (; next < logged.length; next++) out.take("m1", 0, logged[next]![1], logged[next]![0], true);
      expect(printed).toBe(full);
      expect(out.end("m1")).toBe(0);
    }
  });

  it("counts what was printed but never logged; a logged event without an offset follows on", () => {
    let printed = "";
    const out = new TextOut((s) => {
      printed += s;
    });
    out.take("m1", 0, "Kept", undefined, true);
    out.take("m1", 0, " and more", undefined, true);
    out.take("m1", 0, " but cut", 13, false);
    expect(printed).toBe("Kept and more but cut");
    expect(out.end("m1")).toBe(8);
  });
});

describe("baton send with live text", () => {
  it("follows delta messages and prints the answer once", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const client = new BatonClient(BASE, user.token, (input, init) => SELF.fetch(input, init));
    const frames: DeltaFrame[] = [];
    const events: StreamEvent[] = [];
    await client.sendAndFollow(id, sim([{ text: prose(40) }]), {
      onEvent: (ev, ours) => ours && events.push(ev),
      onDelta: (f, ours) => ours && frames.push(f),
    });
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.map((f) => f.text).join("")).toBe(prose(40));
    const logged = events.filter((e) => e.type === "text.delta");
    expect(logged.length).toBeLessThan(frames.length);

    const { code, out } = await baton(user, "send", id, sim([{ text: prose(30) }]));
    expect(code).toBe(0);
    expect(out.split(prose(30))).toHaveLength(2);
    expect(out).not.toContain(`${prose(30)}${prose(1)}`);
  });

  it("names the text a crash cut off, and the answer goes on below", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const client = new BatonClient(BASE, user.token, (input, init) => SELF.fetch(input, init));
    let printed = "";
    let crashed = false;
    const out = new TextOut((s) => {
      printed += s;
    });
    let cut = 0;
    const follow = client.sendAndFollow(id, sim([{ fault: "stall", times: 1 }, { text: prose(10) }]), {
      onEvent: (ev, ours) => {
        if (!ours) return;
        if (ev.type === "text.delta") out.take(ev.messageId, ev.index, ev.text, ev.offset, true);
        if (ev.type === "message.completed") cut += out.end(ev.messageId);
      },
      onDelta: (f, ours) => {
        if (!ours) return;
        out.take(f.messageId, f.index, f.text, f.offset, false);
        if (crashed) return;
        crashed = true;
        // Text on the terminal that the log doesn't have yet (LIVE_TEXT_FLUSH_MS=1000 in tests).
        void crashObject(env.ORCHESTRATOR.getByName(id)).then(() =>
          wakeByAlarm(() => env.ORCHESTRATOR.getByName(id)),
        );
      },
    });
    const { end } = await follow;
    expect(end?.type).toBe("run.completed");
    expect(cut).toBeGreaterThan(0);
    expect(printed.endsWith(prose(10))).toBe(true);
  });
});
