// The demo brain driven like the app's loop drives it: each reply's tool calls get results, and the
// next step must follow from the conversation alone.
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { AGENT, answer, callsOf, next, ORCHESTRATOR, textOf } from "./brain-testing";
import { setup } from "./testing";

describe("simulator demo brain", () => {
  it("runs the orchestrator flow: create two agents, command them, wait, summarise", async () => {
    const { client } = setup();
    const ask = "Please research the history of tea and write a short report about it.";
    const messages: MessageParam[] = [{ role: "user", content: ask }];

    const create = await next(client, ORCHESTRATOR, messages);
    expect(create.stop_reason).toBe("tool_use");
    expect(callsOf(create).map((c) => c.name)).toEqual(["create_agent", "create_agent"]);
    expect(callsOf(create).map((c) => c.input)).toEqual([
      { name: "researcher", instructions: expect.stringContaining("history of tea") },
      { name: "writer", instructions: expect.stringContaining("history of tea") },
    ]);

    answer(messages, create, { create_agent: '{"ok":true}' });
    const command = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(command).map((c) => [c.name, (c.input as { name: string }).name])).toEqual([
      ["command_agent", "researcher"],
      ["command_agent", "writer"],
    ]);
    for (const c of callsOf(command)) expect((c.input as { task: string }).task).toContain("history of tea");

    answer(messages, command, { command_agent: "dispatched" });
    const wait = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(wait).map((c) => [c.name, c.input])).toEqual([
      ["wait_for_agents", { names: ["researcher", "writer"], timeoutSec: 600 }],
    ]);

    // Still running after a timeout: it waits again rather than summarising nothing.
    answer(messages, wait, {
      wait_for_agents: '{"timedOut":true,"agents":[{"name":"writer","status":"executing"}]}',
    });
    const again = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(again).map((c) => c.name)).toEqual(["wait_for_agents"]);

    const reports = {
      agents: [
        { name: "researcher", status: "complete", result: "Found that tea began in Yunnan." },
        { name: "writer", status: "complete", result: "Wrote notes/tea-history.md." },
      ],
    };
    answer(messages, again, { wait_for_agents: JSON.stringify(reports) });
    const summary = await next(client, ORCHESTRATOR, messages);
    expect(summary.stop_reason).toBe("end_turn");
    expect(callsOf(summary)).toEqual([]);
    expect(textOf(summary)).toContain("Found that tea began in Yunnan.");
    expect(textOf(summary)).toContain("Wrote notes/tea-history.md.");
  });

  it("reuses agents that already exist and acknowledges their reports instead of starting over", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [{ role: "user", content: "Research green tea and write it up." }];
    const create = await next(client, ORCHESTRATOR, messages);
    answer(messages, create, { create_agent: "created" });
    const command = await next(client, ORCHESTRATOR, messages);
    answer(messages, command, { command_agent: "dispatched" });
    messages.push({ role: "assistant", content: "They're on it." });

    messages.push({ role: "user", content: "Agent researcher reported: green tea is unoxidised." });
    const ack = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(ack)).toEqual([]);
    expect(textOf(ack)).toContain("researcher");

    messages.push({ role: "assistant", content: ack.content });
    messages.push({ role: "user", content: "Now research black tea and write a comparison." });
    const second = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(second).map((c) => c.name)).toEqual(["command_agent", "command_agent"]);
  });

  it("reports a failed tool call to the user instead of pressing on", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [{ role: "user", content: "Build a plan for the launch." }];
    const create = await next(client, ORCHESTRATOR, messages);
    answer(messages, create, { create_agent: "agent limit reached" }, true);
    const out = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(out)).toEqual([]);
    expect(textOf(out)).toContain("agent limit reached");
  });

  it("runs the agent flow: write a markdown file about the task, report, end the turn", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [{ role: "user", content: "Research the history of tea in China." }];

    const write = await next(client, AGENT, messages);
    const [call] = callsOf(write);
    expect(call?.name).toBe("write_file");
    const input = call?.input as { path: string; content: string };
    expect(input.path).toMatch(/^notes\/[a-z0-9-]+\.md$/);
    expect(input.path).toContain("tea");
    expect(input.content).toMatch(/^# /);
    expect(input.content.split("\n\n").length).toBeGreaterThanOrEqual(4);

    answer(messages, write, { write_file: "wrote 900 bytes" });
    const report = await next(client, AGENT, messages);
    expect(callsOf(report).map((c) => c.name)).toEqual(["report"]);
    const result = (callsOf(report)[0]?.input as { result: string } | undefined)?.result;
    expect(result).toContain(input.path);
    expect(result).not.toContain("\n");

    answer(messages, report, { report: "reported" });
    const done = await next(client, AGENT, messages);
    expect(done.stop_reason).toBe("end_turn");
    expect(callsOf(done)).toEqual([]);
  });

  it("just talks for chit-chat and for requests without tools", async () => {
    const { client } = setup();
    const hi = await next(client, ORCHESTRATOR, [{ role: "user", content: "hi" }]);
    expect(callsOf(hi)).toEqual([]);
    expect(textOf(hi)).toMatch(/^Hi!/);

    const plain = await next(client, [], [{ role: "user", content: "What is the capital of France?" }]);
    expect(plain.stop_reason).toBe("end_turn");
    // Short and honest: names the topic, says what it can do instead, no canned essay.
    expect(textOf(plain)).toMatch(/offline simulator.*capital, france/);
    expect(textOf(plain).length).toBeLessThan(300);
  });

  it("thinks first when thinking is enabled", async () => {
    const { client } = setup();
    const out = await next(
      client,
      ORCHESTRATOR,
      [{ role: "user", content: "Write a haiku about tea." }],
      true,
    );
    expect(out.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use", "tool_use"]);
  });
});
