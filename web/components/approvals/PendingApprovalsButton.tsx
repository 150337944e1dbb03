// The header's "2 approvals waiting": a button that brings the first pending approval card into
// view and focuses it — showing its pane first when the panes are tabs (phone) or it is collapsed.
import type { ApprovalView } from "../../lib/views/approvals";
import { Icon } from "../Icon";
import "../../styles/approvals.css";

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

function findCard(approvalId: string): HTMLElement | null {
  const sel = `[data-approval-id="${CSS.escape(approvalId)}"]`;
  // The chat's card first (it has the context); then any other (an agent's card).
  return document.querySelector<HTMLElement>(`.chat ${sel}`) ?? document.querySelector<HTMLElement>(sel);
}

/** The card's own scroller (the chat's, the agents list's): only it moves, never the page around it. */
function scrollerOf(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if ((overflowY === "auto" || overflowY === "scroll") && p.scrollHeight > p.clientHeight) return p;
  }
  return null;
}

/** Scrolls to the approval's card, focuses it and makes it flash; true if it was found. */
export async function revealApproval(approvalId: string): Promise<boolean> {
  let card = findCard(approvalId);
  if (!card?.closest(".chat")) {
    // The chat pane is collapsed: open it, then look again.
    const expand = document.querySelector<HTMLButtonElement>('button[aria-label="Expand Chat"]');
    if (expand) {
      expand.click();
      await nextFrame();
      card = findCard(approvalId) ?? card;
    }
  }
  if (!card) return false;
  // Panes as tabs: select the tab whose panel holds the card.
  const panel = card.closest<HTMLElement>('[role="tabpanel"][hidden]');
  const tab = panel && document.getElementById(panel.getAttribute("aria-labelledby") ?? "");
  if (tab) {
    tab.click();
    await nextFrame();
  }
  const smooth = !window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
  const scroller = scrollerOf(card);
  if (scroller) {
    const box = scroller.getBoundingClientRect();
    const at = card.getBoundingClientRect();
    const top = scroller.scrollTop + at.top - box.top - Math.max(12, (box.height - at.height) / 2);
    scroller.scrollTo({ top: Math.max(0, top), behavior: smooth ? "smooth" : "auto" });
  }
  card.focus({ preventScroll: true });
  card.setAttribute("data-flash", "");
  setTimeout(() => card.removeAttribute("data-flash"), 1600);
  return true;
}

export function PendingApprovalsButton({
  pending,
  beforeReveal,
}: {
  pending: readonly ApprovalView[];
  /** Makes the card's view visible first (e.g. the agent page's Transcript tab). */
  beforeReveal?: () => void;
}) {
  if (pending.length === 0) return null;
  const n = pending.length;
  return (
    <button
      type="button"
      className="btn btn-sm approvals-pending"
      aria-label={`${n} approval${n === 1 ? "" : "s"} waiting`}
      title="Waiting for you: go to the first"
      onClick={async () => {
        beforeReveal?.();
        await nextFrame();
        await revealApproval(pending[0]!.approvalId);
      }}
    >
      <Icon name="pause" size={14} />
      <span className="count num">{n}</span>
      <span className="approvals-word">approval{n === 1 ? "" : "s"}</span>
    </button>
  );
}
