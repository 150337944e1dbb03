// Extended thinking is asked for the way each model takes it (the Messages API refuses adaptive
// thinking before Claude 4.6, and a budget under 1,024 tokens or not under max_tokens).
import { describe, expect, it } from "vitest";
import { thinkingParams } from "./messages";

describe("thinkingParams", () => {
  it("is off unless configured", () => {
    expect(thinkingParams("claude-sonnet-5-5", 8192, null)).toEqual({});
  });
  it("asks current models for adaptive thinking, with the effort when set", () => {
    expect(thinkingParams("claude-sonnet-5-5", 8192, { type: "adaptive" })).toEqual({
      thinking: { type: "adaptive" },
    });
    expect(thinkingParams("claude-opus-4-8", 8192, { type: "adaptive", effort: "high" })).toEqual({
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
    });
  });
  it("gives Claude 4.5 a token budget under max_tokens, or none when there is no room", () => {
    expect(thinkingParams("claude-haiku-4-5", 8192, { type: "adaptive", effort: "high" })).toEqual({
      thinking: { type: "enabled", budget_tokens: 7168 },
    });
    expect(thinkingParams("claude-sonnet-4-5", 8192, { type: "adaptive" })).toEqual({
      thinking: { type: "enabled", budget_tokens: 6144 },
    });
    expect(thinkingParams("claude-sonnet-4-5", 1500, { type: "adaptive" })).toEqual({});
  });
});
