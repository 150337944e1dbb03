// The public API's route table (DESIGN §3): the one list the OpenAPI document, the tenant-isolation
// walk and the bad-input tests are generated from. test/openapi.test.ts walks the Hono app and fails
// when a registered route is missing here (or a listed one isn't registered), so neither the docs
// nor the tests can drift from the code. Paths under /api/_ are internal (benchmarks) and unlisted.
// The entries live per resource in spec/; the shapes they answer with in schema/api-responses.ts.
import type { z } from "zod";
import {
  agentInterruptResponse,
  agentList,
  agentTaskResponse,
  approvalList,
  connectorList,
  connectorSchema,
  connectorToolSchema,
  conversationExportSchema,
  createdTokenSchema,
  deltaFrameSchema,
  errorResponse,
  eventsResponse,
  fileHistorySchema,
  fileInfoSchema,
  fileList,
  fileSchema,
  fileSearchMatch,
  fileSearchResponse,
  fileVersionSchema,
  healthResponse,
  interruptResponse,
  meResponse,
  messageStateSchema,
  modelSchema,
  modelsResponse,
  orchestratorList,
  orchestratorSchema,
  resumeResponse,
  runInfoSchema,
  searchResponse,
  sendMessageResponse,
  serverFrameSchema,
  sessionResponse,
  streamTicketSchema,
  templateList,
  templateSchema,
  tokenList,
  tokenSchema,
  toolCatalogue,
  usageResponse,
} from "../../schema/api";
import {
  agentSummarySchema,
  approvalInfoSchema,
  clientFrameSchema,
  streamEventSchema,
  streamStateSchema,
  totalsSchema,
  usageSchema,
} from "../../schema/events";
import { accountRoutes } from "./spec/accounts";
import { agentRoutes } from "./spec/agents";
import { approvalRoutes } from "./spec/approvals";
import { connectorRoutes } from "./spec/connectors";
import { fileRoutes } from "./spec/files";
import { orchestratorRoutes } from "./spec/orchestrators";
import type { RouteSpec } from "./spec/route-spec";
import { templateRoutes } from "./spec/templates";

export {
  type Auth,
  type BodySpec,
  errorStatuses,
  fillPath,
  honoPath,
  type Method,
  originChecked,
  type ParamKind,
  pathParams,
  type RouteSpec,
  type Tag,
} from "./spec/route-spec";

export const ROUTES: readonly RouteSpec[] = [
  ...accountRoutes,
  ...orchestratorRoutes,
  ...agentRoutes,
  ...fileRoutes,
  ...approvalRoutes,
  ...templateRoutes,
  ...connectorRoutes,
];

/** Named schemas: components of the OpenAPI document, referenced by every response. */
export const COMPONENTS = {
  Error: errorResponse,
  Health: healthResponse,
  Model: modelSchema,
  Models: modelsResponse,
  Me: meResponse,
  Session: sessionResponse,
  Token: tokenSchema,
  CreatedToken: createdTokenSchema,
  StreamTicket: streamTicketSchema,
  TokenList: tokenList,
  Usage: usageSchema,
  Totals: totalsSchema,
  UsageReport: usageResponse,
  Orchestrator: orchestratorSchema,
  OrchestratorList: orchestratorList,
  SendMessageResult: sendMessageResponse,
  InterruptResult: interruptResponse,
  ResumeResult: resumeResponse,
  ConversationExport: conversationExportSchema,
  SearchResult: searchResponse,
  StreamEvent: streamEventSchema,
  EventsPage: eventsResponse,
  StreamState: streamStateSchema,
  ServerFrame: serverFrameSchema,
  DeltaFrame: deltaFrameSchema,
  Agent: agentSummarySchema,
  AgentList: agentList,
  AgentTask: agentTaskResponse,
  AgentInterruptResult: agentInterruptResponse,
  FileInfo: fileInfoSchema,
  File: fileSchema,
  FileList: fileList,
  FileVersion: fileVersionSchema,
  FileHistory: fileHistorySchema,
  FileSearchMatch: fileSearchMatch,
  FileSearchResult: fileSearchResponse,
  Approval: approvalInfoSchema,
  RunInfo: runInfoSchema,
  MessageState: messageStateSchema,
  ApprovalList: approvalList,
  ToolCatalogue: toolCatalogue,
  Template: templateSchema,
  TemplateList: templateList,
  Connector: connectorSchema,
  ConnectorList: connectorList,
  ConnectorTool: connectorToolSchema,
} satisfies Record<string, z.ZodType>;
/** Input-side components (what clients send). */
export const INPUT_COMPONENTS = { ClientFrame: clientFrameSchema } satisfies Record<string, z.ZodType>;
