import { DurableObject } from "cloudflare:workers";

export class Agent extends DurableObject<Env> {
  async hello(): Promise<string> {
    return "agent";
  }
}
