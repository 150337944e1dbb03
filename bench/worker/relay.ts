// The bare relay the benchmarks measure Baton against: the SDK's stream → ws.send, nothing
// persisted, every text delta a frame of its own. In the Worker for one socket (bench/stream), or
// in an object that holds every socket of a channel for fan-out (bench/fanout): a Worker can't send
// on a socket another request accepted, and an object is the hop Baton's streams take too.
import { createLlmClient } from "../../worker/llm/client";

/** One user prompt, streamed through the SDK exactly as the baselines need it. */
export const streamPrompt = (env: Env, text: string, model: string) =>
  createLlmClient(env).messages.create({
    model,
    max_tokens: 8192,
    stream: true,
    messages: [{ role: "user", content: text }],
  });

/** Streams a `{text, model}` prompt to `send`: a frame per text delta, then an end frame with the tokens. */
export async function relayPrompt(env: Env, data: string, send: (frame: string) => void): Promise<void> {
  try {
    const { text, model } = JSON.parse(data) as { text: string; model: string };
    const stream = await streamPrompt(env, text, model);
    let seq = 0;
    let outputTokens = 0;
    for await (const ev of stream) {
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") {
        send(
          JSON.stringify({ type: "event", event: { seq: ++seq, type: "text.delta", text: ev.delta.text } }),
        );
      } else if (ev.type === "message_delta") {
        outputTokens = ev.usage.output_tokens; // cumulative: the last one is the answer
      }
    }
    // The tokens it relayed, so the bench can put its wire bytes and CPU per 1,000 tokens.
    send(JSON.stringify({ type: "event", event: { seq: ++seq, type: "run.completed", outputTokens } }));
  } catch (err) {
    send(JSON.stringify({ type: "error", code: "relay_failed", message: String(err) }));
  }
}

/** A channel's sockets, held by one object: a prompt on any of them streams to all. */
export class RelayChannel {
  private readonly sockets = new Set<WebSocket>();

  constructor(private readonly env: Env) {}

  accept(): Response {
    const pair = new WebSocketPair();
    const ws = pair[1];
    ws.accept();
    this.sockets.add(ws);
    ws.addEventListener("close", () => this.sockets.delete(ws));
    ws.addEventListener("message", (e) => void relayPrompt(this.env, String(e.data), (f) => this.sendAll(f)));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  private sendAll(frame: string): void {
    for (const ws of this.sockets) {
      try {
        ws.send(frame);
      } catch {
        this.sockets.delete(ws);
      }
    }
  }
}
