// A message of only whitespace is refused where it enters (HTTP, the socket, an agent's inbox):
// the Messages API refuses blank text, so it could only fail its run later.
import { describe, expect, it } from "vitest";
import { api, createOrchestrator, makeUser } from "./helpers";
import { WsClient } from "./ws-client";

describe("blank messages", () => {
  it("get a 400 naming text over HTTP, and an error frame over the socket", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    const r = await api<{ error: { message: string } }>(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: " \n\t ",
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/text: must not be only whitespace/);
    const ws = await WsClient.connect(user, `/api/orchestrators/${id}/ws`);
    ws.send({ type: "send", text: "   " });
    await ws.until((c) => c.frames.some((f) => f.type === "error" && f.code === "bad_frame"));
    ws.close();
  });
});
