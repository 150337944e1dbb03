// The pure parts of the MCP client: model-safe tool names, scrubbing secrets from messages, and
// results turned into text for the model.
import { describe, expect, it } from "vitest";
import { scrub, toolKeys } from "./client";
import { summariseResult } from "./tools";

describe("toolKeys", () => {
  it("keeps good names, makes others model-safe, short, unique and stable", () => {
    const names = ["search", "files/read", "files.read", "x".repeat(40), "x".repeat(40) + "y", "ünï"];
    const keys = toolKeys(names);
    expect(keys[0]).toBe("search");
    expect(keys[1]).toBe("files_read");
    expect(keys[2]).toMatch(/^files_read_[0-9a-f]{4}$/);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9_-]{1,33}$/);
    expect(new Set(keys).size).toBe(keys.length);
    expect(toolKeys(names)).toEqual(keys);
    // The longest model name fits Anthropic's 64 characters with a 24-character connector name.
    expect(`mcp__${"c".repeat(24)}__${keys[3]}`.length).toBeLessThanOrEqual(64);
  });
});

describe("scrub", () => {
  it("masks secret values and bearer tokens, and keeps messages short", () => {
    const text = scrub("401 for key sk-live-123456 with Bearer abcdefgh12345678", ["sk-live-123456"]);
    expect(text).toBe("401 for key [redacted] with Bearer [redacted]");
    expect(scrub("x".repeat(1000), []).length).toBeLessThanOrEqual(401);
  });
});

describe("summariseResult", () => {
  it("summarises audio and structured-only results, marks errors, masks secrets", () => {
    expect(
      summariseResult({ content: [{ type: "audio", data: "AAAA", mimeType: "audio/wav" }] }, []),
    ).toEqual({ content: "[audio: audio/wav, 3 bytes]", isError: false });
    expect(summariseResult({ content: [], structuredContent: { n: 1 } }, [])).toEqual({
      content: '{"n":1}',
      isError: false,
    });
    expect(summariseResult({ content: [], isError: true }, [])).toEqual({
      content: "The tool failed without saying why.",
      isError: true,
    });
    expect(
      summariseResult({ content: [{ type: "text", text: "key=s3cr3t-value" }] }, ["s3cr3t-value"]),
    ).toEqual({ content: "key=[redacted]", isError: false });
  });
});
