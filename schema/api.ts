// Public HTTP API shapes (DESIGN §3): bodies and queries the routes validate, responses the web
// app and scripts read. The OpenAPI document is generated from these.
import { z } from "zod";
import { agentSummarySchema, streamEventSchema, totalsSchema } from "./events";

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

export const meResponse = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    createdAt: z.number(),
    budgetUsd: z.number().nullable(),
    defaultModel: z.string().nullable(),
  }),
  via: z.enum(["session", "token"]),
  llm: z.enum(["anthropic", "simulator"]),
});
export type Me = z.infer<typeof meResponse>;

export const updateMeBody = z.strictObject({
  budgetUsd: budget.optional(),
  defaultModel: z.string().max(100).nullable().optional(),
});

export const createTokenBody = z.strictObject({ name });
export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
});
export type ApiToken = z.infer<typeof tokenSchema>;
/** Returned once, at creation: the only time the secret is shown. */
export const createdTokenSchema = tokenSchema.extend({ secret: z.string() });
/** A stream ticket takes no options: it is good for one SSE or WebSocket request of the caller. */
export const streamTicketBody = z.strictObject({});
export const streamTicketSchema = z.object({
  ticket: z.string().describe("`bst_…`: pass as `?ticket=` on one …/stream or …/ws request"),
  expiresAt: z.number().describe("Unix ms; a ticket lives 60 s and is good once"),
});

export const createOrchestratorBody = z.strictObject({
  name,
  model: z.string().max(100).optional(),
  systemPrompt: z.string().max(INPUT_LIMITS.systemPromptChars).optional(),
  budgetUsd: budget.optional(),
});
export const updateOrchestratorBody = z.strictObject({
  name: name.optional(),
  model: z.string().max(100).optional(),
  systemPrompt: z.string().max(INPUT_LIMITS.systemPromptChars).nullable().optional(),
  budgetUsd: budget.optional(),
  status: z.enum(["active", "archived"]).optional(),
});

export const orchestratorSchema = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  systemPrompt: z.string().nullable(),
  budgetUsd: z.number().nullable(),
  status: z.enum(["active", "archived"]),
  simulated: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastActivityAt: z.number().nullable(),
  totals: totalsSchema,
});
export type OrchestratorInfo = z.infer<typeof orchestratorSchema>;

export const sendMessageBody = z.strictObject({
  text: z.string().min(1, "must not be empty").max(INPUT_LIMITS.messageChars),
  clientId: z.string().min(1).max(128).optional(),
});
export const sendMessageResponse = z.object({
  messageId: z.string(),
  runId: z.string().nullable(),
  queued: z.boolean(),
});
export type SendMessageResult = z.infer<typeof sendMessageResponse>;

export const interruptBody = z.strictObject({ agents: z.boolean().optional() });

export const eventsQuery = z.strictObject({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(INPUT_LIMITS.eventsPage).default(500),
});
export const eventsResponse = z.object({
  events: z.array(streamEventSchema),
  lastSeq: z.number().int(),
  hasMore: z.boolean(),
});
export type EventsPage = z.infer<typeof eventsResponse>;

export const streamQuery = z.strictObject({ after: z.coerce.number().int().nonnegative().optional() });

export const agentMessageBody = z.strictObject({
  text: z.string().min(1).max(INPUT_LIMITS.messageChars),
  /** Idempotency key: a retried request with the same clientId doesn't queue a second task. */
  clientId: z.string().min(1).max(128).optional(),
});
export const agentResponse = agentSummarySchema;

export const fileInfoSchema = z.object({
  path: z.string(),
  size: z.number().int(),
  version: z.number().int(),
  updatedBy: z.string(),
  updatedAt: z.number(),
});
export type FileInfo = z.infer<typeof fileInfoSchema>;
export const filesQuery = z.strictObject({
  cursor: z
    .string()
    .max(INPUT_LIMITS.pathChars)
    .optional()
    .describe("nextCursor from the previous page; omit for the first page"),
  limit: z.coerce.number().int().min(1).max(INPUT_LIMITS.filesPage).default(INPUT_LIMITS.filesPage),
});
export const filesPageSchema = z.object({
  files: z.array(fileInfoSchema).describe("by path"),
  nextCursor: z.string().nullable().describe("pass as ?cursor= for the next page; null on the last page"),
});
export type FilesPage = z.infer<typeof filesPageSchema>;
export const fileSchema = fileInfoSchema.extend({ content: z.string() });

export const usageQuery = z.strictObject({
  from: z.iso.date("must be a date, YYYY-MM-DD").optional(),
  to: z.iso.date("must be a date, YYYY-MM-DD").optional(),
  groupBy: z.enum(["day", "model", "orchestrator"]).default("day"),
});
export const usageResponse = z.object({
  groupBy: z.enum(["day", "model", "orchestrator"]),
  rows: z.array(
    totalsSchema.extend({ key: z.string(), label: z.string().optional(), calls: z.number().int() }),
  ),
  totals: totalsSchema,
});
export type UsageReport = z.infer<typeof usageResponse>;

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
