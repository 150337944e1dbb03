// Login throttling (worker/auth/login-throttle.ts): guessing is bounded per source and per account,
// and nobody can lock the owner out by failing logins in their name.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LOGIN_LIMITS, networkOf } from "../worker/auth/login-throttle";
import { call, errorOf, freshIp, PASSWORD, signup } from "./auth-helpers";

const WRONG = "not the password";
const login = (email: string, password: string, ip: string) =>
  call("/api/auth/login", { ip, body: { email, password } });

async function expectThrottled(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  const retry = Number(res.headers.get("Retry-After"));
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(LOGIN_LIMITS.perEmailNetwork.sec);
  const body = await errorOf(res);
  expect(body.error.code).toBe("rate_limited");
  expect(body.error.message).toContain(`${retry} second`);
}

describe("login throttling", () => {
  // A fixed clock early in a window, so a slow run can't straddle two windows and reset a count.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2031-01-01T00:00:01Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("an attacker failing from one address is refused with 429; the owner elsewhere still signs in", async () => {
    const owner = await signup();
    const attacker = freshIp();
    const { limit } = LOGIN_LIMITS.perEmailNetwork;
    for (let i = 0; i < limit; i++) expect((await login(owner.email, WRONG, attacker)).status).toBe(401);
    for (let i = 0; i < 20; i++) await expectThrottled(await login(owner.email, WRONG, attacker));
    // Even the right password doesn't get the attacker's address past its limit.
    await expectThrottled(await login(owner.email, PASSWORD, attacker));
    // The owner, from a network the account has never used, is not affected at all.
    expect((await login(owner.email, PASSWORD, freshIp())).status).toBe(200);
  });

  it("bounds guesses spread over many addresses, without refusing the owner's own network", async () => {
    const owner = await signup();
    const home = freshIp();
    expect((await login(owner.email, PASSWORD, home)).status).toBe(200);
    // A botnet: every address stays under its own limit; together they use up the account's
    // allowance for unfamiliar networks (the home login above, before home was known, was one).
    const perBot = LOGIN_LIMITS.perEmailNetwork.limit;
    for (let left = LOGIN_LIMITS.perEmailUntrusted.limit - 1; left > 0; left -= perBot) {
      const ip = freshIp();
      for (let i = 0; i < Math.min(perBot, left); i++) {
        expect((await login(owner.email, WRONG, ip)).status).toBe(401);
      }
    }
    await expectThrottled(await login(owner.email, WRONG, freshIp()));
    // The owner's network signed in within the day: still let in, and other accounts are untouched.
    expect((await login(owner.email, PASSWORD, home)).status).toBe(200);
    const other = await signup();
    expect((await login(other.email, PASSWORD, freshIp())).status).toBe(200);
  });

  it("counts a whole IPv6 /64 as one source", async () => {
    const owner = await signup();
    const { limit } = LOGIN_LIMITS.perEmailNetwork;
    for (let i = 0; i < limit; i++) {
      expect((await login(owner.email, WRONG, `2001:db8:77:1::${(i + 1).toString(16)}`)).status).toBe(401);
    }
    await expectThrottled(await login(owner.email, WRONG, "2001:db8:77:1:ffff:ffff:ffff:ffff"));
    expect((await login(owner.email, PASSWORD, "2001:db8:77:2::1")).status).toBe(200);
  });

  it("networkOf: IPv4 as is, IPv6 by /64, anything odd left alone", () => {
    expect(networkOf("203.0.113.9")).toBe("203.0.113.9");
    expect(networkOf("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(networkOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(networkOf("2001:DB8:0001:0002:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(networkOf("::1")).toBe("0:0:0:0::/64");
    expect(networkOf("1:2:3:4:5:6:7::")).toBe("1:2:3:4::/64");
    expect(networkOf("unknown")).toBe("unknown");
    expect(networkOf("1::2::3")).toBe("1::2::3");
    expect(networkOf("1:2:3:4:5:6:7:8:9")).toBe("1:2:3:4:5:6:7:8:9");
    expect(networkOf("2001:db8::zz")).toBe("2001:db8::zz");
  });
});
