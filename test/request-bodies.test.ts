// Request bodies are never read past their limit (DESIGN §8): a declared Content-Length over it is
// refused before reading anything, and a body without one is cut off as soon as it passes it.
// Each case sends a stream that would be 90 MB and counts how much of it the Worker pulled.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INPUT_LIMITS } from "../schema/api";
import { BASE, createOrchestrator, makeUser } from "./helpers";

const HUGE = 90_000_000;
const CHUNK = 64 * 1024;

/** A pull stream of `HUGE` bytes that records how many bytes were pulled from it. */
function hugeBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= HUGE) return controller.close();
        pulled += CHUNK;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

type ErrorBody = { error: { code: string; message: string } };

async function send(path: string, method: string, token: string, headers: Record<string, string>) {
  const body = hugeBody();
  const res = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...headers },
    body: body.stream,
    duplex: "half",
  } as RequestInit);
  const error = (await res.json<ErrorBody>()).error;
  return { status: res.status, error, pulled: body.pulled() };
}

describe("request bodies", () => {
  it("a 90 MB file PUT gets 413 without being read: declared, or streamed without a length", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const path = `/api/orchestrators/${id}/files/huge.txt`;

    const declared = await send(path, "PUT", user.token, { "Content-Length": String(HUGE) });
    expect(declared).toMatchObject({ status: 413, error: { code: "too_large" } });
    expect(declared.error.message).toContain(`${INPUT_LIMITS.fileBytes} bytes`);
    // Nothing was read: at most what the transport buffered ahead of the Worker.
    expect(declared.pulled).toBeLessThan(INPUT_LIMITS.fileBytes);

    const chunked = await send(path, "PUT", user.token, {});
    expect(chunked).toMatchObject({ status: 413, error: { code: "too_large" } });
    // Read up to the limit, then cut off (plus what the transport buffered).
    expect(chunked.pulled).toBeGreaterThan(INPUT_LIMITS.fileBytes);
    expect(chunked.pulled).toBeLessThan(INPUT_LIMITS.fileBytes + 4 * 1024 * 1024);

    const list = await SELF.fetch(`${BASE}/api/orchestrators/${id}/files`, {
      headers: { Authorization: `Bearer ${user.token}` },
    });
    expect((await list.json<{ files: unknown[] }>()).files).toEqual([]);
  });

  it("a 90 MB JSON body gets 413 the same way, through the same reader", async () => {
    const user = await makeUser();
    const json = { "Content-Type": "application/json" };
    const declared = await send("/api/orchestrators", "POST", user.token, {
      ...json,
      "Content-Length": String(HUGE),
    });
    expect(declared).toMatchObject({ status: 413, error: { code: "payload_too_large" } });
    expect(declared.pulled).toBeLessThan(INPUT_LIMITS.fileBytes);

    const chunked = await send("/api/orchestrators", "POST", user.token, json);
    expect(chunked).toMatchObject({ status: 413, error: { code: "payload_too_large" } });
    expect(chunked.pulled).toBeLessThan(INPUT_LIMITS.bodyBytes + 4 * 1024 * 1024);
  });
});
