// Public HTTP API inputs (DESIGN §3): the limits, and the bodies and queries the routes validate.
// What the API answers is in api-responses.ts (re-exported here, so one import serves a client).
// The OpenAPI document is generated from both.
import { z } from "zod";
import { approvalDecisionSchema, messageText } from "./events";
import { MODELS } from "./models";
import { approvalTimeoutSchema, thinkingSchema, toolPolicySchema } from "./settings";

export * from "./api-responses";
export * from "./connectors";

export const INPUT_LIMITS = {
  bodyBytes: 256 * 1024,
  messageChars: 100_000,
  fileBytes: 1024 * 1024,
  nameChars: 100,
  systemPromptChars: 20_000,
  pathChars: 512,
  eventsPage: 1000,
  /** Files per workspace (orchestrator) and their total UTF-8 bytes (DESIGN §8). */
  workspaceFiles: 10_000,
  workspaceBytes: 100 * 1024 * 1024,
  /** Largest (and default) page of GET …/files. */
  filesPage: 1000,
  /** An agent's (or a template's) instructions. */
  instructionsChars: 20_000,
  /** A template's one-line description, shown to the orchestrator. */
  descriptionChars: 500,
  /** A conversation search's query, and how many matches one answer holds at most. */
  searchChars: 200,
  searchResults: 200,
  /** A note sent with an approval decision. */
  noteChars: 2000,
} as const;

const name = z.string().trim().min(1, "must not be empty").max(INPUT_LIMITS.nameChars);
const email = z.email("must be an email address").max(254).toLowerCase();
const password = z.string().min(10, "must be at least 10 characters").max(200);
const budget = z.number().positive().max(100_000).nullable();

export const signupBody = z.strictObject({ email, password });
export const loginBody = z.strictObject({ email, password: z.string().min(1).max(200) });
export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: password,
  /** Keep the account's API tokens working; by default a password change revokes them too. */
  keepTokens: z.boolean().optional(),
});

export const updateMeBody = z.strictObject({
  budgetUsd: budget.optional(),
  defaultModel: z.string().max(100).nullable().optional(),
});

/**
 * Bring your own key: an Anthropic API key (`sk-ant-…`) for your own model calls. Only its shape is
 * checked here; a key Anthropic refuses fails the run that uses it with the API's own message.
 */
export const anthropicKeyBody = z.strictObject({
  key: z
    .string()
    .trim()
    .min(20, "must be an Anthropic API key (sk-ant-…)")
    .max(300)
    .regex(/^sk-ant-[A-Za-z0-9_-]+$/, "must be an Anthropic API key (sk-ant-…, no spaces)"),
});

export const createTokenBody = z.strictObject({ name });

/** A stream ticket takes no options: it is good for one SSE or WebSocket request of the caller. */
export const streamTicketBody = z.strictObject({});

const settings = {
  toolPolicy: toolPolicySchema.optional(),
  thinking: thinkingSchema.optional(),
  approvalTimeoutSec: approvalTimeoutSchema.optional(),
};
export const createOrchestratorBody = z.strictObject({
  name,
  model: z.string().max(100).optional(),
  systemPrompt: z.string().max(INPUT_LIMITS.systemPromptChars).optional(),
  budgetUsd: budget.optional(),
  ...settings,
});
export const updateOrchestratorBody = z.strictObject({
  name: name.optional(),
  model: z.string().max(100).optional(),
  systemPrompt: z.string().max(INPUT_LIMITS.systemPromptChars).nullable().optional(),
  budgetUsd: budget.optional(),
  status: z.enum(["active", "archived"]).optional(),
  ...settings,
  /** The connectors (ids) whose MCP tools it and its agents get; replaces the list (DESIGN §10). */
  connectors: z.array(z.string().min(1).max(64)).max(50).optional(),
});

/** An agent's name, as create_agent and POST …/agents take it (also a template's). */
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
export const agentNameSchema = z
  .string()
  .regex(AGENT_NAME, "use 1–40 letters, digits, - or _, starting with a letter or digit");

const MODEL_IDS = MODELS.map((m) => m.id) as [string, ...string[]];
/** A model of the catalogue (GET /api/models). */
const knownModel = z.enum(MODEL_IDS, { error: `must be one of ${MODEL_IDS.join(", ")}` });
/**
 * An agent's tools: workspace and server tool names (GET /api/tools); the route checks each is one.
 * Leave the list out for all of them (`report` is always on).
 */
const agentToolList = z
  .array(z.string().max(64))
  .min(1, "must name at least one tool; leave it out for all of them")
  .max(50)
  .refine((l) => new Set(l).size === l.length, "must not name a tool twice");
const instructions = z.string().min(1, "must not be empty").max(INPUT_LIMITS.instructionsChars);
const description = z.string().trim().max(INPUT_LIMITS.descriptionChars);

/** A reusable agent definition (DESIGN §5 create_agent {template}). */
export const createTemplateBody = z.strictObject({
  name: agentNameSchema,
  description: description.nullable().optional(),
  instructions,
  model: knownModel.nullable().optional().describe("the agent's model; omit for the default agent model"),
  tools: agentToolList.nullable().optional(),
});
/** Every field optional; null clears description, model or tools. */
export const updateTemplateBody = z.strictObject({
  name: agentNameSchema.optional(),
  description: description.nullable().optional(),
  instructions: instructions.optional(),
  model: knownModel.nullable().optional(),
  tools: agentToolList.nullable().optional(),
});

/** The user's own "New agent": like create_agent, without asking the orchestrator. */
export const createAgentBody = z
  .strictObject({
    name: agentNameSchema,
    template: agentNameSchema.optional().describe("start from your template of this name"),
    instructions: instructions.optional().describe("required unless `template` is given"),
    model: knownModel.optional(),
    tools: agentToolList.optional(),
    /** Idempotency key: a retried request with the same clientId doesn't create a second agent. */
    clientId: z.string().min(1).max(128).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.instructions === undefined && b.template === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["instructions"],
        message: "is required unless you name a template",
      });
  });

export const decideApprovalBody = z.strictObject({
  decision: approvalDecisionSchema,
  note: z.string().max(INPUT_LIMITS.noteChars).optional(),
});

export const sendMessageBody = z.strictObject({
  text: messageText,
  clientId: z.string().min(1).max(128).optional(),
});

export const interruptBody = z.strictObject({ agents: z.boolean().optional() });

const clientId = z.string().min(1).max(128).optional().describe("idempotency key, as for sends");
/** Edit-and-resend: the new text replaces the earlier message (which stays in the history). */
export const editMessageBody = z.strictObject({ text: messageText, clientId });
/** Regenerate (a message's answer) and retry (a run): only an idempotency key. */
export const resendBody = z.strictObject({ clientId });

export const exportQuery = z.strictObject({
  format: z.enum(["json", "md"]).default("json").describe("json (default) or md (Markdown)"),
});

/** GET …/search: case-insensitive, over what the export holds (messages, tools, reports). */
export const searchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(INPUT_LIMITS.searchChars)
    .describe("the text to find, case-insensitive"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(INPUT_LIMITS.searchResults)
    .default(50)
    .describe("at most this many matches, oldest first"),
});

export const eventsQuery = z.strictObject({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(INPUT_LIMITS.eventsPage).default(500),
});

export const streamQuery = z.strictObject({
  after: z.coerce.number().int().nonnegative().optional(),
  /**
   * `0`: no live text (`event: delta` messages, DESIGN §11), only the logged events, whose
   * coalesced text.delta / thinking.delta carry all of it a little later. Absent: live text too.
   * `1`: live text, and the client says it renders it, so the log may lag it by up to 10 s or 4 KB.
   */
  deltas: z
    .enum(["0", "1"])
    .optional()
    .describe(
      "absent: live text ahead of the log as `event: delta` messages without an `id:`, and logged text.delta / thinking.delta every ~100 ms; 1: the same, and this client renders the delta messages, so while every watcher does, the log takes the text every 10 s or 4 KB (fewer writes); 0: only logged events, whose text.delta / thinking.delta carry all the text, coalesced",
    ),
});

export const agentMessageBody = z.strictObject({
  text: messageText,
  /** Idempotency key: a retried request with the same clientId doesn't queue a second task. */
  clientId: z.string().min(1).max(128).optional(),
});

export const filesQuery = z.strictObject({
  cursor: z
    .string()
    .max(INPUT_LIMITS.pathChars)
    .optional()
    .describe("nextCursor from the previous page; omit for the first page"),
  limit: z.coerce.number().int().min(1).max(INPUT_LIMITS.filesPage).default(INPUT_LIMITS.filesPage),
});
/** `?raw=1` (any value) downloads the file itself instead of JSON; `?version=N` an earlier version. */
export const fileQuery = z.strictObject({
  raw: z.string().max(10).optional().describe("any value: answer with the file itself, as an attachment"),
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe("answer with this version (GET …/file-versions/{path} lists them), also of a deleted file"),
});
const filePath = z.string().min(1, "must not be empty").max(INPUT_LIMITS.pathChars);
/** PATCH …/files/{path}: rename (move) the file, with its history. */
export const renameFileBody = z.strictObject({ path: filePath.describe("the file's new path") });
/** POST …/file-versions/{path}: make an earlier version the current one again. */
export const restoreFileBody = z.strictObject({
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe("the version to restore"),
});
export const fileSearchQuery = z.strictObject({
  q: z
    .string()
    .min(1, "must not be empty")
    .max(500)
    .describe("a case-insensitive regular expression (no backreferences or lookaround), or plain text"),
  path: z
    .string()
    .max(INPUT_LIMITS.pathChars)
    .optional()
    .describe("only files whose path starts with this, e.g. notes/"),
  after: z
    .string()
    .max(INPUT_LIMITS.pathChars)
    .optional()
    .describe("only files whose path sorts after this: `after` from a search that stopped early"),
});

export const usageQuery = z.strictObject({
  from: z.iso.date("must be a date, YYYY-MM-DD").optional(),
  to: z.iso.date("must be a date, YYYY-MM-DD").optional(),
  groupBy: z.enum(["day", "model", "orchestrator"]).default("day"),
});
