// The `baton` command line (bin/README.md): orchestrators, send-and-follow, approvals, events, usage.
// Exit codes: 0 ok · 1 the run failed or was interrupted, or the API refused · 2 bad usage.
import { randomUUID } from "node:crypto";
import type { DeltaFrame, StreamEvent, Usage } from "../schema/events.ts";
import { USAGE_FIELDS } from "../schema/money.ts";
import { ArgsError, parseArgs } from "./args.ts";
import { BatonClient, BatonError, streamPathOf } from "./client.ts";
import { approvalRows, formatEvent, runSummary, table, usd } from "./format.ts";
import { TextOut } from "./text-out.ts";

/**
 * `out` writes as is (deltas stream mid-line); `err` writes a whole line. `fetch` replaces the
 * global one (tests pass the Worker's own).
 */
export type Io = {
  out: (s: string) => void;
  err: (s: string) => void;
  stdin: () => Promise<string>;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
};

const HELP = `baton — the Baton API from the command line

  baton orchestrators [list] [--json]
  baton orchestrators create <name> [--model M] [--budget USD] [--system TEXT]
  baton send <orchestratorId> <text…|->      send, then follow the run to its end ("-" reads stdin);
                                             a call waiting for approval prints how to answer it
  baton approvals <orchestratorId> [--json]  the tool calls waiting for your decision
  baton approve <orchestratorId> <approvalId> [--note TEXT]
  baton deny <orchestratorId> <approvalId> [--note TEXT]
  baton agents <orchestratorId> [--json]     the orchestrator's agents: status, task, tokens, cost
  baton interrupt <orchestratorId> [--agents] [--json]
                                             stop the running turn (--agents: Stop all)
  baton files ls <orchestratorId> [--json]
  baton files get <orchestratorId> <path>    the file's text on stdout
  baton files put <orchestratorId> <path> [<file>|-]   upload a file (a local file, or stdin)
  baton files rm <orchestratorId> <path>
  baton events <orchestratorId> [--after N] [--agent AGENT_ID]
  baton usage [--group-by day|model|orchestrator] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
  baton templates [--json]                  your agent templates

Environment: BATON_URL (default http://localhost:8787), BATON_TOKEN (an API token, bat_…).
Exit codes: 0 ok · 1 run failed/interrupted or API error · 2 usage error.`;

class UsageError extends Error {}

const GROUPS = ["day", "model", "orchestrator"] as const;
type Group = (typeof GROUPS)[number];
const isGroup = (s: string): s is Group => (GROUPS as readonly string[]).includes(s);

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number ≥ 0`);
  return n;
}

async function orchestrators(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      model: { type: "string" },
      budget: { type: "string" },
      system: { type: "string" },
    },
  });
  const [sub, ...rest] = positionals;
  if (sub === undefined || sub === "list" || sub === "ls") {
    const list = await client.listOrchestrators();
    if (values.json) io.out(`${JSON.stringify(list, null, 2)}\n`);
    else if (!list.length) io.err("No orchestrators yet: baton orchestrators create <name>");
    else {
      const rows = list.map((o) => [
        o.id,
        o.name,
        o.model + (o.simulated ? " (sim)" : ""),
        o.status,
        usd(o.totals.costUsd),
      ]);
      io.out(`${table(["id", "name", "model", "status", "cost"], rows)}\n`);
    }
    return 0;
  }
  if (sub === "create") {
    const name = rest.join(" ").trim();
    if (!name) throw new UsageError("orchestrators create needs a name");
    const budget = values.budget === undefined ? undefined : Number(values.budget);
    if (budget !== undefined && !(budget > 0))
      throw new UsageError("--budget must be a positive number of USD");
    const o = await client.createOrchestrator({
      name,
      ...(values.model ? { model: values.model } : {}),
      ...(values.system ? { systemPrompt: values.system } : {}),
      ...(budget !== undefined ? { budgetUsd: budget } : {}),
    });
    // The id alone on stdout, so ID=$(baton orchestrators create …) works.
    io.out(`${values.json ? JSON.stringify(o, null, 2) : o.id}\n`);
    io.err(`Created ${o.name} (${o.model}${o.simulated ? ", simulated" : ""}).`);
    return 0;
  }
  throw new UsageError("orchestrators: list | create <name>");
}

/** Sends, then prints the run as it streams: text as it arrives, one line per tool call or agent change. */
async function send(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" } },
  });
  const [id, ...words] = positionals;
  if (!id || !words.length)
    throw new UsageError("send needs an orchestrator id and the text (or - for stdin)");
  const message = words.length === 1 && words[0] === "-" ? await io.stdin() : words.join(" ");
  const names = new Map((await client.agents(id)).map((a) => [a.id, a.name]));
  let midLine = false;
  const line = (s: string) => {
    io.out(`${midLine ? "\n" : ""}${s}\n`);
    midLine = false;
  };
  const text = new TextOut((s) => {
    io.out(s);
    midLine = !s.endsWith("\n");
  });
  const print = (ev: StreamEvent, ours: boolean) => {
    if (ev.type === "agent.created") names.set(ev.agent.id, ev.agent.name);
    if (ev.type === "approval.requested") names.set(ev.approvalId, ev.name);
    if (values.json) return io.out(`${JSON.stringify(ev)}\n`);
    if (!ours) return;
    if (ev.type === "text.delta") return text.take(ev.messageId, ev.index, ev.text, ev.offset, true);
    if (ev.type === "message.completed") {
      const cut = text.end(ev.messageId);
      if (cut) line(`[the last ${cut} characters above were cut off by a restart; the answer goes on below]`);
    }
    const shown = formatEvent(ev, names, id);
    if (shown) line(shown);
  };
  // Live text ahead of the log; --json prints logged events only, so it asks for none.
  const live = (frame: DeltaFrame, ours: boolean) => {
    if (ours && frame.kind === "text")
      text.take(frame.messageId, frame.index, frame.text, frame.offset, false);
  };

  const stop = new AbortController();
  const onInt = () => stop.abort();
  process.once("SIGINT", onInt);
  try {
    const { sent, end } = await client.sendAndFollow(id, message, {
      clientId: `cli-${randomUUID()}`,
      signal: stop.signal,
      onEvent: print,
      ...(values.json ? {} : { onDelta: live }),
    });
    if (!end) {
      io.err(`\nStopped following; message ${sent.messageId} goes on (see it with baton events).`);
      return 130;
    }
    if (!values.json) line(runSummary(end));
    return end.type === "run.completed" ? 0 : 1;
  } finally {
    process.off("SIGINT", onInt);
  }
}

async function approvals(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" } },
  });
  const [id] = positionals;
  if (!id) throw new UsageError("approvals needs an orchestrator id");
  const list = await client.approvals(id);
  if (values.json) {
    io.out(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  if (!list.length) {
    io.err("No approvals waiting.");
    return 0;
  }
  const names = new Map((await client.agents(id)).map((a) => [a.id, a.name]));
  io.out(
    `${table(["id", "tool", "agent", "asked", "denied automatically", "input"], approvalRows(list, names))}\n`,
  );
  return 0;
}

/** `baton approve|deny <orchestratorId> <approvalId> [--note TEXT]`. */
async function decide(
  client: BatonClient,
  decision: "approve" | "deny",
  args: string[],
  io: Io,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { note: { type: "string" }, json: { type: "boolean" } },
  });
  const [id, approvalId] = positionals;
  if (!id || !approvalId) throw new UsageError(`${decision} needs an orchestrator id and an approval id`);
  const a = await client.decide(id, approvalId, decision, values.note);
  if (values.json) io.out(`${JSON.stringify(a, null, 2)}\n`);
  else io.out(`${a.status === "approved" ? "Approved" : "Denied"} ${a.name} (${a.approvalId}).\n`);
  return 0;
}

async function events(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { after: { type: "string" }, agent: { type: "string" } },
  });
  const [id] = positionals;
  if (!id) throw new UsageError("events needs an orchestrator id");
  const after = integer("after", values.after, 0);
  // One JSON event per line: made for jq and grep.
  for await (const ev of client.allEvents(streamPathOf(id, values.agent), after))
    io.out(`${JSON.stringify(ev)}\n`);
  return 0;
}

async function usage(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "group-by": { type: "string", default: "day" },
      from: { type: "string" },
      to: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const groupBy = values["group-by"];
  if (!isGroup(groupBy)) throw new UsageError("--group-by must be day, model or orchestrator");
  const r = await client.usage({ groupBy, from: values.from, to: values.to });
  if (values.json) {
    io.out(`${JSON.stringify(r, null, 2)}\n`);
    return 0;
  }
  const n = (x: number) => x.toLocaleString("en-US");
  const counts = (x: Usage) => USAGE_FIELDS.map((f) => n(x[f.key]));
  const rows = r.rows.map((x) => [
    x.label ? `${x.label} (${x.key})` : x.key,
    n(x.calls),
    ...counts(x),
    usd(x.costUsd),
  ]);
  rows.push(["total", "", ...counts(r.totals), usd(r.totals.costUsd)]);
  io.out(`${table([groupBy, "calls", ...USAGE_FIELDS.map((f) => f.label), "cost"], rows)}\n`);
  return 0;
}

async function templates(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean" } } });
  const list = await client.templates();
  if (values.json) io.out(`${JSON.stringify(list, null, 2)}\n`);
  else if (!list.length)
    io.err("No agent templates yet: create them in Settings or with POST /api/templates.");
  else {
    const rows = list.map((t) => [
      t.name,
      t.model ?? "default",
      t.tools?.join(",") ?? "all",
      t.description ?? "",
    ]);
    io.out(`${table(["name", "model", "tools", "description"], rows)}\n`);
  }
  return 0;
}

const COMMANDS = [
  "orchestrators",
  "orch",
  "send",
  "approvals",
  "approve",
  "deny",
  "events",
  "usage",
  "templates",
  "agents",
  "interrupt",
  "files",
];

/** Edit distance, to suggest the command a typo meant. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Names the unknown command and the nearest known one. */
function unknownCommand(command: string): string {
  const near = COMMANDS.filter((c) => c !== "orch").find((c) => distance(command, c) <= 2);
  return `Unknown command ${JSON.stringify(command)}.${near ? ` Did you mean "${near}"?` : ""} Commands: ${COMMANDS.filter((c) => c !== "orch").join(", ")}.`;
}

async function agents(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: "boolean" } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError("usage: baton agents <orchestratorId> [--json]");
  const list = await client.agents(id);
  if (values.json) io.out(`${JSON.stringify(list, null, 2)}\n`);
  else if (!list.length) io.err("No agents yet.");
  else {
    const rows = list.map((a) => [
      a.name,
      a.status,
      a.model,
      (a.task ?? "").split("\n")[0]!.slice(0, 60),
      (
        a.totals.inputTokens +
        a.totals.outputTokens +
        a.totals.cacheReadTokens +
        a.totals.cacheWriteTokens
      ).toLocaleString("en-US"),
      usd(a.totals.costUsd),
    ]);
    io.out(`${table(["name", "status", "model", "task", "tokens", "cost"], rows)}\n`);
  }
  return 0;
}

async function interrupt(client: BatonClient, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { agents: { type: "boolean" }, json: { type: "boolean" } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1)
    throw new UsageError("usage: baton interrupt <orchestratorId> [--agents]");
  const r = await client.interrupt(id, values.agents ?? false);
  if (values.json) io.out(`${JSON.stringify(r)}\n`);
  else
    io.out(
      `${r.run ? "stopped the running turn" : "no turn was running"}${values.agents ? `; interrupted ${r.agents} agent${r.agents === 1 ? "" : "s"}` : ""}\n`,
    );
  return 0;
}

async function files(client: BatonClient, args: string[], io: Io): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { json: { type: "boolean" } },
  });
  const [id, path, source] = positionals;
  const need = (ok: boolean, usage: string) => {
    if (!ok) throw new UsageError(`usage: baton files ${usage}`);
  };
  switch (verb) {
    case "ls": {
      need(!!id && positionals.length === 1, "ls <orchestratorId> [--json]");
      const list = await client.files(id!);
      if (values.json) io.out(`${JSON.stringify(list, null, 2)}\n`);
      else if (!list.length) io.err("The workspace is empty.");
      else
        io.out(
          `${table(
            ["path", "bytes", "version", "by"],
            list.map((f) => [f.path, String(f.size), String(f.version), f.updatedBy]),
          )}\n`,
        );
      return 0;
    }
    case "get":
      need(!!id && !!path && positionals.length === 2, "get <orchestratorId> <path>");
      io.out(await client.readFile(id!, path!));
      return 0;
    case "put": {
      need(!!id && !!path && positionals.length <= 3, "put <orchestratorId> <path> [<file>|-]");
      const content =
        source && source !== "-" ? (await import("node:fs/promises")).readFile(source, "utf8") : io.stdin();
      const info = await client.writeFile(id!, path!, await content);
      if (values.json) io.out(`${JSON.stringify(info)}\n`);
      else io.err(`wrote ${info.path} (${info.size} bytes, version ${info.version})`);
      return 0;
    }
    case "rm":
      need(!!id && !!path && positionals.length === 2, "rm <orchestratorId> <path>");
      await client.deleteFile(id!, path!);
      if (values.json) io.out(`${JSON.stringify({ deleted: path })}\n`);
      else io.err(`deleted ${path}`);
      return 0;
    default:
      throw new UsageError(
        `baton files takes ls, get, put or rm${verb ? `, not ${JSON.stringify(verb)}` : ""}.`,
      );
  }
}

export async function main(argv: string[], env: Record<string, string | undefined>, io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.out(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const token = env.BATON_TOKEN;
  try {
    if (!COMMANDS.includes(command)) throw new UsageError(unknownCommand(command));
    if (!token) throw new UsageError("Set BATON_TOKEN to an API token (Settings → API tokens in the app).");
    const client = new BatonClient(env.BATON_URL || "http://localhost:8787", token, io.fetch);
    switch (command) {
      case "orchestrators":
      case "orch":
        return await orchestrators(client, args, io);
      case "send":
        return await send(client, args, io);
      case "approvals":
        return await approvals(client, args, io);
      case "approve":
      case "deny":
        return await decide(client, command, args, io);
      case "events":
        return await events(client, args, io);
      case "usage":
        return await usage(client, args, io);
      case "templates":
        return await templates(client, args, io);
      case "agents":
        return await agents(client, args, io);
      case "interrupt":
        return await interrupt(client, args, io);
      case "files":
        return await files(client, args, io);
      default:
        throw new UsageError(unknownCommand(command));
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ArgsError) {
      io.err(`${err.message}\n\n${HELP}`);
      return 2;
    }
    if (err instanceof BatonError) {
      io.err(`baton: ${err.message}${err.status ? ` (${err.status} ${err.code})` : ""}`);
      return 1;
    }
    throw err;
  }
}
