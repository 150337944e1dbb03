// An archived orchestrator takes no new work, neither itself nor through its agents.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentSummary } from "../schema/events";
import { api, createOrchestrator, makeUser, runsIdle, sim, waitFor } from "./helpers";
import { WsClient } from "./ws-client";

const orchestrator = (id: string) => env.ORCHESTRATOR.getByName(id);

describe("archived orchestrators", () => {
  it("refuse direct agent messages with 409 archived, like their own messages route", async () => {
    const user = await makeUser();
    const id = await createOrchestrator(user);
    await api(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: sim([{ tools: [{ name: "create_agent", input: { name: "idle", instructions: "Wait." } }] }]),
    });
    await waitFor(orchestrator(id), runsIdle(1));
    const agents = await api<{ agents: AgentSummary[] }>(user, "GET", `/api/orchestrators/${id}/agents`);
    const agentId = agents.body.agents[0]!.id;
    const toAgent = `/api/orchestrators/${id}/agents/${agentId}/messages`;

    expect((await api(user, "PATCH", `/api/orchestrators/${id}`, { status: "archived" })).status).toBe(200);
    const own = await api<{ error: { code: string } }>(user, "POST", `/api/orchestrators/${id}/messages`, {
      text: "Hello?",
    });
    const direct = await api<{ error: { code: string; message: string } }>(user, "POST", toAgent, {
      text: sim([{ text: "Should never run." }]),
    });
    expect(own.status).toBe(409);
    expect(direct.status).toBe(409);
    expect(direct.body.error).toEqual({
      code: own.body.error.code,
      message: expect.stringMatching(/archived/),
    });
    expect(own.body.error.code).toBe("archived");
    // The agent's own socket is the same door: its send frames are refused the same way.
    const socket = await WsClient.connect(user, `/api/orchestrators/${id}/agents/${agentId}/ws`);
    socket.send({ type: "send", text: sim([{ text: "Should never run either." }]) });
    await socket.until((x) => x.frames.some((f) => f.type === "error" || f.type === "sent"));
    expect(socket.frames.find((f) => f.type === "error" || f.type === "sent")).toMatchObject({
      type: "error",
      code: "archived",
    });
    socket.close();
    const after = await api<AgentSummary>(user, "GET", `/api/orchestrators/${id}/agents/${agentId}`);
    expect(after.body.status).toBe("idle");

    // Unarchived, the same request is taken.
    expect((await api(user, "PATCH", `/api/orchestrators/${id}`, { status: "active" })).status).toBe(200);
    const taken = await api(user, "POST", toAgent, { text: sim([{ text: "Now it runs." }]) });
    expect(taken.status).toBe(202);
  });
});
