import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApprovalInfo } from "../../../schema/events";
import { ApiError } from "../../lib/http";
import type { ApprovalView } from "../../lib/views/approvals";
import { type ApprovalActions, ApprovalActionsContext } from "./ApprovalActions";
import { ApprovalCard } from "./ApprovalCard";
import { PendingApprovalsButton } from "./PendingApprovalsButton";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const NOW = 1_700_000_000_000;
const H = 3_600_000;

const view = (over: Partial<ApprovalView> = {}): ApprovalView => ({
  approvalId: "apr_1",
  toolUseId: "tu_1",
  name: "write_file",
  input: { path: "notes/a.md", content: "# A\n\nhello" },
  agentId: "ag_1",
  requestedAt: NOW,
  expiresAt: NOW + 23 * H + 5 * 60_000,
  status: "pending",
  by: null,
  note: null,
  decidedAt: null,
  ...over,
});

const info = (over: Partial<ApprovalInfo>): ApprovalInfo => ({
  approvalId: "apr_1",
  toolUseId: "tu_1",
  name: "write_file",
  input: {},
  status: "approved",
  requestedAt: NOW,
  expiresAt: NOW + H,
  decidedAt: NOW + 1,
  by: "user",
  runId: "r1",
  ...over,
});

function mount(card: ReactNode, decide?: ApprovalActions["decide"]) {
  const actions: ApprovalActions = {
    decide: decide ?? vi.fn(async () => info({})),
    agentName: (id) => (id === "ag_1" ? "scribe" : null),
  };
  const utils = render(<ApprovalActionsContext value={actions}>{card}</ApprovalActionsContext>);
  return { ...utils, actions };
}

describe("ApprovalCard", () => {
  it("names the tool and the agent, shows the input and when it will be denied on its own", () => {
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    mount(<ApprovalCard approval={view()} />);
    const card = screen.getByRole("region", { name: /Approval needed: write_file · scribe/ });
    expect(card.getAttribute("data-status")).toBe("pending");
    expect(within(card).getByText("notes/a.md")).toBeTruthy();
    expect(within(card).getByText("path")).toBeTruthy();
    expect(card.textContent).toContain("Denied automatically in 23 h if nobody answers");
    // Short input: nothing to unfold.
    expect(within(card).queryByRole("button", { name: /Show all/ })).toBeNull();
  });

  it("folds a long input until asked, with the state on the button", () => {
    const content = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
    mount(<ApprovalCard approval={view({ input: { path: "long.md", content } })} />);
    const more = screen.getByRole("button", { name: /Show all \(41 lines\)/ });
    expect(more.getAttribute("aria-expanded")).toBe("false");
    const body = document.getElementById(more.getAttribute("aria-controls")!)!;
    expect(body.getAttribute("data-folded")).toBe("true");
    fireEvent.click(more);
    expect(more.getAttribute("aria-expanded")).toBe("true");
    expect(body.getAttribute("data-folded")).toBe("false");
    expect(more.textContent).toBe("Show less");
  });

  it("approves with the note, then shows the decision at once and keeps focus on the card", async () => {
    const decide = vi.fn(async () => info({ status: "approved" }));
    mount(<ApprovalCard approval={view()} />, decide);
    fireEvent.change(screen.getByRole("textbox", { name: "Note for write_file (optional)" }), {
      target: { value: "  fine  " },
    });
    const approve = screen.getByRole("button", { name: "Approve" });
    approve.focus();
    await act(async () => fireEvent.click(approve));
    expect(decide).toHaveBeenCalledWith("apr_1", "approve", "fine");
    const card = screen.getByRole("region");
    expect(card.getAttribute("data-status")).toBe("approved");
    expect(card.textContent).toContain("Approved by you");
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
    expect(document.activeElement).toBe(card);
  });

  it("denies without a note, and shows a refusal next to the buttons", async () => {
    const decide = vi.fn(async () => {
      throw new ApiError(409, "already_decided", "decided");
    });
    mount(<ApprovalCard approval={view()} />, decide);
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Deny" })));
    expect(decide).toHaveBeenCalledWith("apr_1", "deny", undefined);
    expect(screen.getByRole("alert").textContent).toMatch(/already decided/);
    // Still pending here until the stream says otherwise; the buttons are back.
    expect((screen.getByRole("button", { name: "Deny" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows how a decided approval ended, by whom, with the note", () => {
    mount(
      <>
        <ApprovalCard approval={view({ status: "denied", by: "user", note: "Use drafts/" })} />
        <ApprovalCard approval={view({ approvalId: "apr_2", status: "denied", by: "timeout" })} />
      </>,
    );
    const [byUser, byTimeout] = screen.getAllByRole("region");
    expect(byUser!.textContent).toContain("Denied by you: Use drafts/");
    expect(byUser!.querySelector("q")?.textContent).toBe("Use drafts/");
    expect(byTimeout!.textContent).toContain("Denied automatically: nobody answered in time");
    expect(screen.queryByRole("button", { name: /Approve|Deny/ })).toBeNull();
    expect(byUser!.textContent).not.toContain("if nobody answers");
  });

  it("is read-only without a page to decide through", () => {
    render(<ApprovalCard approval={view()} />);
    expect(screen.getByRole("region").textContent).toContain("write_file");
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
  });
});

describe("PendingApprovalsButton", () => {
  it("counts what waits and brings the first card into view, focused, scrolling only its own pane", async () => {
    vi.stubGlobal("requestAnimationFrame", (fn: FrameRequestCallback) => setTimeout(() => fn(0), 0));
    const pending = [view(), view({ approvalId: "apr_2" })];
    mount(
      <>
        <PendingApprovalsButton pending={pending} />
        <div className="chat-scroll" style={{ overflowY: "auto", height: "100px" }}>
          <div className="chat">
            {pending.map((a) => (
              <ApprovalCard key={a.approvalId} approval={a} />
            ))}
          </div>
        </div>
      </>,
    );
    const scroller = document.querySelector<HTMLElement>(".chat-scroll")!;
    Object.defineProperty(scroller, "scrollHeight", { value: 1000 });
    Object.defineProperty(scroller, "clientHeight", { value: 100 });
    const scrolled = vi.fn();
    scroller.scrollTo = scrolled;
    const pageScroll = vi.spyOn(window, "scrollTo");
    const button = screen.getByRole("button", { name: "2 approvals waiting" });
    expect(button.querySelector(".count")?.textContent).toBe("2");
    expect(button.querySelector(".approvals-word")?.textContent).toBe("approvals");
    await act(async () => {
      fireEvent.click(button);
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(scrolled).toHaveBeenCalledTimes(1);
    expect(pageScroll).not.toHaveBeenCalled();
    const focused = document.activeElement as HTMLElement;
    expect(focused.getAttribute("data-approval-id")).toBe("apr_1");
    expect(focused.hasAttribute("data-flash")).toBe(true);
    vi.unstubAllGlobals();
  });

  it("is absent when nothing waits", () => {
    render(<PendingApprovalsButton pending={[]} />);
    expect(screen.queryByRole("button")).toBeNull();
  });
});
