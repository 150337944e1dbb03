// Sim scripts: a user message may carry a fenced JSON array that dictates the assistant's next
// responses, including injected faults. The script of the latest user turn that has one rules;
// element k is the k-th assistant response after that turn (tool-result turns don't reset k).
//
//   ```sim
//   [{"fault":"overloaded","times":2},{"text":"hi"}]
//   ```
//
// Faults don't count as responses: each spoils the attempts at the response that follows it.
//
// Elements: {"text"}, {"thinking","text"} (thinking only when the request enables it),
// {"tools":[{"name","input"}],"text"?}, or a fault. A tool named web_search, web_fetch or
// code_execution (or bash_code_execution / text_editor_code_execution) is a server tool: it runs
// inside the response, if the request declares it (else the request fails with a 400, as the real
// API's does), with simulated results the text then cites. `"pause": true` stops the response with
// pause_turn after its server tools; the request that sends that content back (as the last,
// assistant message) gets the element's text and client tools — one element, two calls:
//
//   [{"tools":[{"name":"web_search","input":{"query":"bicycle history"}}],"pause":true,"text":"Found it."}]
import { z } from "zod";
import { asRecord, type Reply, responsesAfter, textOf } from "./conversation";
import { RollingHash } from "./hash";
import { blocksOf, type SimRequest } from "./request";

export const FAULT_KINDS = [
  "overloaded",
  "rate_limit",
  "server_error",
  "stream_error",
  "disconnect",
  "stall",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const faultElement = z.strictObject({
  fault: z.enum(FAULT_KINDS),
  times: z.number().int().min(1).max(100).default(1),
  /** Seconds the 429 or 529 tells the caller to wait (`retry-after`); 1 by default. */
  retryAfter: z.number().min(0).max(60).optional(),
});

/** One failing attempt: its kind, and for 429/529 the retry-after it announces (seconds). */
export type Fault = { kind: FaultKind; retryAfter: number };

const replyElement = z
  .strictObject({
    thinking: z.string().optional(),
    text: z.string().optional(),
    tools: z
      .array(
        z.strictObject({ name: z.string().min(1), input: z.record(z.string(), z.unknown()).default({}) }),
      )
      .optional(),
    pause: z.boolean().optional(),
  })
  .refine((e) => e.thinking !== undefined || e.text !== undefined || (e.tools?.length ?? 0) > 0, {
    message: "an element needs text, thinking, tools or fault",
  });

const scriptSchema = z.array(z.union([faultElement, replyElement]));

/** What the script says about the response being requested now. */
export type ScriptStep =
  | { kind: "none" }
  | { kind: "invalid"; error: string }
  | {
      kind: "step";
      /** Identifies this request (model, system, tools, messages) for fault counting. */
      key: string;
      k: number;
      /** The fault for each failing attempt, in order; attempt faults.length + 1 succeeds. */
      faults: Fault[];
      /** null when the script has run out. */
      reply: Reply | null;
    };

type Fenced = { kind: "none" } | { kind: "found"; json: string } | { kind: "unterminated" };

/** Finds the first ```sim … ``` block whose fences are lines of their own. */
export function extractScript(text: string): Fenced {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trimEnd() === "```sim");
  if (start < 0) return { kind: "none" };
  const end = lines.findIndex((l, i) => i > start && l.trimEnd() === "```");
  if (end < 0) return { kind: "unterminated" };
  return { kind: "found", json: lines.slice(start + 1, end).join("\n") };
}

export function scriptStep(request: SimRequest): ScriptStep {
  const { messages } = request;
  for (let turn = messages.length - 1; turn >= 0; turn--) {
    const m = messages[turn]!;
    if (m.role !== "user") continue;
    const fenced = extractScript(textOf(m));
    if (fenced.kind === "none") continue;
    if (fenced.kind === "unterminated")
      return { kind: "invalid", error: "the ```sim block has no closing ``` line" };
    const parsed = parseScript(fenced.json);
    if (!parsed.ok) return { kind: "invalid", error: parsed.error };
    const k = responsesAfter(messages, turn);
    const slot = parsed.steps[k] ?? { faults: [], reply: null };
    return { kind: "step", key: `${requestKey(request)}:${k}`, k, ...slot };
  }
  return { kind: "none" };
}

/**
 * A retry resends the same request, so the request identifies "the same response" across attempts:
 * model, system prompt, tools and every message, by content. Two clients (or two tests) sending the
 * same scripted message with different system prompts or tools count their attempts apart. Only
 * cache_control markers are left out: where the breakpoints sit doesn't change what is asked.
 */
function requestKey(request: SimRequest): string {
  const h = new RollingHash(`model:${request.model}`);
  const bare = ({ cache_control: _, ...rest }: { cache_control?: unknown; [k: string]: unknown }) => rest;
  const system = request.system === undefined ? [] : blocksOf(request.system);
  h.update("system");
  for (const b of system) h.update(JSON.stringify(bare(b)));
  h.update("tools");
  for (const t of request.tools ?? []) h.update(JSON.stringify(bare(t)));
  for (const m of request.messages) {
    h.update(m.role);
    for (const b of blocksOf(m.content)) h.update(JSON.stringify(bare(b)));
  }
  return h.digest();
}

type Slot = { faults: Fault[]; reply: Reply | null };

function parseScript(json: string): { ok: true; steps: Slot[] } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return {
      ok: false,
      error: `the script is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  const result = scriptSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `element ${issue.path.join(".")}: ` : "";
    return { ok: false, error: `${where}${issue?.message ?? "invalid script"}` };
  }
  const steps: Slot[] = [];
  let pending: Fault[] = [];
  for (const element of result.data) {
    if ("fault" in element) {
      const fault = { kind: element.fault, retryAfter: element.retryAfter ?? 1 };
      for (let i = 0; i < element.times; i++) pending.push(fault);
      continue;
    }
    const reply: Reply = {
      tools: (element.tools ?? []).map((t) => ({ name: t.name, input: asRecord(t.input) })),
    };
    if (element.thinking !== undefined) reply.thinking = element.thinking;
    if (element.text !== undefined) reply.text = element.text;
    if (element.pause) reply.pause = true;
    steps.push({ faults: pending, reply });
    pending = [];
  }
  // Faults after the last response spoil the "script ran out" reply.
  if (pending.length > 0) steps.push({ faults: pending, reply: null });
  return { ok: true, steps };
}

export function exhaustedReply(k: number): Reply {
  return { text: `(simulator) The script has no step ${k + 1}, so I'm ending my turn here.`, tools: [] };
}

export function invalidScriptReply(error: string): Reply {
  return { text: `(simulator) I couldn't run the sim script: ${error}.`, tools: [] };
}
