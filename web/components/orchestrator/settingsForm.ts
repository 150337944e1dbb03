// The settings panel's form: what the orchestrator holds as editable fields, the budget as typed
// in dollars and cents, and the PATCH of only what changed (SettingsDialog.tsx renders it).
import type { OrchestratorInfo, ToolInfo } from "../../../schema/api";
import type { ToolPolicyInput } from "../../../schema/settings";
import { api } from "../../lib/api";
import { connectorsEpoch } from "../../lib/mcpNames";
import { sameIds } from "./ConnectorsPicker";

export type Decision = "allow" | "ask" | "deny";
export type Effort = "" | "low" | "medium" | "high";
export type Unit = "min" | "h" | "d";
export const UNIT_SEC: Record<Unit, number> = { min: 60, h: 3600, d: 86_400 };
export const DECISION_LABEL: Record<Decision, string> = { allow: "Allow", ask: "Ask", deny: "Deny" };

/** The catalogue changes with a deploy or a connector write: one request per page load and write. */
let toolsOnce: { epoch: number; tools: Promise<ToolInfo[]> } | null = null;
export function loadTools(): Promise<ToolInfo[]> {
  if (toolsOnce?.epoch !== connectorsEpoch()) {
    toolsOnce = {
      epoch: connectorsEpoch(),
      tools: api.listTools().catch((e: unknown) => {
        toolsOnce = null;
        throw e;
      }),
    };
  }
  return toolsOnce.tools;
}

export type Form = {
  name: string;
  model: string;
  systemPrompt: string;
  budget: string;
  thinking: "off" | "adaptive";
  effort: Effort;
  timeout: string;
  unit: Unit;
  policy: ToolPolicyInput;
  connectors: string[];
};

function splitTimeout(sec: number): { timeout: string; unit: Unit } {
  for (const unit of ["d", "h", "min"] as const) {
    if (sec % UNIT_SEC[unit] === 0) return { timeout: String(sec / UNIT_SEC[unit]), unit };
  }
  return { timeout: String(Math.round((sec / 60) * 100) / 100), unit: "min" };
}

export function formFrom(o: OrchestratorInfo): Form {
  return {
    name: o.name,
    model: o.model,
    systemPrompt: o.systemPrompt ?? "",
    budget: o.budgetUsd === null ? "" : String(o.budgetUsd),
    thinking: o.thinking ? "adaptive" : "off",
    effort: o.thinking?.effort ?? "",
    ...splitTimeout(o.approvalTimeoutSec),
    policy: { ...o.toolPolicy },
    connectors: [...(o.connectors ?? [])],
  };
}

/** What a budget field says when what was typed isn't dollars and cents. */
export const BUDGET_HINT = "enter dollars and cents, e.g. 1.25";

/** A dollar amount as typed ("1.25", "$0.10") in whole cents, or null when it isn't one. */
export function parseBudget(s: string): number | null | undefined {
  const t = s.trim().replace(/^\$/, "");
  if (t === "") return null;
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return undefined;
  return Math.round(Number(t) * 100) / 100;
}

const samePolicy = (a: ToolPolicyInput, b: ToolPolicyInput) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

export type SettingsPatch = Parameters<typeof api.updateOrchestrator>[1];

/** Only what changed: an untouched field is not sent (and can't be refused). */
export function diff(o: OrchestratorInfo, f: Form): SettingsPatch | string {
  const patch: SettingsPatch = {};
  if (f.name.trim() !== o.name) patch.name = f.name.trim();
  if (f.model.trim() && f.model.trim() !== o.model) patch.model = f.model.trim();
  const prompt = f.systemPrompt.trim() ? f.systemPrompt : null;
  if (prompt !== o.systemPrompt) patch.systemPrompt = prompt;
  const budget = parseBudget(f.budget);
  if (budget === undefined) return "budgetUsd";
  if (budget !== o.budgetUsd) patch.budgetUsd = budget;
  const thinking =
    f.thinking === "off" ? null : { type: "adaptive" as const, ...(f.effort ? { effort: f.effort } : {}) };
  if (JSON.stringify(thinking) !== JSON.stringify(o.thinking)) patch.thinking = thinking;
  const timeout = Math.round(Number(f.timeout) * UNIT_SEC[f.unit]);
  if (!Number.isFinite(timeout) || f.timeout.trim() === "") return "approvalTimeoutSec";
  if (timeout !== o.approvalTimeoutSec) patch.approvalTimeoutSec = timeout;
  if (!samePolicy(f.policy, o.toolPolicy)) patch.toolPolicy = f.policy;
  if (!sameIds(f.connectors, o.connectors ?? [])) patch.connectors = f.connectors;
  return patch;
}

/** Sets a tool's decision; the default is left unlisted, so a later change of default still applies. */
export function setDecision(policy: ToolPolicyInput, tool: ToolInfo, d: Decision): ToolPolicyInput {
  const next = { ...policy };
  if (d === tool.defaultPolicy) delete next[tool.name];
  else next[tool.name] = d;
  return next;
}

export const firstSentence = (s: string) => {
  const m = /^(.+?[.!?])(\s|$)/.exec(s.trim());
  return m ? m[1]! : s.trim();
};
