import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../http/errors";
import { rateLimit } from "./rate-limit";

async function outcome(key: string, limit: number, windowSec: number): Promise<ApiError | "ok"> {
  try {
    await rateLimit(env, key, limit, windowSec);
    return "ok";
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

describe("rateLimit", () => {
  afterEach(() => vi.useRealTimers());

  it("allows `limit` hits per window, then 429 rate_limited with retry-after", async () => {
    const key = `t:${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) expect(await outcome(key, 3, 60)).toBe("ok");
    const err = await outcome(key, 3, 60);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(429);
    expect(e.code).toBe("rate_limited");
    const retry = Number(e.headers?.["Retry-After"]);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(e.message).toContain(`${retry} second`);
  });

  it("keeps keys apart", async () => {
    const a = `t:${crypto.randomUUID()}`;
    const b = `t:${crypto.randomUUID()}`;
    expect(await outcome(a, 1, 60)).toBe("ok");
    expect(await outcome(a, 1, 60)).not.toBe("ok");
    expect(await outcome(b, 1, 60)).toBe("ok");
  });

  it("starts counting afresh in the next window", async () => {
    const key = `t:${crypto.randomUUID()}`;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:10Z"));
    expect(await outcome(key, 1, 60)).toBe("ok");
    const refused = await outcome(key, 1, 60);
    expect((refused as ApiError).headers?.["Retry-After"]).toBe("50");
    vi.setSystemTime(new Date("2030-01-01T00:01:00Z"));
    expect(await outcome(key, 1, 60)).toBe("ok");
    const row = await env.DB.prepare("SELECT count, window_start FROM rate_limits WHERE key = ?")
      .bind(key)
      .first<{ count: number; window_start: number }>();
    expect(row).toEqual({ count: 1, window_start: Date.parse("2030-01-01T00:01:00Z") });
  });

  it("counts concurrent hits exactly (one atomic statement each)", async () => {
    const key = `t:${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => outcome(key, 10, 60)));
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
  });

  it("refuses windows it can't keep", async () => {
    await expect(rateLimit(env, "t:x", 1, 0)).rejects.toThrow(/window/);
    await expect(rateLimit(env, "t:x", 1, 2 * 86_400)).rejects.toThrow(/window/);
  });
});
