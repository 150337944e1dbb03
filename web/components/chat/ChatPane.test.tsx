import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeStream, simpleTurn, usage } from "../../lib/fixtures";
import { LiveTextStore } from "../../lib/views/liveText";
import { buildTranscript, emptyTranscript } from "../../lib/views/transcript";
import { ChatPane } from "./ChatPane";

afterEach(cleanup);

function setup(transcript = emptyTranscript(), running = false) {
  const send = vi.fn(async () => ({ messageId: "m", runId: "r" }));
  const stop = vi.fn(async () => {});
  const utils = render(<ChatPane transcript={transcript} send={send} stop={stop} running={running} />);
  const box = screen.getByLabelText("Message") as HTMLTextAreaElement;
  return { ...utils, send, stop, box };
}

describe("ChatPane", () => {
  it("sends on Enter with a fresh clientId and shows the message optimistically", async () => {
    const { send, box } = setup();
    fireEvent.change(box, { target: { value: "hello there" } });
    await act(async () => {
      fireEvent.keyDown(box, { key: "Enter" });
    });
    expect(send).toHaveBeenCalledTimes(1);
    const [text, clientId] = send.mock.calls[0] as unknown as [string, string];
    expect(text).toBe("hello there");
    expect(clientId).toMatch(/[0-9a-f-]{36}/);
    expect(box.value).toBe("");
    expect(screen.getByText("hello there")).toBeTruthy();
  });

  it("keeps Shift+Enter for a new line and ignores empty input", () => {
    const { send, box } = setup();
    fireEvent.change(box, { target: { value: "line one" } });
    fireEvent.keyDown(box, { key: "Enter", shiftKey: true });
    expect(send).not.toHaveBeenCalled();
    fireEvent.change(box, { target: { value: "   " } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(send).not.toHaveBeenCalled();
  });

  it("stops the run with Escape and with the Stop button", async () => {
    const ev = makeStream();
    const t = buildTranscript([ev({ type: "run.started", runId: "r1", trigger: "user" })]);
    const { stop, box } = setup(t, true);
    await act(async () => {
      fireEvent.keyDown(box, { key: "Escape" });
    });
    expect(stop).toHaveBeenCalledTimes(1);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: /Stop/ }));
    });
    expect(stop).toHaveBeenCalledTimes(2);
    expect(screen.getByRole("status", { name: "Working" })).toBeTruthy();
  });

  it("retires the optimistic copy once the server's message.user arrives", async () => {
    const send = vi.fn(async () => ({ messageId: "u1", runId: "r1" }));
    const stop = vi.fn(async () => {});
    const { rerender } = render(
      <ChatPane transcript={emptyTranscript()} send={send} stop={stop} running={false} />,
    );
    const box = screen.getByLabelText("Message");
    fireEvent.change(box, { target: { value: "question 1" } });
    await act(async () => {
      fireEvent.keyDown(box, { key: "Enter" });
    });
    expect(screen.getAllByText("question 1")).toHaveLength(1);
    const t = buildTranscript(simpleTurn(makeStream(), 1));
    rerender(<ChatPane transcript={t} send={send} stop={stop} running={false} />);
    expect(screen.getAllByText("question 1")).toHaveLength(1);
    expect(screen.getByText(/Turn complete/)).toBeTruthy();
  });

  it("shows a failed send with a retry that reuses the clientId", async () => {
    const send = vi
      .fn()
      .mockRejectedValueOnce(new Error("offline"))
      .mockResolvedValueOnce({ messageId: "m", runId: null });
    render(<ChatPane transcript={emptyTranscript()} send={send} stop={async () => {}} running={false} />);
    const box = screen.getByLabelText("Message");
    fireEvent.change(box, { target: { value: "try me" } });
    await act(async () => {
      fireEvent.keyDown(box, { key: "Enter" });
    });
    expect(screen.getByText(/Not sent/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    });
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[1]![1]).toBe(send.mock.calls[0]![1]);
  });

  it("renders tool cards, thinking, retries and failures from events", async () => {
    const ev = makeStream();
    const t = buildTranscript([
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "llm.retry", attempt: 2, delayMs: 2000, reason: "overloaded" }),
      ev({ type: "message.started", messageId: "m1", model: "x" }),
      ev({ type: "thinking.delta", messageId: "m1", index: 0, text: "pondering" }),
      ev({ type: "tool.started", messageId: "m1", toolUseId: "t1", name: "write_file" }),
      ev({ type: "tool.called", toolUseId: "t1", name: "write_file", input: { path: "a.md" } }),
      ev({ type: "tool.result", toolUseId: "t1", isError: false, content: "wrote", ms: 12 }),
      ev({ type: "run.failed", runId: "r1", error: { code: "budget_exceeded", message: "Out of budget." } }),
    ]);
    render(<ChatPane transcript={t} send={vi.fn()} stop={async () => {}} running={false} />);
    expect(screen.getByText(/overloaded — retrying in 2.0 s \(attempt 2\)/)).toBeTruthy();
    expect(screen.getByText("Thought process")).toBeTruthy();
    expect(screen.getByText("write_file")).toBeTruthy();
    expect(screen.getByText("a.md")).toBeTruthy();
    expect(screen.getByText("12 ms")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("Budget exceeded");
  });

  it("draws live text into its message as it streams, and retracts what the log never got", async () => {
    const ev = makeStream();
    const events = [
      ev({ type: "run.started", runId: "r1", trigger: "user" }),
      ev({ type: "message.started", messageId: "m1", model: "x" }),
    ];
    const live = new LiveTextStore();
    const props = { send: vi.fn(), stop: async () => {}, running: true, live };
    const { rerender } = render(<ChatPane transcript={buildTranscript(events)} {...props} />);
    expect(screen.getByRole("status", { name: "Working" })).toBeTruthy();
    // A delta frame before anything is logged: the message shows it, and the dots give way.
    act(() => {
      live.push({ messageId: "m1", index: 0, kind: "text", offset: 0, text: "Streaming ahead" });
      live.notify();
    });
    expect(await screen.findByText(/Streaming ahead/)).toBeTruthy();
    expect(screen.queryByRole("status", { name: "Working" })).toBeNull();
    // The object crashed before logging it; the message is logged as aborted: the text goes.
    const aborted = ev({
      type: "message.completed",
      messageId: "m1",
      stopReason: "aborted",
      usage: usage(),
      costUsd: 0,
    });
    act(() => {
      live.logged([aborted]);
      live.notify();
    });
    rerender(<ChatPane transcript={buildTranscript([...events, aborted])} {...props} />);
    expect(screen.queryByText(/Streaming ahead/)).toBeNull();
  });
});
