import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Toast, useToast } from "./Toast";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("Toast", () => {
  it("runs its action (Undo), and goes after 10 s unless the pointer or focus is on it", async () => {
    vi.useFakeTimers();
    const run = vi.fn(async () => {});
    const onDismiss = vi.fn();
    render(
      <Toast toast={{ id: 1, text: "Deleted a.md", action: { label: "Undo", run } }} onDismiss={onDismiss} />,
    );
    expect(screen.getByRole("status").textContent).toContain("Deleted a.md");
    const toast = document.querySelector(".toast")!;
    fireEvent.mouseEnter(toast);
    act(() => vi.advanceTimersByTime(30_000));
    expect(onDismiss).not.toHaveBeenCalled();
    fireEvent.mouseLeave(toast);
    act(() => vi.advanceTimersByTime(9_999));
    expect(onDismiss).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(onDismiss).toHaveBeenCalledOnce();
    await act(async () => fireEvent.click(screen.getByRole("button", { name: "Undo" })));
    expect(run).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(onDismiss).toHaveBeenCalledTimes(2);
  });
});

function Page() {
  const { toast, say, dismiss } = useToast();
  return (
    <>
      <button
        type="button"
        onClick={() => say({ text: "Archived Alpha", action: { label: "Undo", run: () => {} } })}
      >
        one
      </button>
      <button type="button" onClick={() => say({ text: "Restored Alpha" })}>
        two
      </button>
      <Toast toast={toast} onDismiss={dismiss} />
    </>
  );
}

describe("useToast", () => {
  it("shows one message at a time, a new one restarting the clock", () => {
    vi.useFakeTimers();
    render(<Page />);
    const region = screen.getByRole("status");
    expect(region.textContent).toBe("");
    fireEvent.click(screen.getByRole("button", { name: "one" }));
    expect(region.textContent).toContain("Archived Alpha");
    act(() => vi.advanceTimersByTime(6_000));
    fireEvent.click(screen.getByRole("button", { name: "two" }));
    expect(region.textContent).toContain("Restored Alpha");
    expect(screen.queryByRole("button", { name: "Undo" })).toBeNull();
    act(() => vi.advanceTimersByTime(6_000));
    expect(region.textContent).toContain("Restored Alpha");
    act(() => vi.advanceTimersByTime(4_000));
    expect(region.textContent).toBe("");
    fireEvent.click(screen.getByRole("button", { name: "one" }));
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(region.textContent).toBe("");
  });
});
