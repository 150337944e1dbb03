import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connectorsChanged, parseMcpName } from "../lib/mcpNames";
import type { ToolBlock } from "../lib/views/transcript";
import { ToolCard } from "./chat/ToolCard";
import { ToolName } from "./ToolName";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  connectorsChanged();
});

const block = (over: Partial<ToolBlock>): ToolBlock => ({
  kind: "tool",
  toolUseId: "tu1",
  name: "mcp__fixture__record",
  input: { key: "k1", note: "hello" },
  status: "done",
  result: "Recorded hello for k1 (call 1).",
  ms: 12,
  truncated: false,
  server: false,
  ...over,
});

describe("a connector's tool in cards", () => {
  it("splits mcp__<connector>__<tool>, a tool's own __ included", () => {
    expect(parseMcpName("mcp__fixture__record")).toEqual({ connector: "fixture", tool: "record" });
    expect(parseMcpName("mcp__my_conn__a__b")).toEqual({ connector: "my_conn", tool: "a__b" });
    expect(parseMcpName("mcp__fixture__*")).toEqual({ connector: "fixture", tool: "*" });
    expect(parseMcpName("write_file")).toBeNull();
    expect(parseMcpName("mcp__Bad__x")).toBeNull();
  });

  it("reads '<tool> · <connector>' with the server's own tool name, and its result as text", async () => {
    const fetch = vi.fn(async () =>
      Response.json({
        connectors: [{ tools: [{ name: "mcp__fixture__search_issues", tool: "search.issues" }] }],
      }),
    );
    vi.stubGlobal("fetch", fetch);
    render(
      <>
        <ToolCard tool={block({})} />
        <ToolCard
          tool={block({
            toolUseId: "tu2",
            name: "mcp__fixture__search_issues",
            result: "Here is the picture.\n[image: image/png, 1.5 KB]",
          })}
        />
      </>,
    );
    const [record, search] = document.querySelectorAll<HTMLElement>(".tool-card .tool-name");
    expect(record!.textContent).toBe("record · fixture");
    expect(record!.title).toBe("mcp__fixture__record");
    await waitFor(() => expect(search!.textContent).toBe("search.issues · fixture"));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(screen.getByText("Recorded hello for k1 (call 1).")).toBeTruthy();
    expect(screen.getByText(/\[image: image\/png, 1\.5 KB\]/)).toBeTruthy();
  });

  it("shows any other tool's name as it is, without asking the server", () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    render(<ToolName name="write_file" className="tool-name" />);
    expect(screen.getByText("write_file").className).toBe("tool-name mono");
    expect(fetch).not.toHaveBeenCalled();
  });
});
