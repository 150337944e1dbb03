// The chat's actions as a user meets them: queued messages after the running turn with Cancel,
// held ones with Resume below Stop's divider, Edit, Regenerate and Retry on the right turn, Copy,
// report cards, workspace links, find and export.
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeStream, simpleTurn, usage } from "../../lib/fixtures";
import { ApiError } from "../../lib/http";
import { buildTranscript, type Transcript } from "../../lib/views/transcript";
import { ChatPane } from "./ChatPane";
import type { ChatActions, ChatLinks } from "./chatContext";

afterEach(cleanup);

function actions(): { [K in keyof ChatActions]: ReturnType<typeof vi.fn> } & ChatActions {
  return {
    cancel: vi.fn(async () => ({})),
    edit: vi.fn(async () => ({})),
    regenerate: vi.fn(async () => ({})),
    retry: vi.fn(async () => ({})),
    resume: vi.fn(async () => ({})),
  } as never;
}

function show(t: Transcript, a = actions(), links: ChatLinks | null = null, running = false) {
  const utils = render(
    <ChatPane
      transcript={t}
      send={vi.fn()}
      stop={async () => {}}
      running={running}
      actions={a}
      links={links}
      exportUrl={(f) => `/api/orchestrators/o1/export?format=${f}`}
    />,
  );
  return { ...utils, a };
}

const ev = () => makeStream();

describe("chat actions", () => {
  it("shows a follow-up sent mid-stream as queued after the running turn, and cancels it", async () => {
    const e = ev();
    const t = buildTranscript([
      e({ type: "message.user", messageId: "u1", text: "first question" }),
      e({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1" }),
      e({ type: "message.started", messageId: "m1", model: "x" }),
      e({ type: "text.delta", messageId: "m1", index: 0, text: "Streaming answer" }),
      e({ type: "message.user", messageId: "u2", text: "a follow-up" }),
    ]);
    const { container, a } = show(t, actions(), null, true);
    const queued = container.querySelector<HTMLElement>(".msg-queued")!;
    expect(within(queued).getByText("Queued")).toBeTruthy();
    expect(within(queued).getByText("a follow-up")).toBeTruthy();
    // After the answer that streams now.
    const order = [...container.querySelectorAll(".msg-assistant, .msg-queued")].map((el) => el.className);
    expect(order).toEqual(["msg msg-assistant", "msg msg-user msg-queued"]);
    await act(async () => {
      fireEvent.click(within(queued).getByRole("button", { name: "Cancel" }));
    });
    expect(a.cancel).toHaveBeenCalledWith("u2");
  });

  it("after Stop, the Stopped divider is above the held message, which offers Resume", async () => {
    const e = ev();
    const t = buildTranscript([
      e({ type: "message.user", messageId: "u1", text: "long" }),
      e({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1" }),
      e({ type: "message.user", messageId: "u2", text: "held one" }),
      e({ type: "inbox.held", held: true, queuedReports: 0 }),
      e({ type: "run.interrupted", runId: "r1" }),
    ]);
    const { container, a } = show(t);
    const stopped = container.querySelector(".turn-interrupted")!;
    const held = container.querySelector(".msg-queued")!;
    expect(stopped.compareDocumentPosition(held) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(held as HTMLElement).getByText("Held")).toBeTruthy();
    expect(screen.getByText(/^1 message waits for your next message/)).toBeTruthy();
    // No Retry on the stopped turn while a message waits: it would be refused.
    expect(within(stopped as HTMLElement).queryByRole("button", { name: "Retry" })).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: /Resume now/ }));
    });
    expect(a.resume).toHaveBeenCalledTimes(1);
  });

  it("edits a message in place and sends it again; Escape gives up", async () => {
    const t = buildTranscript(simpleTurn(ev(), 1));
    const { a } = show(t);
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    const box = screen.getByRole("textbox", { name: "Edit message" }) as HTMLTextAreaElement;
    expect(box.value).toBe("question 1");
    fireEvent.keyDown(box, { key: "Escape" });
    expect(screen.queryByRole("textbox", { name: "Edit message" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    const again = screen.getByRole("textbox", { name: "Edit message" });
    fireEvent.change(again, { target: { value: "question 1, sharper" } });
    await act(async () => {
      fireEvent.keyDown(again, { key: "Enter" });
    });
    expect(a.edit).toHaveBeenCalledWith("u1", "question 1, sharper");
    expect(screen.queryByRole("textbox", { name: "Edit message" })).toBeNull();
  });

  it("offers Regenerate on the latest answer only, and Retry on a failed turn", async () => {
    const e = ev();
    const done = buildTranscript([...simpleTurn(e, 1), ...simpleTurn(e, 2)]);
    const first = show(done);
    expect(screen.getAllByRole("button", { name: "Regenerate" })).toHaveLength(1);
    const lastTurn = [...first.container.querySelectorAll(".turn")].at(-1) as HTMLElement;
    await act(async () => {
      fireEvent.click(within(lastTurn).getByRole("button", { name: "Regenerate" }));
    });
    expect(first.a.regenerate).toHaveBeenCalledWith("u2");
    cleanup();

    const failed = buildTranscript([
      e({ type: "message.user", messageId: "u3", text: "hi" }),
      e({ type: "run.started", runId: "r3", trigger: "user", messageId: "u3" }),
      e({ type: "run.failed", runId: "r3", error: { code: "llm_unavailable", message: "Down." } }),
    ]);
    const a = actions();
    a.retry.mockRejectedValueOnce(new ApiError(409, "not_retryable", "Only the latest run can be retried."));
    show(failed, a);
    expect(screen.queryByRole("button", { name: "Regenerate" })).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    });
    expect(a.retry).toHaveBeenCalledWith("r3");
    expect(screen.getByText("Could not retry: Only the latest run can be retried.")).toBeTruthy();
  });

  it("copies a message and an answer; shows the full time on hover", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const t = buildTranscript(simpleTurn(ev(), 1, ["The ", "answer."]));
    const { container } = show(t);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Copy message" }));
    });
    expect(writeText).toHaveBeenLastCalledWith("question 1");
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Copy answer" }));
    });
    expect(writeText).toHaveBeenLastCalledWith("The answer.");
    expect(screen.getAllByText("Copied").length).toBeGreaterThan(0);
    const time = container.querySelector<HTMLElement>(".msg-user time")!;
    expect(time.getAttribute("title")).toMatch(/2023/);
    expect(time.tabIndex).toBe(0);
  });

  it("shows an agent's report as a card that opens to its result", async () => {
    const e = ev();
    const t = buildTranscript([
      e({ type: "agent.created", agent: { id: "a1", name: "scout" } as never }),
      e({ type: "agent.completed", agentId: "a1", result: "Found three things" }),
      e({ type: "run.started", runId: "r1", trigger: "agent_report", reports: ["a1"] }),
      e({ type: "run.completed", runId: "r1", usage: usage(), costUsd: 0 }),
    ]);
    const { container } = show(t);
    const card = container.querySelector<HTMLDetailsElement>(".report-card")!;
    expect(card.open).toBe(false);
    expect(within(card).getByText("scout")).toBeTruthy();
    expect(within(card).getByText("Handed to the orchestrator")).toBeTruthy();
    expect(await within(card).findByText("Found three things", { selector: "p" })).toBeTruthy();
  });

  it("links workspace paths in answers and tool cards to the files page, in the app", async () => {
    const e = ev();
    const t = buildTranscript([
      e({ type: "message.user", messageId: "u1", text: "write it" }),
      e({ type: "run.started", runId: "r1", trigger: "user", messageId: "u1" }),
      e({ type: "message.started", messageId: "m1", model: "x" }),
      e({ type: "tool.started", messageId: "m1", toolUseId: "t1", name: "write_file" }),
      e({ type: "tool.called", toolUseId: "t1", name: "write_file", input: { path: "notes/a.md" } }),
      e({ type: "tool.result", toolUseId: "t1", isError: false, content: "wrote", ms: 3 }),
      e({ type: "text.delta", messageId: "m1", index: 1, text: "Saved to notes/a.md." }),
    ]);
    const navigate = vi.fn();
    const file = (p: string) => (p === "notes/a.md" ? "/o/o1/files?path=notes%2Fa.md" : null);
    const { container } = show(t, actions(), { file, linkPath: file, navigate });
    const toolLink = container.querySelector<HTMLAnchorElement>(".tool-files a")!;
    expect(toolLink.getAttribute("href")).toBe("/o/o1/files?path=notes%2Fa.md");
    fireEvent.click(toolLink, { button: 0 });
    expect(navigate).toHaveBeenCalledWith("/o/o1/files?path=notes%2Fa.md");
    const inText = async () => {
      const links = await screen.findAllByRole("link", { name: "notes/a.md" }, { timeout: 4000 });
      const found = links.find((l) => l.closest(".md"));
      if (!found) throw new Error("no link in the answer's text yet");
      return found;
    };
    const textLink = await vi.waitFor(inText, { timeout: 4000 });
    expect(textLink.getAttribute("href")).toBe("/o/o1/files?path=notes%2Fa.md");
    expect(textLink.closest(".md")).toBeTruthy();
  });

  it("finds text across the conversation and offers both exports", async () => {
    const e = ev();
    const t = buildTranscript([...simpleTurn(e, 1, ["zebra ", "and zebra"]), ...simpleTurn(e, 2)]);
    show(t);
    fireEvent.click(screen.getByRole("button", { name: /Find/ }));
    const box = screen.getByRole("searchbox", { name: "Find in conversation" });
    fireEvent.change(box, { target: { value: "ZEBRA" } });
    expect(await screen.findByText("1 of 2")).toBeTruthy();
    fireEvent.keyDown(box, { key: "Enter" });
    expect(await screen.findByText("2 of 2")).toBeTruthy();
    fireEvent.change(box, { target: { value: "question" } });
    expect(await screen.findByText("1 of 2")).toBeTruthy();
    fireEvent.keyDown(box, { key: "Escape" });
    expect(screen.queryByRole("searchbox")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: /Export/ }));
    expect(screen.getByRole("link", { name: /Markdown/ }).getAttribute("href")).toBe(
      "/api/orchestrators/o1/export?format=md",
    );
    expect(screen.getByRole("link", { name: /JSON/ }).hasAttribute("download")).toBe(true);
  });
});
