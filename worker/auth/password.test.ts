import { describe, expect, it } from "vitest";
import { DEFAULT_ITERATIONS, fakeVerify, hashPassword, passwordIterations, verifyPassword } from "./password";

describe("passwords", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const h = await hashPassword("correct horse battery", 1000);
    expect(h.iterations).toBe(1000);
    expect(await verifyPassword("correct horse battery", h)).toBe(true);
    expect(await verifyPassword("correct horse batterY", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("salts per hash: the same password never hashes the same twice", async () => {
    const [a, b] = [await hashPassword("same password", 1000), await hashPassword("same password", 1000)];
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    expect(a.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("binds the iteration count into the hash", async () => {
    const h = await hashPassword("pw pw pw pw", 1000);
    expect(await verifyPassword("pw pw pw pw", { ...h, iterations: 999 })).toBe(false);
  });

  it("treats composed and decomposed accents as the same password", async () => {
    const h = await hashPassword("caf\u00e9 au lait!", 1000);
    expect(await verifyPassword("cafe\u0301 au lait!", h)).toBe(true);
  });

  it("matches the known PBKDF2-HMAC-SHA256 vector (RFC 7914 §11)", async () => {
    // P="passwd", S="salt", c=1, dkLen=64 → first 32 bytes below.
    const salt = btoa("salt").replace(/=+$/, "");
    const expected = "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc";
    const hash = Array.from(expected.match(/../g)!, (h) => String.fromCharCode(Number.parseInt(h, 16))).join(
      "",
    );
    const stored = {
      hash: btoa(hash).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
      salt,
      iterations: 1,
    };
    expect(await verifyPassword("passwd", stored)).toBe(true);
  });

  it("defaults to 100,000 iterations, honours PBKDF2_ITERATIONS, and never exceeds the Workers cap", () => {
    expect(DEFAULT_ITERATIONS).toBe(100_000);
    expect(passwordIterations({})).toBe(100_000);
    expect(passwordIterations({ PBKDF2_ITERATIONS: "1000" })).toBe(1000);
    expect(passwordIterations({ PBKDF2_ITERATIONS: "500000" })).toBe(100_000);
    expect(passwordIterations({ PBKDF2_ITERATIONS: "zero" })).toBe(100_000);
    expect(passwordIterations({ PBKDF2_ITERATIONS: "-5" })).toBe(100_000);
  });

  it("runs a real derivation at the production count (the Workers cap) in reasonable time", async () => {
    const started = Date.now();
    const h = await hashPassword("production strength", 100_000);
    expect(await verifyPassword("production strength", h)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("fakeVerify always refuses", async () => {
    expect(await fakeVerify("anything", 1000)).toBe(false);
  });
});
