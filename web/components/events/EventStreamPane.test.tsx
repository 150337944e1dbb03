import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../schema/events";
import { agentSummary, makeStream } from "../../lib/fixtures";
import { buildAgents } from "../../lib/views/agents";
import { AgentsPane } from "../agents/AgentsPane";
import { EventStreamPane } from "./EventStreamPane";

afterEach(cleanup);

function bigLog(n: number): StreamEvent[] {
  const ev = makeStream();
  const out: StreamEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      i % 1000 === 999
        ? ev({ type: "run.failed", runId: `r${i}`, error: { code: "llm_error", message: "It broke." } })
        : ev({ type: "text.delta", messageId: "m", index: 0, text: `t${i}` }),
    );
  }
  return out;
}

describe("EventStreamPane", () => {
  it("renders a window of 50,000 events, not all of them, and filters quickly", async () => {
    const events = bigLog(50_000);
    const t0 = performance.now();
    const { container } = render(<EventStreamPane events={events} agents={[]} names={new Map()} />);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(container.querySelectorAll(".ev-row").length).toBeLessThan(200);
    expect(screen.getByText("50,000 events")).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Errors" }));
    });
    expect(await screen.findByText("50 of 50,000 events")).toBeTruthy();
    await act(async () => {
      fireEvent.change(screen.getByLabelText("Search events"), { target: { value: "t4242" } });
    });
    expect(await screen.findByText("0 of 50,000 events")).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Clear" }));
    });
    expect(await screen.findByText("50,000 events")).toBeTruthy();
  });
});

describe("AgentsPane", () => {
  it("shows status as colour and label, model, context and cost, linking to the agent", () => {
    const ev = makeStream();
    const view = buildAgents([
      ev({ type: "agent.created", agent: agentSummary({ id: "a1", name: "writer", contextTokens: 50_000 }) }),
      ev({ type: "agent.status", agentId: "a1", status: "executing", note: "drafting the intro" }),
    ]);
    const agents = [...view.byId.values()];
    const router = createMemoryRouter([
      { path: "*", element: <AgentsPane orchestratorId="o1" agents={agents} /> },
    ]);
    render(<RouterProvider router={router} />);
    const link = screen.getByRole("link", { name: /^writer\s*Executing/ });
    expect(link.getAttribute("href")).toBe("/o/o1/agents/a1");
    expect(screen.getByText("Executing")).toBeTruthy();
    expect(screen.getByText("drafting the intro")).toBeTruthy();
    expect(screen.getByText("Claude Haiku 5.5")).toBeTruthy();
    expect(screen.getByRole("meter").getAttribute("aria-valuetext")).toBe("25% of the context window");
  });
});
