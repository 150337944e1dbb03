// Connector tools in a run (DESIGN §10): each tool of an enabled connector is offered to the model as
// `mcp__<connector>__<tool>` with the server's own JSON Schema, under the tool policy (MCP tools ask
// by default). A call is not idempotent: the loop records it before it is sent (`once`, see
// loop/tool-step.ts), so a crash mid-call ends as "outcome unknown", never as a second call. Every
// failure is a tool error within a time limit: not reachable, too slow, refused, or the server's own.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ConnectorSnapshot, ConnectorTool } from "../../../schema/connectors";
import { getConnector, saveStatus } from "../../db/connectors";
import type { Tool, ToolContext, ToolOutcome } from "../../loop/tool";
import { callTimeoutMs, connect, failure, type Session } from "./client";
import { ConnectorOAuth } from "./oauth-provider";

const anyObject = z.record(z.string(), z.unknown());

/** The tools of these connectors, those `include` lets through (the policy, an agent's narrowing). */
export function connectorTools(
  connectors: readonly ConnectorSnapshot[] | null | undefined,
  include: (name: string) => boolean,
): Tool[] {
  const out: Tool[] = [];
  for (const c of connectors ?? []) {
    for (const t of c.tools) {
      if (!include(t.name)) continue;
      out.push({
        name: t.name,
        description: `[${c.name} (MCP)] ${t.description || t.tool}`,
        schema: anyObject,
        inputSchema: t.inputSchema,
        once: true,
        run: ((input: Record<string, unknown>, ctx: ToolContext) =>
          callConnectorTool(ctx, c, t, input)) as Tool["run"],
      });
    }
  }
  return out;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Calls one tool on the connector's server; every outcome is a result for the model. */
export async function callConnectorTool(
  ctx: ToolContext,
  c: ConnectorSnapshot,
  t: ConnectorTool,
  input: Record<string, unknown>,
): Promise<ToolOutcome> {
  const row = await getConnector(ctx.env, ctx.config.userId, c.id);
  if (!row) return { content: `Not run: the connector ${c.name} was removed.`, isError: true };
  const limit = callTimeoutMs(ctx.env);
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(limit)]);
  let session: Session;
  try {
    const provider = row.oauth ? await ConnectorOAuth.load(ctx.env, row) : null;
    session = await connect(ctx.env, row, provider, signal);
  } catch (err) {
    const f = failure(err, [], "connect", signal);
    if (f.kind === "needs_auth")
      await saveStatus(ctx.env, row, "needs_auth", f.message).catch(() => undefined);
    const why = f.kind === "timeout" ? `it did not answer within ${seconds(limit)}` : f.message;
    return { content: `Not run: could not connect to ${c.name}: ${why}`, isError: true };
  }
  try {
    const result = (await session.client.callTool({ name: t.tool, arguments: input }, undefined, {
      signal,
      timeout: limit,
      maxTotalTimeout: limit,
    })) as CallToolResult;
    return summariseResult(result, session.secrets());
  } catch (err) {
    const f = failure(err, session.secrets(), "call", signal);
    switch (f.kind) {
      case "timeout":
        return {
          content: `${t.name} did not answer within ${seconds(limit)}, so whether it took effect is unknown. It was not sent again; check before retrying.`,
          isError: true,
        };
      case "unreachable":
      case "interrupted":
        return {
          content: `The connection to ${c.name} broke during the call (${f.message}), so whether it took effect is unknown. It was not sent again; check before retrying.`,
          isError: true,
        };
      case "needs_auth":
        await saveStatus(ctx.env, row, "needs_auth", f.message).catch(() => undefined);
        return { content: `Not run: ${c.name} refused the call: ${f.message}`, isError: true };
      default:
        return { content: `${t.name} failed: ${f.message}`, isError: true };
    }
  } finally {
    await session.close();
  }
}

const kb = (base64: string) => {
  const bytes = Math.floor((base64.replace(/=+$/, "").length * 3) / 4);
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
};

/** A result as text for the model: text as it is, images, audio and binary resources summarised. */
export function summariseResult(result: CallToolResult, secrets: readonly string[]): ToolOutcome {
  const parts: string[] = [];
  for (const block of result.content ?? []) {
    switch (block.type) {
      case "text":
        parts.push(block.text);
        break;
      case "image":
        parts.push(`[image: ${block.mimeType}, ${kb(block.data)}]`);
        break;
      case "audio":
        parts.push(`[audio: ${block.mimeType}, ${kb(block.data)}]`);
        break;
      case "resource_link":
        parts.push(
          `[resource link: ${block.uri}${block.name ? ` (${block.name}${block.mimeType ? `, ${block.mimeType}` : ""})` : ""}]`,
        );
        break;
      case "resource": {
        const r = block.resource;
        const type = r.mimeType ?? "unknown type";
        if ("text" in r && typeof r.text === "string") parts.push(`[resource ${r.uri} (${type})]\n${r.text}`);
        else if ("blob" in r && typeof r.blob === "string")
          parts.push(`[resource ${r.uri}: ${type}, ${kb(r.blob)}]`);
        else parts.push(`[resource ${r.uri} (${type})]`);
        break;
      }
      default:
        parts.push(`[${(block as { type: string }).type} content]`);
    }
  }
  if (!parts.length && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
  const text =
    parts.join("\n\n") || (result.isError ? "The tool failed without saying why." : "(no content)");
  return { content: mask(text, secrets), isError: result.isError === true };
}

/** Like scrub(), without shortening: a result keeps its length (the loop truncates long ones). */
const mask = (text: string, secrets: readonly string[]) =>
  secrets.length ? secrets.reduce((t, s) => t.split(s).join("[redacted]"), text) : text;
