// The demo brain follows the request: the team asked for, short answers to chat-only messages,
// changes that read and edit what the team wrote, and files shaped by what was asked.
import type { MessageParam, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { AGENT, answer, callsOf, next, ORCHESTRATOR, textOf } from "./brain-testing";
import { setup } from "./testing";

type Input = Record<string, string>;
const inputs = (calls: ToolUseBlock[]) => calls.map((c) => c.input as Input);

/** The agents the orchestrator creates for a request. */
async function teamFor(ask: string): Promise<string[]> {
  const { client } = setup();
  const out = await next(client, ORCHESTRATOR, [{ role: "user", content: ask }]);
  return callsOf(out)
    .filter((c) => c.name === "create_agent")
    .map((c) => (c.input as Input).name!);
}

/** A conversation where a researcher and a writer have finished and reported their files. */
async function finishedRun(): Promise<MessageParam[]> {
  const { client } = setup();
  const messages: MessageParam[] = [{ role: "user", content: "Research green tea and write a short guide." }];
  answer(messages, await next(client, ORCHESTRATOR, messages), { create_agent: "created" });
  answer(messages, await next(client, ORCHESTRATOR, messages), { command_agent: "dispatched" });
  const reports = {
    timedOut: false,
    agents: [
      {
        name: "researcher",
        status: "complete",
        result: "Wrote notes/green-tea-research.md — research notes.",
      },
      {
        name: "writer",
        status: "complete",
        result: "Wrote notes/green-tea-guide.md — a draft of the guide.",
      },
    ],
  };
  answer(messages, await next(client, ORCHESTRATOR, messages), { wait_for_agents: JSON.stringify(reports) });
  const summary = await next(client, ORCHESTRATOR, messages);
  messages.push({ role: "assistant", content: summary.content });
  return messages;
}

describe("demo brain: the team asked for", () => {
  it("makes as many agents as asked, with the roles named", async () => {
    expect(await teamFor("Use three agents to plan a product launch.")).toEqual([
      "researcher",
      "writer",
      "editor",
    ]);
    expect(await teamFor("Put a team of 4 on a guide to sourdough.")).toHaveLength(4);
    expect(await teamFor("Create a researcher, a designer and a fact-checker to plan a garden.")).toEqual([
      "researcher",
      "designer",
      "fact-checker",
    ]);
    expect(await teamFor("Create two agents: a translator and an editor, for a menu in French.")).toEqual([
      "translator",
      "editor",
    ]);
    expect(await teamFor("Use one agent to write a haiku about tea.")).toEqual(["researcher"]);
    // Nothing said: a researcher and a writer. A beginner or a user is not a role.
    expect(await teamFor("Write a beginner's guide for a user of espresso machines.")).toEqual([
      "researcher",
      "writer",
    ]);
  });

  it("commands and waits for every agent it made", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [
      { role: "user", content: "Use three agents to compare tea and coffee." },
    ];
    const create = await next(client, ORCHESTRATOR, messages);
    expect(textOf(create)).toContain("researcher, writer and editor");
    answer(messages, create, { create_agent: "created" });
    const command = await next(client, ORCHESTRATOR, messages);
    expect(textOf(command)).toBe("All three agents are ready; handing out the tasks.");
    expect(inputs(callsOf(command)).map((i) => i.name)).toEqual(["researcher", "writer", "editor"]);
    expect(inputs(callsOf(command))[2]!.task).toContain("Your part: review");
    answer(messages, command, { command_agent: "dispatched" });
    const wait = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(wait)[0]!.input).toEqual({ names: ["researcher", "writer", "editor"], timeoutSec: 600 });
  });
});

describe("demo brain: chat-only messages", () => {
  it("answers 'thanks, summarise' briefly from the reports, starting no run", async () => {
    const messages = await finishedRun();
    const { client } = setup();
    messages.push({ role: "user", content: "thanks, summarise" });
    const out = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(out)).toEqual([]);
    expect(out.stop_reason).toBe("end_turn");
    const text = textOf(out);
    expect(text).toMatch(/^You're welcome\. In short:/);
    expect(text).toContain("notes/green-tea-guide.md");
    expect(text.split("\n")).toHaveLength(3);
  });

  it("answers thanks in a line, and a question about the work from the reports", async () => {
    const messages = await finishedRun();
    const { client } = setup();
    const thanks = await next(client, ORCHESTRATOR, [...messages, { role: "user", content: "Thanks!" }]);
    expect(callsOf(thanks)).toEqual([]);
    expect(textOf(thanks)).toBe("You're welcome — tell me if you'd like anything changed.");
    const found = await next(client, ORCHESTRATOR, [
      ...messages,
      { role: "user", content: "What did they find?" },
    ]);
    expect(callsOf(found)).toEqual([]);
    expect(textOf(found)).toContain("**researcher**: Wrote notes/green-tea-research.md");
  });
});

describe("demo brain: follow-ups that change what the team wrote", () => {
  it("sends a change to the agent that wrote the file, which reads it, edits it and reports", async () => {
    const messages = await finishedRun();
    const { client } = setup();
    messages.push({ role: "user", content: "Add a section on brewing temperature to the guide." });
    const out = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(out).map((c) => c.name)).toEqual(["command_agent"]);
    const { name, task } = inputs(callsOf(out))[0]!;
    expect(name).toBe("writer");
    expect(task).toContain("The file to change: notes/green-tea-guide.md");
    expect(textOf(out)).toBe("I'll ask writer to update notes/green-tea-guide.md.");

    // The writer, given that task: read, then write the same file with the rest kept, then report.
    const original = "# Green tea guide\n\n## Steeping\n\nTwo minutes.\n";
    const agent: MessageParam[] = [{ role: "user", content: task! }];
    const read = await next(client, AGENT, agent);
    expect(callsOf(read).map((c) => [c.name, c.input])).toEqual([
      ["read_file", { path: "notes/green-tea-guide.md" }],
    ]);
    answer(agent, read, { read_file: original });
    const write = await next(client, AGENT, agent);
    const [call] = callsOf(write);
    expect(call?.name).toBe("write_file");
    const written = call!.input as Input;
    expect(written.path).toBe("notes/green-tea-guide.md");
    expect(written.content).toContain("## Steeping\n\nTwo minutes.");
    expect(written.content).toContain("## Brewing temperature");
    answer(agent, write, { write_file: "wrote" });
    const report = await next(client, AGENT, agent);
    expect((callsOf(report)[0]!.input as Input).result).toBe(
      'Updated notes/green-tea-guide.md: added a section "Brewing temperature".',
    );
  });

  it("shortens a file when asked, keeping its title and first section", async () => {
    const { client } = setup();
    const task =
      "Make notes/a.md shorter.\n\nThe file to change: notes/a.md. Read it first, change what was asked.";
    const agent: MessageParam[] = [{ role: "user", content: task }];
    answer(agent, await next(client, AGENT, agent), {
      read_file: "# A\n\n## One\n\nFirst.\n\n## Two\n\nSecond.\n\n## Three\n\nThird.\n",
    });
    const content = (callsOf(await next(client, AGENT, agent))[0]!.input as Input).content!;
    expect(content).toContain("## One\n\nFirst.");
    expect(content).not.toContain("Second.");
  });

  it("gives new work to the team that exists instead of making another", async () => {
    const messages = await finishedRun();
    const { client } = setup();
    messages.push({ role: "user", content: "Now research matcha and write a comparison with sencha." });
    const out = await next(client, ORCHESTRATOR, messages);
    expect(callsOf(out).map((c) => [c.name, (c.input as Input).name])).toEqual([
      ["command_agent", "researcher"],
      ["command_agent", "writer"],
    ]);
  });
});

describe("demo brain: files shaped by the request, not boilerplate", () => {
  async function drafted(task: string): Promise<string> {
    const { client } = setup();
    const out = await next(client, AGENT, [{ role: "user", content: task }]);
    return (callsOf(out).find((c) => c.name === "write_file")!.input as Input).content!;
  }
  const part = (request: string, role: string) => `${request}\n\nYour part: ${role}`;

  it("writes the number of items asked for, a comparison as a table, a plan as steps", async () => {
    const ideas = await drafted(part("Give me 5 ideas for naming a tea shop.", "write the deliverable"));
    expect(ideas.match(/^\d+\. /gm)).toHaveLength(5);
    const versus = await drafted(part("Compare green tea and black tea.", "write the deliverable"));
    expect(versus).toMatch(/^\| \| Green tea \| Black tea \|$/m);
    const plan = await drafted(part("Plan a tea tasting evening.", "write the deliverable"));
    expect(plan).toContain("## Steps");
  });

  it("writes research questions and review checklists for those parts, short and from the request", async () => {
    const research = await drafted(part("Research the history of oolong.", "research this"));
    expect(research).toMatch(/^# Research notes: The history of oolong/);
    expect(research).toContain("- What is the history of oolong, and why does it matter here?");
    const review = await drafted(part("Research the history of oolong.", "review what the team writes"));
    expect(review).toMatch(/^# Review: /);
    expect(review).toContain("- [ ] Covers **oolong**");
    for (const text of [research, review]) {
      expect(text.length).toBeLessThan(900);
      expect(text).not.toMatch(/pick it up without re-reading|most of the useful material/);
      expect(text).toContain("offline simulator");
    }
  });
});
