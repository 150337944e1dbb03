// Money as each surface shows it: a spend to four decimals under a dollar (a turn costs fractions
// of a cent), a budget in the cents it was set in.
import { describe, expect, it } from "vitest";
import { formatBudget, formatUsd } from "./format";

describe("money", () => {
  it("shows a budget in cents, a spend in fractions of a cent", () => {
    expect(formatBudget(0.01)).toBe("$0.01");
    expect(formatBudget(1.25)).toBe("$1.25");
    expect(formatBudget(5)).toBe("$5.00");
    expect(formatBudget(2500)).toBe("$2,500");
    // Set finer than a cent through the API: not rounded away.
    expect(formatBudget(0.001)).toBe("$0.0010");
    expect(formatUsd(0.01)).toBe("$0.0100");
    expect(formatUsd(0.012345)).toBe("$0.0123");
  });
});
