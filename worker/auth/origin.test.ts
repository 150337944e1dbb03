import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors";
import { checkOrigin } from "./origin";

const req = (origin?: string) =>
  new Request("https://baton.example/api/me", { method: "POST", headers: origin ? { Origin: origin } : {} });
const envWith = (ALLOWED_ORIGINS: string) => ({ ALLOWED_ORIGINS }) as Env;

function refusal(fn: () => void): ApiError | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

describe("checkOrigin", () => {
  it("accepts the request's own origin", () => {
    expect(refusal(() => checkOrigin(req("https://baton.example"), envWith("")))).toBeNull();
  });

  it("refuses missing, foreign, look-alike, other-scheme, other-port and opaque origins with 403 bad_origin", () => {
    for (const o of [
      undefined,
      "https://evil.example",
      "https://baton.example.evil.example",
      "http://baton.example",
      "https://baton.example:8443",
      "null",
      "garbage",
    ]) {
      const err = refusal(() => checkOrigin(req(o), envWith("")));
      expect(err?.status, String(o)).toBe(403);
      expect(err?.code).toBe("bad_origin");
    }
  });

  it("accepts ALLOWED_ORIGINS entries, tolerating spaces, trailing slashes and bad entries", () => {
    const env = envWith(" http://localhost:5173 , not a url, https://admin.example/ ,");
    expect(refusal(() => checkOrigin(req("http://localhost:5173"), env))).toBeNull();
    expect(refusal(() => checkOrigin(req("https://admin.example"), env))).toBeNull();
    expect(refusal(() => checkOrigin(req("http://localhost:5174"), env))?.status).toBe(403);
  });
});
