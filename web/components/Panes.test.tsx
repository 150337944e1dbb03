import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Panes } from "./Panes";

const panes = [
  { id: "a", title: "Agents", weight: 1, children: <p>agents body</p> },
  { id: "b", title: "Event stream", weight: 1, children: <p>events body</p> },
  { id: "c", title: "Chat", weight: 1, children: <p>chat body</p> },
];

beforeEach(() => localStorage.clear());
afterEach(cleanup);

describe("Panes", () => {
  it("collapses and expands panes, keeping at least one open", () => {
    render(<Panes layoutKey="t" panes={panes} />);
    expect(screen.getAllByRole("separator")).toHaveLength(2);
    fireEvent.click(screen.getByRole("button", { name: "Collapse Agents" }));
    expect(screen.queryByText("agents body")).toBeNull();
    expect(screen.getAllByRole("separator")).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Collapse Event stream" }));
    fireEvent.click(screen.getByRole("button", { name: "Collapse Chat" }));
    expect(screen.getByText("chat body")).toBeTruthy(); // the last one stays
    fireEvent.click(screen.getByRole("button", { name: "Expand Agents" }));
    expect(screen.getByText("agents body")).toBeTruthy();
    expect(JSON.parse(localStorage.getItem("baton.panes.t")!).collapsed).toMatchObject({ a: false, b: true });
  });

  it("resizes with the keyboard on a separator", () => {
    render(<Panes layoutKey="k" panes={panes} />);
    const sep = screen.getAllByRole("separator")[0]!;
    fireEvent.keyDown(sep, { key: "ArrowRight" });
    const saved = JSON.parse(localStorage.getItem("baton.panes.k")!);
    expect(saved.weights.a).not.toBe(saved.weights.b);
  });
});
