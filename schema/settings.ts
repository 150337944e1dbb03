// An orchestrator's settings beyond name and model (DESIGN §9): its tool policy, extended thinking
// and how long an approval may wait. Shared by the API's bodies and answers and the web app.
import { z } from "zod";

export const toolDecisionSchema = z.enum(["allow", "ask", "deny"]);
/** Tool name (or `mcp__<connector>__*`) → decision; unlisted tools take their default. */
export const toolPolicySchema = z.record(z.string().max(200), toolDecisionSchema);
export type ToolPolicyInput = z.infer<typeof toolPolicySchema>;

/** Extended thinking for real Claude: null (off) or adaptive, with an effort where the model has one. */
export const thinkingSchema = z
  .object({ type: z.literal("adaptive"), effort: z.enum(["low", "medium", "high"]).optional() })
  .nullable();

export const approvalTimeoutSchema = z
  .number()
  .int()
  .min(60)
  .max(7 * 86_400);
