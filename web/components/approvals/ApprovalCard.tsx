// A tool call waiting for the user (DESIGN §9): which tool, whose call, its input (folded when long),
// Approve / Deny with an optional note, and when it will be denied on its own; once decided, the
// decision and by whom. Shown inline in the chat, under the agent's card and on the agent's page.

import { useEffect, useId, useRef, useState } from "react";
import { INPUT_LIMITS } from "../../../schema/api";
import type { ApprovalDecision, ApprovalInfo } from "../../../schema/events";
import { ApiError } from "../../lib/http";
import { type ApprovalView, describeOutcome, formatIn, resolveFromInfo } from "../../lib/views/approvals";
import { Icon } from "../Icon";
import { ToolName } from "../ToolName";
import { useApprovalActions } from "./ApprovalActions";
import "../../styles/approvals.css";

const LONG_CHARS = 360;
const LONG_LINES = 8;

/** A readable copy of a tool input: strings as they are (file contents stay legible), the rest as JSON. */
export function inputText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

function fieldsOf(input: unknown): [string, string][] | null {
  if (!input || typeof input !== "object" || Array.isArray(input)) return null;
  const entries = Object.entries(input as Record<string, unknown>);
  return entries.length ? entries.map(([k, v]) => [k, inputText(v)]) : null;
}

function InputView({ input, id }: { input: unknown; id: string }) {
  const [open, setOpen] = useState(false);
  const fields = fieldsOf(input);
  const all = fields ? fields.map(([k, v]) => `${k}: ${v}`).join("\n") : inputText(input);
  const lines = all.split("\n").length;
  const long = all.length > LONG_CHARS || lines > LONG_LINES;
  return (
    <div className="approval-input">
      <div id={id} className="approval-input-body" data-folded={long && !open}>
        {fields ? (
          <dl>
            {fields.map(([k, v]) => (
              <div key={k} className="approval-field">
                <dt className="mono">{k}</dt>
                <dd>
                  <pre>{v}</pre>
                </dd>
              </div>
            ))}
          </dl>
        ) : (
          <pre>{all || "(no input)"}</pre>
        )}
      </div>
      {long && (
        <button
          type="button"
          className="approval-more"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen(!open)}
        >
          {open ? "Show less" : `Show all (${lines.toLocaleString()} lines)`}
        </button>
      )}
    </div>
  );
}

/** Re-renders every `ms` while `on`, for "denied automatically in 23 h". */
function useNow(on: boolean, ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [on, ms]);
  return now;
}

const BADGE: Record<ApprovalView["status"], { label: string; tone: string }> = {
  pending: { label: "Needs approval", tone: "badge-violet" },
  approved: { label: "Approved", tone: "badge-green" },
  denied: { label: "Denied", tone: "badge-red" },
};

export function ApprovalCard({
  approval: fromStream,
  showAgent = true,
  compact = false,
}: {
  approval: ApprovalView;
  /** Name the agent whose call it is (off where the agent is obvious: its own page, its card). */
  showAgent?: boolean;
  /** The narrower form under an agent's card. */
  compact?: boolean;
}) {
  const actions = useApprovalActions();
  const [answered, setAnswered] = useState<ApprovalInfo | null>(null);
  const [busy, setBusy] = useState<ApprovalDecision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const ref = useRef<HTMLElement>(null);
  const uid = useId();
  // The decision's answer shows at once; the stream's approval.resolved confirms it.
  const approval = answered ? resolveFromInfo(fromStream, answered) : fromStream;
  const pending = approval.status === "pending";
  const now = useNow(pending && approval.expiresAt !== null);
  const agent = showAgent ? (actions?.agentName(approval.agentId) ?? null) : null;
  const badge = BADGE[approval.status];

  const decide = async (decision: ApprovalDecision) => {
    if (!actions || busy) return;
    const hadFocus = ref.current?.contains(document.activeElement) ?? false;
    setBusy(decision);
    setError(null);
    try {
      const info = await actions.decide(approval.approvalId, decision, note.trim() || undefined);
      if (info) setAnswered(info);
      // The buttons go away: keep the keyboard on the card rather than losing it to the page.
      if (hadFocus) ref.current?.focus();
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === "already_decided"
          ? "It was already decided: the first decision stands."
          : e instanceof ApiError && e.code === "not_found"
            ? "This approval is no longer waiting."
            : e instanceof ApiError
              ? e.message
              : "Could not send the decision. Try again.",
      );
    } finally {
      setBusy(null);
    }
  };

  return (
    <section
      ref={ref}
      className={`approval-card${compact ? " approval-compact" : ""}`}
      data-approval-id={approval.approvalId}
      data-status={approval.status}
      aria-labelledby={`${uid}-title`}
      tabIndex={-1}
    >
      <div className="approval-head">
        <Icon name={pending ? "pause" : approval.status === "approved" ? "check" : "x"} size={14} />
        <h3 id={`${uid}-title`} className="approval-title">
          <span className="sr-only">{pending ? "Approval needed: " : "Approval: "}</span>
          <ToolName name={approval.name} />
          {agent && <span className="approval-agent"> · {agent}</span>}
        </h3>
        <span className={`badge ${badge.tone}`}>{badge.label}</span>
      </div>
      <InputView input={approval.input} id={`${uid}-input`} />
      {pending ? (
        <div className="approval-controls">
          {actions ? (
            <div className="approval-actions">
              <input
                className="input input-sm approval-note"
                aria-label={`Note for ${approval.name} (optional)`}
                placeholder="Note (optional)"
                maxLength={INPUT_LIMITS.noteChars}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                disabled={busy !== null}
              />
              <button
                type="button"
                className="btn btn-sm btn-primary"
                aria-describedby={`${uid}-title`}
                disabled={busy !== null}
                onClick={() => void decide("approve")}
              >
                {busy === "approve" ? (
                  <span className="spinner" aria-hidden="true" />
                ) : (
                  <Icon name="check" size={13} />
                )}
                Approve
              </button>
              <button
                type="button"
                className="btn btn-sm btn-danger"
                aria-describedby={`${uid}-title`}
                disabled={busy !== null}
                onClick={() => void decide("deny")}
              >
                {busy === "deny" ? (
                  <span className="spinner" aria-hidden="true" />
                ) : (
                  <Icon name="x" size={13} />
                )}
                Deny
              </button>
            </div>
          ) : null}
          {approval.expiresAt !== null && (
            <div className="approval-foot faint">
              Denied automatically {formatIn(approval.expiresAt, now)} if nobody answers
            </div>
          )}
        </div>
      ) : (
        <div className="approval-outcome" data-by={approval.by ?? undefined}>
          {describeOutcome(approval)}
          {approval.note && (
            <>
              {": "}
              <q className="approval-note-text">{approval.note}</q>
            </>
          )}
        </div>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}
