// Secrets at rest (DESIGN §10): AES-GCM under BATON_SECRET_KEY, bound to where they live.
import { describe, expect, it } from "vitest";
import { SecretBox, SecretKeyMissing } from "./secrets";

const KEY = "k".repeat(32);

describe("SecretBox", () => {
  it("round-trips, with a fresh IV each time, and never in clear", async () => {
    const box = SecretBox.require({ BATON_SECRET_KEY: KEY });
    const a = await box.seal("hunter2-api-key", "connector:c1:secrets");
    const b = await box.seal("hunter2-api-key", "connector:c1:secrets");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\./);
    expect(a).not.toContain("hunter2");
    expect(await box.open(a, "connector:c1:secrets")).toBe("hunter2-api-key");
  });

  it("won't open under another binding, another key, or after tampering", async () => {
    const box = SecretBox.require({ BATON_SECRET_KEY: KEY });
    const sealed = await box.seal("token", "connector:c1:oauth");
    await expect(box.open(sealed, "connector:c2:oauth")).rejects.toThrow(/could not be decrypted/);
    const other = SecretBox.require({ BATON_SECRET_KEY: "z".repeat(40) });
    await expect(other.open(sealed, "connector:c1:oauth")).rejects.toThrow(/BATON_SECRET_KEY/);
    const [v, iv, data] = sealed.split(".");
    const flipped = `${v}.${iv}.${data!.slice(0, -2)}${data!.endsWith("A") ? "B" : "A"}${data!.slice(-1)}`;
    await expect(box.open(flipped, "connector:c1:oauth")).rejects.toThrow();
    // The error names where, never what.
    await expect(box.open(sealed, "connector:c2:oauth")).rejects.not.toThrow(/token/);
  });

  it("no key, or one too short: no box", () => {
    expect(SecretBox.fromEnv({})).toBeNull();
    expect(SecretBox.fromEnv({ BATON_SECRET_KEY: "short" })).toBeNull();
    expect(() => SecretBox.require({})).toThrow(SecretKeyMissing);
  });
});
