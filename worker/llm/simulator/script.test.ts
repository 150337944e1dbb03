// Which script rules and which element answers: latest scripted user turn, k counted over
// assistant responses (tool-result turns don't reset it), nested agent scripts, bad scripts.
import type Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { extractScript } from "./index";
import { MODEL, scripted, setup } from "./testing";

type Client = Anthropic;

const textOf = (m: Message) => m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");

/** The tools these scripts call: a script may only call tools the request declares. */
const TOOLS = ["read_file", "command_agent", "report"].map((name) => ({
  name,
  input_schema: { type: "object" as const },
}));

async function reply(client: Client, messages: MessageParam[]): Promise<Message> {
  return client.messages.stream({ model: MODEL, max_tokens: 1000, tools: TOOLS, messages }).finalMessage();
}

/** The assistant's message plus a user turn with a result for each of its tool calls. */
function answered(message: Message, result = "ok"): MessageParam[] {
  const results = message.content.flatMap((b) =>
    b.type === "tool_use" ? [{ type: "tool_result" as const, tool_use_id: b.id, content: result }] : [],
  );
  return [
    { role: "assistant", content: message.content },
    { role: "user", content: results },
  ];
}

describe("simulator scripts", () => {
  it("uses the script of the latest user turn that has one", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [
      { role: "user", content: scripted([{ text: "A1" }, { text: "A2" }]) },
      { role: "assistant", content: "A1" },
      { role: "user", content: scripted([{ text: "B1" }, { text: "B2" }]) },
    ];
    const b1 = await reply(client, messages);
    expect(textOf(b1)).toBe("B1");

    // A later user turn without a script doesn't reset anything: B's script continues at k = 1.
    messages.push({ role: "assistant", content: "B1" }, { role: "user", content: "and then?" });
    expect(textOf(await reply(client, messages))).toBe("B2");

    messages.push({ role: "assistant", content: "B2" }, { role: "user", content: "more?" });
    const out = await reply(client, messages);
    expect(textOf(out)).toMatch(/^\(simulator\) The script has no step 3/);
    expect(out.stop_reason).toBe("end_turn");
  });

  it("counts k across tool-result turns, and a fault spoils only the response after it", async () => {
    const { client } = setup();
    const messages: MessageParam[] = [
      {
        role: "user",
        content: scripted([
          { tools: [{ name: "read_file", input: { path: "a.md" } }] },
          { fault: "overloaded" },
          { text: "Reading b too.", tools: [{ name: "read_file", input: { path: "b.md" } }] },
          { text: "Both read." },
        ]),
      },
    ];
    const first = await reply(client, messages);
    expect(first.content).toMatchObject([{ type: "tool_use", name: "read_file", input: { path: "a.md" } }]);

    messages.push(...answered(first));
    await expect(reply(client, messages)).rejects.toMatchObject({ status: 529 });
    const second = await reply(client, messages);
    expect(second.content).toMatchObject([
      { type: "text", text: "Reading b too." },
      { type: "tool_use", input: { path: "b.md" } },
    ]);

    messages.push(...answered(second));
    expect(textOf(await reply(client, messages))).toBe("Both read.");
  });

  it("lets an orchestrator's script hand an agent its own script inside the task string", async () => {
    const { client } = setup();
    const agentScript = scripted(
      [{ tools: [{ name: "report", input: { result: "agent done" } }] }],
      "Do the thing.",
    );
    const orchestrator = await reply(client, [
      {
        role: "user",
        content: scripted([{ tools: [{ name: "command_agent", input: { name: "r", task: agentScript } }] }]),
      },
    ]);
    const call = orchestrator.content[0];
    if (call?.type !== "tool_use") throw new Error("expected command_agent");
    expect(call.input).toEqual({ name: "r", task: agentScript });

    const agent = await reply(client, [
      { role: "user", content: String((call.input as { task: string }).task) },
    ]);
    expect(agent.content).toMatchObject([
      { type: "tool_use", name: "report", input: { result: "agent done" } },
    ]);
  });

  it.each([
    ["invalid JSON", "```sim\n[{text:'x'}]\n```", /not valid JSON/],
    ["an unknown element", '```sim\n[{"say":"x"}]\n```', /element 0/],
    ["an unknown fault", '```sim\n[{"fault":"meteor"}]\n```', /element 0/],
    ["no closing fence", '```sim\n[{"text":"x"}]', /no closing/],
  ])("answers a script with %s in text, not with an HTTP error", async (_name, content, why) => {
    const { client } = setup();
    const out = await reply(client, [{ role: "user", content }]);
    expect(out.stop_reason).toBe("end_turn");
    expect(textOf(out)).toMatch(/^\(simulator\) I couldn't run the sim script/);
    expect(textOf(out)).toMatch(why);
  });

  it("only recognises fences that are lines of their own, and reads multi-line arrays", () => {
    expect(extractScript("inline ```sim [] ``` is not a script")).toEqual({ kind: "none" });
    expect(extractScript('Intro\r\n```sim\r\n[\r\n  {"text": "x"}\r\n]\r\n```\r\nOutro')).toEqual({
      kind: "found",
      json: '[\n  {"text": "x"}\n]',
    });
  });

  it("reads a script from text blocks, and ignores scripts inside tool results", async () => {
    const { client } = setup();
    const out = await reply(client, [
      { role: "user", content: [{ type: "text", text: scripted([{ text: "from a block" }]) }] },
    ]);
    expect(textOf(out)).toBe("from a block");

    const messages: MessageParam[] = [
      {
        role: "user",
        content: scripted([{ tools: [{ name: "read_file", input: { path: "x" } }] }, { text: "done" }]),
      },
    ];
    const call = await reply(client, messages);
    messages.push(...answered(call, scripted([{ text: "hijacked by a file" }], "file contents:")));
    expect(textOf(await reply(client, messages))).toBe("done");
  });
});
